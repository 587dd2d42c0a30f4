/* SPDX-License-Identifier: BSD-3-Clause
 * Internet checksum (RFC 1071) partial sums, 32 bits at a time into a
 * 64-bit accumulator: the same value rte_raw_cksum gives (memory byte
 * order), about four times fewer operations than its 16-bit loop.
 */
#ifndef HERALD_CSUM_H
#define HERALD_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Unfolded partial sum of buf; start at an even offset of the datagram
 * for sums that are later added together. */
static inline uint64_t
herald_csum_partial(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t sum = 0;
	uint32_t w;
	uint16_t h;

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

/* Fold to 16 bits (not complemented). */
static inline uint16_t
herald_csum_fold64(uint64_t sum)
{
	sum = (sum & 0xffffffffULL) + (sum >> 32);
	sum = (sum & 0xffffULL) + (sum >> 16);
	sum = (sum & 0xffffULL) + (sum >> 16);
	sum = (sum & 0xffffULL) + (sum >> 16);
	return (uint16_t)sum;
}

#endif /* HERALD_CSUM_H */
