/* SPDX-License-Identifier: BSD-3-Clause
 * HWP/1 subscription tokens (PROTOCOL.md section 5), HMAC-SHA256 via
 * libsodium.
 *
 *   token = HMAC-SHA256(key, "HWP1-SUB" || channel(8) || subscriber(4)
 *                            || expires(8) || addr(16) || port(2))
 *
 * addr is the IPv4-mapped IPv6 form of the subscriber's IPv4 address; all
 * fields big-endian.
 */
#ifndef HWP_TOKEN_H
#define HWP_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hwp_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Length of the HMAC message: 8 + 8 + 4 + 8 + 16 + 2. */
#define HWP_TOKEN_MSG_LEN 46

/* Initialise the crypto library once; returns 0 or -1. Thread-safe. */
int hwp_token_init(void);

/*
 * Compute a token. addr and port are in host byte order (198.18.0.1 is
 * 0xc6120001). Returns 0, or -1 if the key is not 16 to 64 bytes.
 */
int hwp_token_compute(const uint8_t *key, size_t key_len, uint64_t channel,
		      uint32_t subscriber, uint64_t expires, uint32_t addr,
		      uint16_t port, uint8_t out[HWP_TOKEN_LEN]);

/* Constant-time check of a token; false also for a bad key length. */
bool hwp_token_verify(const uint8_t *key, size_t key_len, uint64_t channel,
		      uint32_t subscriber, uint64_t expires, uint32_t addr,
		      uint16_t port, const uint8_t token[HWP_TOKEN_LEN]);

/*
 * A key prepared once for many tokens: HMAC's key schedule (the padded
 * key blocks, two SHA-256 compressions) is done at creation, so that
 * each token costs the message's two compressions only (a control
 * thread verifying a flood of SUBSCRIBEs). Kept in guarded memory that
 * is wiped when freed. NULL if the key is not 16 to 64 bytes or memory
 * is short.
 */
struct hwp_token_key;
struct hwp_token_key *hwp_token_key_new(const uint8_t *key, size_t key_len);
void hwp_token_key_free(struct hwp_token_key *k);
void hwp_token_key_compute(const struct hwp_token_key *k, uint64_t channel,
			   uint32_t subscriber, uint64_t expires, uint32_t addr,
			   uint16_t port, uint8_t out[HWP_TOKEN_LEN]);
/* Constant-time comparison with the token the fields should have. */
bool hwp_token_key_verify(const struct hwp_token_key *k, uint64_t channel,
			  uint32_t subscriber, uint64_t expires, uint32_t addr,
			  uint16_t port, const uint8_t token[HWP_TOKEN_LEN]);

/* Constant-time equality of two tokens (a token already verified for
 * the same fields needs no second HMAC: the MAC is deterministic). */
bool hwp_token_equal(const uint8_t a[HWP_TOKEN_LEN],
		     const uint8_t b[HWP_TOKEN_LEN]);

/* Parse a hex key ("00ff..."); returns its length or -1 if malformed or
 * not 16 to 64 bytes. */
int hwp_key_from_hex(const char *hex, uint8_t *key, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* HWP_TOKEN_H */
