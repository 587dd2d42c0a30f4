/* SPDX-License-Identifier: BSD-3-Clause
 * Internet checksum (RFC 1071) partial sums, 32 bits at a time into a
 * 64-bit accumulator: the same value rte_raw_cksum gives (memory byte
 * order), about four times fewer operations than its 16-bit loop.
 * No DPDK dependency: shared by herald, hwp-gen and the benchmarks.
 */
#ifndef INET_CSUM_H
#define INET_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Unfolded partial sum of buf; start at an even offset of the datagram
 * for sums that are later added together. */
static inline uint64_t
inet_csum_partial(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t sum = 0;
	uint32_t w;
	uint16_t h;

#if defined(__SSE2__)
	/* 16 bytes per load, 32-bit words widened into two 64-bit lane
	 * accumulators (independent chains): no carries to handle. */
	if (len >= 32) {
		__m128i zero = _mm_setzero_si128(), lo = zero, hi = zero;

		for (; len >= 16; len -= 16, p += 16) {
			__m128i v = _mm_loadu_si128(
				(const __m128i *)(const void *)p);

			lo = _mm_add_epi64(lo, _mm_unpacklo_epi32(v, zero));
			hi = _mm_add_epi64(hi, _mm_unpackhi_epi32(v, zero));
		}
		lo = _mm_add_epi64(lo, hi);
		sum = (uint64_t)_mm_cvtsi128_si64(lo) +
		      (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(lo, lo));
	}
#endif
	for (; len >= 16; len -= 16, p += 16) {
		uint32_t a, b, c, d;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		memcpy(&c, p + 8, 4);
		memcpy(&d, p + 12, 4);
		sum += (uint64_t)a + b + c + d;
	}
	for (; len >= 4; len -= 4, p += 4) {
		memcpy(&w, p, 4);
		sum += w;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += *p; /* the last byte, padded with a zero after it */
	return sum;
}

/* Partial sum of n 64-bit words as inet_csum_partial would sum their
 * memory images: for values still in registers. */
static inline uint64_t
inet_csum_words(const uint64_t *w, unsigned int n)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		sum += (w[i] & 0xffffffffULL) + (w[i] >> 32);
	return sum;
}

/* Fold a 32-bit sum to 16 bits (not complemented): with s = H:L,
 * s + ror(s, 16) has H + L + the carry of L + H in its upper half, which
 * is the end-around-carry sum; it cannot carry again (H + L <= 0x1fffe). */
static inline uint16_t
inet_csum_fold32(uint32_t s)
{
	s += (s >> 16) | (s << 16);
	return (uint16_t)(s >> 16);
}

/* Fold a 64-bit sum to 16 bits (not complemented): 64 -> 32 with the
 * end-around carry, then as above. A short dependency chain: the folds
 * sit on the per-packet path several times. */
static inline uint16_t
inet_csum_fold64(uint64_t sum)
{
	uint32_t lo = (uint32_t)sum;
	uint32_t s = lo + (uint32_t)(sum >> 32);

	s += s < lo;
	return inet_csum_fold32(s);
}

/* The checksum field value of a finished sum: the complement, with the
 * UDP rule that a computed 0 is sent as 0xffff (RFC 768). */
static inline uint16_t
inet_csum_udp_field(uint16_t folded)
{
	uint16_t ck = (uint16_t)~folded;

	return ck == 0 ? 0xffff : ck;
}

#endif /* INET_CSUM_H */
