/* SPDX-License-Identifier: BSD-3-Clause
 * Log-linear histograms (HdrHistogram's layout, our own code): values
 * below 2^HIST_SUB_BITS get a bucket each; above, every power of two is
 * split into 2^HIST_SUB_BITS equal buckets, so a bucket's width is at
 * most 1/2^HIST_SUB_BITS (6.25 %) of its values. Values are unsigned
 * integers in whatever unit the caller records (herald: TSC cycles,
 * turned into ns when read). No allocation, no DPDK; one writer, and
 * readers that may see a count and its buckets a record apart.
 */
#ifndef HIST_H
#define HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 4
#define HIST_SUB      (1u << HIST_SUB_BITS)
/* Powers of two above the linear range: values up to 2^48 - 1 (39 hours
 * of a 2 GHz TSC); larger ones go to the last bucket. */
#define HIST_OCTAVES 44
#define HIST_BUCKETS (HIST_SUB * (HIST_OCTAVES + 1))

struct hist {
	uint64_t count; /* values recorded */
	uint64_t sum;	/* of the values (wraps after 2^64) */
	uint64_t max;
	uint64_t b[HIST_BUCKETS];
};

/* The bucket of value v. */
static inline unsigned int
hist_index(uint64_t v)
{
	unsigned int e, i;

	if (v < HIST_SUB)
		return (unsigned int)v;
	e = 63u - (unsigned int)__builtin_clzll(v); /* >= HIST_SUB_BITS */
	i = (e - HIST_SUB_BITS + 1) * HIST_SUB +
	    (unsigned int)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1));
	return i < HIST_BUCKETS ? i : HIST_BUCKETS - 1;
}

/* n values of v (a burst's messages share one latency). */
static inline void
hist_record_n(struct hist *h, uint64_t v, uint64_t n)
{
	h->b[hist_index(v)] += n;
	h->count += n;
	h->sum += v * n;
	if (v > h->max)
		h->max = v;
}

static inline void
hist_record(struct hist *h, uint64_t v)
{
	hist_record_n(h, v, 1);
}

/* Smallest and largest value of bucket i (lo <= v <= hi). */
uint64_t hist_bucket_lo(unsigned int i);
uint64_t hist_bucket_hi(unsigned int i);

void hist_reset(struct hist *h);
/* dst += src. */
void hist_merge(struct hist *dst, const struct hist *src);

/*
 * The value at quantile q (0 to 1): the upper end of the bucket that
 * holds the ceil(q * count)-th smallest value, no more than max; 0 if
 * empty. So the true value is at most one bucket width below it.
 */
uint64_t hist_quantile(const struct hist *h, double q);

/* Values recorded that are <= v (exact when v is a bucket's upper end). */
uint64_t hist_count_le(const struct hist *h, uint64_t v);

#endif /* HIST_H */
