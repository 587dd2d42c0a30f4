/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-token: subscription tokens minted from the key (PROTOCOL.md
 * 5), for tests and tools; production gets them from the operator's
 * auth service. The only part of the client that needs libsodium.
 */
#include <errno.h>

#include "herald/token.h"
#include "hwp_token.h"

int
herald_token_mint(const uint8_t *key, size_t key_len, uint64_t channel,
		  uint32_t subscriber, uint64_t expires, uint32_t addr,
		  uint16_t port, uint8_t token[HERALD_TOKEN_LEN])
{
	if (hwp_token_init() < 0)
		return -EIO;
	return hwp_token_compute(key, key_len, channel, subscriber, expires,
				 addr, port, token) < 0
		       ? -EINVAL
		       : 0;
}

int
herald_token_key_from_hex(const char *hex, uint8_t *key, size_t cap)
{
	int n = hwp_key_from_hex(hex, key, cap);

	return n < 0 ? -EINVAL : n;
}
