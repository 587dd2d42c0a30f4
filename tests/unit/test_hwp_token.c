/* SPDX-License-Identifier: BSD-3-Clause
 * HWP/1 subscription tokens against OpenSSL-made vectors
 * (vectors/tokens.txt, see vectors/README.md), and the verifier's
 * rejections.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "hwp_token.h"

#ifndef HWP_VECTOR_DIR
#error "HWP_VECTOR_DIR must name tests/unit/vectors"
#endif

#define MAX_VECTORS 16

struct token_vector {
	uint8_t key[HWP_KEY_MAX_LEN];
	size_t key_len;
	uint64_t channel;
	uint32_t subscriber;
	uint64_t expires;
	uint32_t addr;
	uint16_t port;
	uint8_t token[HWP_TOKEN_LEN];
};

static struct token_vector vectors[MAX_VECTORS];
static unsigned int nvectors;

/* Decodes exactly 2 * n hex digits; test-side, independent of the lib. */
static bool
unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return false;
	for (i = 0; i < n; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return false;
		out[i] = (uint8_t)b;
	}
	return true;
}

static void
load_vectors(void)
{
	char line[1024];
	FILE *f = fopen(HWP_VECTOR_DIR "/tokens.txt", "r");

	cr_assert_not_null(f, "cannot open %s", HWP_VECTOR_DIR "/tokens.txt");
	nvectors = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char key[160], chan[32], sub[32], exp[32], addr[16], port[16];
		char msg[128], tok[80];
		struct token_vector *v = &vectors[nvectors];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		cr_assert_lt(nvectors, MAX_VECTORS);
		cr_assert_eq(sscanf(line,
				    "%159s %31s %31s %31s %15s %15s %127s %79s",
				    key, chan, sub, exp, addr, port, msg, tok),
			     8, "bad vector line: %s", line);
		v->key_len = strlen(key) / 2;
		cr_assert(unhex(key, v->key, v->key_len));
		v->channel = strtoull(chan, NULL, 0);
		v->subscriber = (uint32_t)strtoul(sub, NULL, 0);
		v->expires = strtoull(exp, NULL, 0);
		v->addr = (uint32_t)strtoul(addr, NULL, 16);
		v->port = (uint16_t)strtoul(port, NULL, 0);
		cr_assert(unhex(tok, v->token, HWP_TOKEN_LEN));
		/* The message column documents the bytes OpenSSL MACed. */
		cr_assert_eq(strlen(msg), 2 * HWP_TOKEN_MSG_LEN);
		cr_assert_eq(strncmp(msg, "485750312d535542", 16), 0,
			     "message must start with \"HWP1-SUB\"");
		nvectors++;
	}
	fclose(f);
	cr_assert_geq(nvectors, 4, "need at least 4 vectors");
	cr_assert_eq(hwp_token_init(), 0);
}

static bool
verify(const struct token_vector *v, const uint8_t *key, size_t key_len,
       const uint8_t *token)
{
	return hwp_token_verify(key, key_len, v->channel, v->subscriber,
				v->expires, v->addr, v->port, token);
}

TestSuite(token, .init = load_vectors);

Test(token, init_is_idempotent)
{
	cr_assert_eq(hwp_token_init(), 0);
	cr_assert_eq(hwp_token_init(), 0);
}

Test(token, compute_matches_openssl)
{
	unsigned int i;

	for (i = 0; i < nvectors; i++) {
		const struct token_vector *v = &vectors[i];
		uint8_t out[HWP_TOKEN_LEN];

		memset(out, 0, sizeof(out));
		cr_assert_eq(hwp_token_compute(v->key, v->key_len, v->channel,
					       v->subscriber, v->expires,
					       v->addr, v->port, out),
			     0);
		cr_assert_arr_eq(out, v->token, HWP_TOKEN_LEN,
				 "vector %u (key %zu bytes)", i, v->key_len);
		cr_assert(verify(v, v->key, v->key_len, v->token));
	}
}

