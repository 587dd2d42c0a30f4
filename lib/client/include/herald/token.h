/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-token: mint HWP/1 subscription tokens (PROTOCOL.md 5) from
 * the key Herald shares with the auth service. For tests and tools; in
 * production the operator's auth service mints them. Links libsodium
 * (libherald-client does not).
 */
#ifndef HERALD_TOKEN_H
#define HERALD_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HERALD_TOKEN_LEN 32

/*
 * token = HMAC-SHA256(key, "HWP1-SUB" || channel || subscriber || expires
 *                          || ::ffff:addr || port)
 * addr and port in host byte order (198.18.0.2 is 0xc6120002): the
 * subscriber's source address and port as Herald will see them
 * (herald_sub_local). key: 16 to 64 bytes. 0, or -EINVAL.
 */
int herald_token_mint(const uint8_t *key, size_t key_len, uint64_t channel,
		      uint32_t subscriber, uint64_t expires, uint32_t addr,
		      uint16_t port, uint8_t token[HERALD_TOKEN_LEN]);

/* A hex key ("00ff...", 16 to 64 bytes) into key; its length or -EINVAL. */
int herald_token_key_from_hex(const char *hex, uint8_t *key, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* HERALD_TOKEN_H */
