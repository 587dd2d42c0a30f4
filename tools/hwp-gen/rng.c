/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: the PRNG (xoshiro256** seeded by splitmix64) and the
 * recomputable PUBLISH payload.
 *
 * Both algorithms are written out here rather than taken from libc so
 * that a given --seed yields the same bytes on every platform and libc.
 */
#include <string.h>

#include "gen.h"

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
gen_rng_seed(struct gen_rng *r, uint64_t seed)
{
	uint64_t sm = seed;
	int i;

	/* splitmix64 never yields an all-zero xoshiro state in practice. */
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&sm);
}

uint64_t
gen_rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	const uint64_t result = rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t
gen_rng_below(struct gen_rng *r, uint64_t n)
{
	/* Reject the top partial range so every value is equally likely. */
	uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
	uint64_t x;

	do {
		x = gen_rng_next(r);
	} while (x >= limit);
	return x % n;
}

uint64_t
gen_rng_range(struct gen_rng *r, uint64_t lo, uint64_t hi)
{
	if (hi - lo == UINT64_MAX)
		return gen_rng_next(r);
	return lo + gen_rng_below(r, hi - lo + 1);
}

bool
gen_rng_chance(struct gen_rng *r, double p)
{
	/* 53 random bits give an exact double in [0, 1). */
	double u = (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;

	return u < p;
}

void
gen_payload_fill(uint8_t *buf, size_t len, uint64_t seed, uint64_t channel,
		 uint32_t publisher, uint64_t pub_seq)
{
	uint8_t hdr[GEN_PAYLOAD_HDR_LEN];
	uint64_t state;
	size_t off;

	hwp_put64(hdr, channel);
	hwp_put32(hdr + 8, publisher);
	hwp_put64(hdr + 12, pub_seq);
	hwp_put64(hdr + 20, seed);
	if (len <= GEN_PAYLOAD_HDR_LEN) {
		memcpy(buf, hdr, len);
		return;
	}
	memcpy(buf, hdr, GEN_PAYLOAD_HDR_LEN);
	state = hwp_fmix64(hwp_fmix64(hwp_fmix64(seed ^ channel) ^ publisher) ^
			   pub_seq);
	for (off = GEN_PAYLOAD_HDR_LEN; off < len; off += 8) {
		uint8_t word[8];
		size_t n = len - off < 8 ? len - off : 8;

		hwp_put64(word, splitmix64(&state));
		memcpy(buf + off, word, n);
	}
}
