/* SPDX-License-Identifier: BSD-3-Clause
 * HWP/1 subscription tokens: HMAC-SHA256 through libsodium.
 */
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

#include "hwp.h"
#include "hwp_token.h"

static const char token_tag[8] = {'H', 'W', 'P', '1', '-', 'S', 'U', 'B'};

/*
 * sodium_init() is itself thread-safe but takes a global lock on every
 * call; the flag keeps that lock off the per-SUBSCRIBE path.
 */
static atomic_bool sodium_ready;

int
hwp_token_init(void)
{
	if (atomic_load_explicit(&sodium_ready, memory_order_acquire))
		return 0;
	/* 0: initialised now; 1: already initialised; -1: failure. */
	if (sodium_init() < 0)
		return -1;
	atomic_store_explicit(&sodium_ready, true, memory_order_release);
	return 0;
}

static bool
key_len_ok(size_t key_len)
{
	return key_len >= HWP_KEY_MIN_LEN && key_len <= HWP_KEY_MAX_LEN;
}

/* The MAC input of section 5, every field big-endian. */
static void
token_message(uint8_t msg[HWP_TOKEN_MSG_LEN], uint64_t channel,
	      uint32_t subscriber, uint64_t expires, uint32_t addr,
	      uint16_t port)
{
	uint8_t *p = msg;

	memcpy(p, token_tag, sizeof(token_tag));
	p += sizeof(token_tag);
	hwp_put64(p, channel);
	p += 8;
	hwp_put32(p, subscriber);
	p += 4;
	hwp_put64(p, expires);
	p += 8;
	/* IPv4-mapped IPv6: ten zero bytes, 0xffff, then the IPv4 address. */
	memset(p, 0, 10);
	p[10] = 0xff;
	p[11] = 0xff;
	hwp_put32(p + 12, addr);
	p += 16;
	hwp_put16(p, port);
}

int
hwp_token_compute(const uint8_t *key, size_t key_len, uint64_t channel,
		  uint32_t subscriber, uint64_t expires, uint32_t addr,
		  uint16_t port, uint8_t out[HWP_TOKEN_LEN])
{
	crypto_auth_hmacsha256_state st;
	uint8_t msg[HWP_TOKEN_MSG_LEN];
	int rc;

	if (key == NULL || out == NULL || !key_len_ok(key_len))
		return -1;
	if (hwp_token_init() != 0)
		return -1;
	token_message(msg, channel, subscriber, expires, addr, port);
	/* The init/update/final API takes any key length, unlike
	 * crypto_auth_hmacsha256() which wants exactly 32 bytes. */
	rc = crypto_auth_hmacsha256_init(&st, key, key_len);
	if (rc == 0)
		rc = crypto_auth_hmacsha256_update(&st, msg, sizeof(msg));
	if (rc == 0)
		rc = crypto_auth_hmacsha256_final(&st, out);
	/* The state holds key-derived pads. */
	sodium_memzero(&st, sizeof(st));
	return rc == 0 ? 0 : -1;
}

bool
hwp_token_verify(const uint8_t *key, size_t key_len, uint64_t channel,
		 uint32_t subscriber, uint64_t expires, uint32_t addr,
		 uint16_t port, const uint8_t token[HWP_TOKEN_LEN])
{
	uint8_t expect[HWP_TOKEN_LEN];
	bool ok;

	if (token == NULL)
		return false;
	if (hwp_token_compute(key, key_len, channel, subscriber, expires, addr,
			      port, expect) != 0)
		return false;
	ok = crypto_verify_32(expect, token) == 0;
	sodium_memzero(expect, sizeof(expect));
	return ok;
}

struct hwp_token_key {
	crypto_auth_hmacsha256_state keyed; /* after the key, before data */
};

struct hwp_token_key *
hwp_token_key_new(const uint8_t *key, size_t key_len)
{
	struct hwp_token_key *k;

	if (key == NULL || !key_len_ok(key_len) || hwp_token_init() != 0)
		return NULL;
	k = sodium_malloc(sizeof(*k));
	if (k == NULL)
		return NULL;
	if (crypto_auth_hmacsha256_init(&k->keyed, key, key_len) != 0) {
		sodium_free(k);
		return NULL;
	}
	return k;
}

void
hwp_token_key_free(struct hwp_token_key *k)
{
	/* sodium_free wipes the memory before releasing it. */
	if (k != NULL)
		sodium_free(k);
}

void
hwp_token_key_compute(const struct hwp_token_key *k, uint64_t channel,
		      uint32_t subscriber, uint64_t expires, uint32_t addr,
		      uint16_t port, uint8_t out[HWP_TOKEN_LEN])
{
	crypto_auth_hmacsha256_state st = k->keyed;
	uint8_t msg[HWP_TOKEN_MSG_LEN];

	token_message(msg, channel, subscriber, expires, addr, port);
	crypto_auth_hmacsha256_update(&st, msg, sizeof(msg));
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

bool
hwp_token_key_verify(const struct hwp_token_key *k, uint64_t channel,
		     uint32_t subscriber, uint64_t expires, uint32_t addr,
		     uint16_t port, const uint8_t token[HWP_TOKEN_LEN])
{
	uint8_t expect[HWP_TOKEN_LEN];
	bool ok;

	if (k == NULL || token == NULL)
		return false;
	hwp_token_key_compute(k, channel, subscriber, expires, addr, port,
			      expect);
	ok = crypto_verify_32(expect, token) == 0;
	sodium_memzero(expect, sizeof(expect));
	return ok;
}

bool
hwp_token_equal(const uint8_t a[HWP_TOKEN_LEN], const uint8_t b[HWP_TOKEN_LEN])
{
	return crypto_verify_32(a, b) == 0;
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hwp_key_from_hex(const char *hex, uint8_t *key, size_t cap)
{
	size_t nhex;
	size_t klen;
	size_t i;

	if (hex == NULL || key == NULL)
		return -1;
	/* Bounded scan: anything longer than a 64-byte key is refused. */
	nhex = strnlen(hex, 2 * HWP_KEY_MAX_LEN + 1);
	if (nhex % 2 != 0)
		return -1;
	klen = nhex / 2;
	if (!key_len_ok(klen) || klen > cap)
		return -1;
	/* Check every digit before writing so a bad string leaves key alone. */
	for (i = 0; i < nhex; i++)
		if (hex_nibble(hex[i]) < 0)
			return -1;
	for (i = 0; i < klen; i++)
		key[i] = (uint8_t)(hex_nibble(hex[2 * i]) << 4 |
				   hex_nibble(hex[2 * i + 1]));
	return (int)klen;
}