Test(token, every_single_bit_flip_rejected)
{
	unsigned int i;
	unsigned int bit;

	for (i = 0; i < nvectors; i++) {
		for (bit = 0; bit < 8 * HWP_TOKEN_LEN; bit++) {
			uint8_t t[HWP_TOKEN_LEN];

			memcpy(t, vectors[i].token, sizeof(t));
			t[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			cr_assert_not(verify(&vectors[i], vectors[i].key,
					     vectors[i].key_len, t),
				      "vector %u bit %u", i, bit);
		}
	}
}

Test(token, wrong_key_rejected)
{
	const struct token_vector *v = &vectors[1];
	uint8_t key[HWP_KEY_MAX_LEN];

	memcpy(key, v->key, v->key_len);
	key[v->key_len - 1] ^= 0x01;
	cr_assert_not(verify(v, key, v->key_len, v->token));
	/* A prefix of the right key is a different key. */
	cr_assert_not(verify(v, v->key, v->key_len - 1, v->token));
	/* Another vector's key. */
	cr_assert_not(verify(v, vectors[0].key, vectors[0].key_len, v->token));
}

Test(token, other_endpoint_or_fields_rejected)
{
	const struct token_vector *v = &vectors[1];
	const uint8_t *k = v->key;
	size_t kl = v->key_len;

	cr_assert(hwp_token_verify(k, kl, v->channel, v->subscriber, v->expires,
				   v->addr, v->port, v->token));
	cr_assert_not(hwp_token_verify(k, kl, v->channel, v->subscriber,
				       v->expires, v->addr, v->port + 1,
				       v->token));
	cr_assert_not(hwp_token_verify(k, kl, v->channel, v->subscriber,
				       v->expires, v->addr ^ 1, v->port,
				       v->token));
	cr_assert_not(hwp_token_verify(k, kl, v->channel, v->subscriber,
				       v->expires, v->addr ^ 0x80000000,
				       v->port, v->token));
	cr_assert_not(hwp_token_verify(k, kl, v->channel + 1, v->subscriber,
				       v->expires, v->addr, v->port, v->token));
	cr_assert_not(hwp_token_verify(k, kl, v->channel, v->subscriber ^ 2,
				       v->expires, v->addr, v->port, v->token));
	cr_assert_not(hwp_token_verify(k, kl, v->channel, v->subscriber,
				       v->expires + 1, v->addr, v->port,
				       v->token));
}

Test(token, key_length_bounds)
{
	uint8_t key[HWP_KEY_MAX_LEN + 1];
	uint8_t out[HWP_TOKEN_LEN];
	uint8_t tok[HWP_TOKEN_LEN];

	memset(key, 0x5a, sizeof(key));
	cr_assert_eq(hwp_token_compute(key, 15, 1, 1, 1, 1, 1, out), -1);
	cr_assert_eq(hwp_token_compute(key, 65, 1, 1, 1, 1, 1, out), -1);
	cr_assert_eq(hwp_token_compute(key, 0, 1, 1, 1, 1, 1, out), -1);
	cr_assert_eq(hwp_token_compute(NULL, 16, 1, 1, 1, 1, 1, out), -1);
	cr_assert_eq(hwp_token_compute(key, 16, 1, 1, 1, 1, 1, out), 0);
	cr_assert_eq(hwp_token_compute(key, 64, 1, 1, 1, 1, 1, tok), 0);
	cr_assert(hwp_token_verify(key, 64, 1, 1, 1, 1, 1, tok));
	/* A 65-byte key is refused even when its token would match: HMAC
	 * hashes long keys, so no such token exists to match anyway. */
	cr_assert_not(hwp_token_verify(key, 65, 1, 1, 1, 1, 1, tok));
	cr_assert_not(hwp_token_verify(key, 15, 1, 1, 1, 1, 1, tok));
	cr_assert_not(hwp_token_verify(key, 64, 1, 1, 1, 1, 1, NULL));
}

Test(token, key_from_hex_good)
{
	uint8_t key[HWP_KEY_MAX_LEN];
	char hex[2 * HWP_KEY_MAX_LEN + 1];
	unsigned int i;

	cr_assert_eq(hwp_key_from_hex("000102030405060708090a0b0c0d0e0f", key,
				      sizeof(key)),
		     16);
	for (i = 0; i < 16; i++)
		cr_assert_eq(key[i], i);
	cr_assert_eq(
		hwp_key_from_hex("FFfeDDcc00112233445566778899AaBb", key, 16),
		16, "exact capacity, mixed case");
	cr_assert_eq(key[0], 0xff);
	cr_assert_eq(key[1], 0xfe);
	cr_assert_eq(key[15], 0xbb);
	memset(hex, 'a', 2 * HWP_KEY_MAX_LEN);
	hex[2 * HWP_KEY_MAX_LEN] = '\0';
	cr_assert_eq(hwp_key_from_hex(hex, key, sizeof(key)), 64);
	cr_assert_eq(key[63], 0xaa);
	/* The hex of the vectors gives back their keys. */
	cr_assert_eq(hwp_key_from_hex("4b6579466f724865726c6441757468536572766"
				      "963652d3332627974656b6579",
				      key, sizeof(key)),
		     32);
	cr_assert_arr_eq(key, vectors[1].key, 32);
}

Test(token, key_from_hex_bad)
{
	static const char *const bad[] = {
		"",
		"00",
		"000102030405060708090a0b0c0d0e",	 /* 15 bytes */
		"000102030405060708090a0b0c0d0e0",	 /* odd */
		"000102030405060708090a0b0c0d0e0g",	 /* not hex */
		"0x0102030405060708090a0b0c0d0e0f",	 /* prefix */
		" 00102030405060708090a0b0c0d0e0f",	 /* space */
		"000102030405060708090a0b0c0d0e0f\n",	 /* newline */
		"00010203-0405060708090a0b0c0d0e0f0011", /* separator */
	};
	uint8_t key[HWP_KEY_MAX_LEN + 8];
	char hex[2 * (HWP_KEY_MAX_LEN + 1) + 1];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(key, 0x77, sizeof(key));
		cr_assert_eq(hwp_key_from_hex(bad[i], key, sizeof(key)), -1,
			     "accepted \"%s\"", bad[i]);
		cr_assert_eq(key[0], 0x77, "wrote on failure: \"%s\"", bad[i]);
	}
	/* 65 bytes is too long. */
	memset(hex, '1', sizeof(hex) - 1);
	hex[sizeof(hex) - 1] = '\0';
	cr_assert_eq(hwp_key_from_hex(hex, key, sizeof(key)), -1);
	/* Good hex but not enough room. */
	cr_assert_eq(
		hwp_key_from_hex("000102030405060708090a0b0c0d0e0f", key, 15),
		-1);
	cr_assert_eq(hwp_key_from_hex(NULL, key, sizeof(key)), -1);
	cr_assert_eq(
		hwp_key_from_hex("000102030405060708090a0b0c0d0e0f", NULL, 16),
		-1);
}

