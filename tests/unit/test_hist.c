/* SPDX-License-Identifier: BSD-3-Clause
 * lib/hist: bucket boundaries, merge, quantiles against a sorted
 * reference (what hist.h promises: a quantile is the upper end of the
 * bucket of the true value, so within 1/16 above it).
 */
#include <stdint.h>
#include <stdlib.h>

#include <criterion/criterion.h>

#include "hist.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static int
cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

Test(hist, buckets_tile_the_range)
{
	unsigned int i;

	cr_assert_eq(hist_bucket_lo(0), 0);
	for (i = 0; i + 1 < HIST_BUCKETS; i++) {
		uint64_t lo = hist_bucket_lo(i), hi = hist_bucket_hi(i);

		cr_assert_leq(lo, hi, "bucket %u", i);
		cr_assert_eq(hist_bucket_lo(i + 1), hi + 1, "bucket %u", i);
		cr_assert_eq(hist_index(lo), i, "index of lo of %u", i);
		cr_assert_eq(hist_index(hi), i, "index of hi of %u", i);
		/* Linear below 16, then no wider than 1/16 of its values. */
		if (i < HIST_SUB)
			cr_assert_eq(lo, hi);
		else
			cr_assert_leq(hi - lo + 1, lo / HIST_SUB, "bucket %u",
				      i);
	}
	cr_assert_eq(hist_bucket_hi(HIST_BUCKETS - 1), UINT64_MAX);
	cr_assert_eq(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
	cr_assert_eq(hist_index(1ull << 48), HIST_BUCKETS - 1);
	cr_assert_eq(hist_index((1ull << 48) - 1), HIST_BUCKETS - 1);
}

Test(hist, count_sum_max_and_count_le)
{
	struct hist h;

	hist_reset(&h);
	hist_record(&h, 3);
	hist_record_n(&h, 100, 4);
	hist_record(&h, 1000000);
	cr_assert_eq(h.count, 6);
	cr_assert_eq(h.sum, 3 + 400 + 1000000);
	cr_assert_eq(h.max, 1000000);
	cr_assert_eq(hist_count_le(&h, 2), 0);
	cr_assert_eq(hist_count_le(&h, 3), 1);
	cr_assert_eq(hist_count_le(&h, hist_bucket_hi(hist_index(100))), 5);
	cr_assert_eq(hist_count_le(&h, UINT64_MAX), 6);
}

Test(hist, merge_is_recording_both)
{
	struct hist a, b, all;
	unsigned int i;

	hist_reset(&a);
	hist_reset(&b);
	hist_reset(&all);
	for (i = 0; i < 10000; i++) {
		uint64_t v = next() >> (next() % 64);

		hist_record(i % 3 ? &a : &b, v);
		hist_record(&all, v);
	}
	hist_merge(&a, &b);
	cr_assert_eq(a.count, all.count);
	cr_assert_eq(a.sum, all.sum);
	cr_assert_eq(a.max, all.max);
	cr_assert_arr_eq(a.b, all.b, sizeof(a.b));
}

/* Quantiles of n values against the sorted values themselves. */
static void
against_reference(uint64_t (*draw)(void), unsigned int n)
{
	static const double qs[] = {0.0, 0.5, 0.9, 0.99, 0.999, 1.0};
	uint64_t *v = malloc(n * sizeof(*v));
	struct hist h;
	unsigned int i, k;

	cr_assert_not_null(v);
	hist_reset(&h);
	for (i = 0; i < n; i++) {
		v[i] = draw();
		hist_record(&h, v[i]);
	}
	qsort(v, n, sizeof(*v), cmp);
	cr_assert_eq(hist_quantile(&h, 1.0), v[n - 1], "max");
	for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		double q = qs[k];
		uint64_t rank = (uint64_t)(q * n), got, truth;

		if ((double)rank < q * n || rank == 0)
			rank++;
		truth = v[rank - 1];
		got = hist_quantile(&h, q);
		cr_assert_geq(got, truth, "q %.3f: %lu below the true %lu", q,
			      (unsigned long)got, (unsigned long)truth);
		cr_assert_leq(got, truth + truth / HIST_SUB + 1,
			      "q %.3f: %lu too far above the true %lu", q,
			      (unsigned long)got, (unsigned long)truth);
	}
	free(v);
}

static uint64_t
latency_like(void)
{
	/* Mostly 200-2000 "cycles", a tail to millions. */
	uint64_t r = next();

	return r % 100 < 98 ? 200 + r % 1800 : 10000 + (r >> 20) % 5000000;
}

/* Any magnitude the histogram covers (below 2^48). */
static uint64_t
any_magnitude(void)
{
	return next() >> (16 + next() % 48);
}

Test(hist, quantiles_within_a_bucket_of_the_truth)
{
	against_reference(latency_like, 200000);
	against_reference(any_magnitude, 100000);
}

Test(hist, past_the_range_in_the_last_bucket)
{
	struct hist h;

	hist_reset(&h);
	hist_record(&h, 1ull << 50);
	hist_record(&h, UINT64_MAX);
	cr_assert_eq(h.b[HIST_BUCKETS - 1], 2);
	cr_assert_eq(hist_quantile(&h, 0.5), UINT64_MAX, "capped by max");
}

Test(hist, empty_and_single)
{
	struct hist h;

	hist_reset(&h);
	cr_assert_eq(hist_quantile(&h, 0.5), 0);
	hist_record(&h, 12345);
	cr_assert_eq(hist_quantile(&h, 0.0), 12345);
	cr_assert_eq(hist_quantile(&h, 0.5), 12345);
	cr_assert_eq(hist_quantile(&h, 0.999), 12345);
}
