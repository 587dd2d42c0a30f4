/* SPDX-License-Identifier: BSD-3-Clause
 * Log-linear histograms (hist.h).
 */
#include <string.h>

#include "hist.h"

uint64_t
hist_bucket_lo(unsigned int i)
{
	unsigned int oct, sub;

	if (i < HIST_SUB)
		return i;
	oct = i / HIST_SUB; /* 1..HIST_OCTAVES */
	sub = i % HIST_SUB;
	return ((uint64_t)HIST_SUB + sub) << (oct - 1);
}

uint64_t
hist_bucket_hi(unsigned int i)
{
	if (i >= HIST_BUCKETS - 1)
		return UINT64_MAX;
	return hist_bucket_lo(i + 1) - 1;
}

void
hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, hi;
	unsigned int i;

	if (h->count == 0)
		return 0;
	if (q <= 0)
		q = 0;
	if (q >= 1)
		return h->max;
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count || rank == 0)
		rank++; /* ceil, and at least the first value */
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			hi = hist_bucket_hi(i);
			return hi < h->max ? hi : h->max;
		}
	}
	return h->max;
}

uint64_t
hist_count_le(const struct hist *h, uint64_t v)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS && hist_bucket_hi(i) <= v; i++)
		n += h->b[i];
	return n;
}