/* The prepared key (what the control thread uses) gives the OpenSSL
 * tokens for every vector, and rejects each single-bit change of the
 * token and a change of any field. */
Test(token, prepared_key_matches_openssl)
{
	unsigned int i, bit;

	for (i = 0; i < nvectors; i++) {
		const struct token_vector *v = &vectors[i];
		struct hwp_token_key *k = hwp_token_key_new(v->key, v->key_len);
		uint8_t out[HWP_TOKEN_LEN], bad[HWP_TOKEN_LEN];

		cr_assert_not_null(k, "vector %u", i);
		memset(out, 0, sizeof(out));
		hwp_token_key_compute(k, v->channel, v->subscriber, v->expires,
				      v->addr, v->port, out);
		cr_assert_arr_eq(out, v->token, HWP_TOKEN_LEN, "vector %u", i);
		/* Twice: the prepared state is not consumed. */
		cr_assert(hwp_token_key_verify(k, v->channel, v->subscriber,
					       v->expires, v->addr, v->port,
					       v->token));
		cr_assert(hwp_token_key_verify(k, v->channel, v->subscriber,
					       v->expires, v->addr, v->port,
					       v->token));
		for (bit = 0; bit < 8 * HWP_TOKEN_LEN; bit++) {
			memcpy(bad, v->token, sizeof(bad));
			bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			cr_assert(!hwp_token_key_verify(
				k, v->channel, v->subscriber, v->expires,
				v->addr, v->port, bad));
		}
		cr_assert(!hwp_token_key_verify(k, v->channel + 1,
						v->subscriber, v->expires,
						v->addr, v->port, v->token));
		cr_assert(!hwp_token_key_verify(
			k, v->channel, v->subscriber, v->expires, v->addr,
			(uint16_t)(v->port + 1), v->token));
		cr_assert(!hwp_token_key_verify(k, v->channel, v->subscriber,
						v->expires, v->addr ^ 1,
						v->port, v->token));
		hwp_token_key_free(k);
	}
}

Test(token, prepared_key_length_bounds)
{
	uint8_t key[HWP_KEY_MAX_LEN + 1] = {0};

	cr_assert_null(hwp_token_key_new(key, HWP_KEY_MIN_LEN - 1));
	cr_assert_null(hwp_token_key_new(key, HWP_KEY_MAX_LEN + 1));
	cr_assert_null(hwp_token_key_new(NULL, HWP_KEY_MIN_LEN));
	hwp_token_key_free(hwp_token_key_new(key, HWP_KEY_MIN_LEN));
	hwp_token_key_free(hwp_token_key_new(key, HWP_KEY_MAX_LEN));
	cr_assert(!hwp_token_key_verify(NULL, 1, 1, 1, 1, 1, key));
}
