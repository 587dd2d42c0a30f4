/* SPDX-License-Identifier: BSD-3-Clause
 * lib/topn: a list of at most max elements offered candidates one by
 * one holds the first max of them in a stable sort by the order
 * (equals in the order they came), whatever max and the offers.
 */
#include <stdlib.h>

#include <criterion/criterion.h>

#include "topn.h"

struct item {
	uint32_t key;
	uint32_t arrival;
};

/* Higher keys first; ctx says whether to rank lower keys first. */
static bool
before(const void *a, const void *b, const void *ctx)
{
	const struct item *x = a, *y = b;
	bool lowest = ctx != NULL && *(const bool *)ctx;

	return lowest ? x->key < y->key : x->key > y->key;
}

/* The reference: a stable sort of every offer. */
static int
cmp_high(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->arrival < y->arrival ? -1 : 1;
}

static void
check(uint32_t max, uint32_t offers, uint32_t keys, unsigned int seed)
{
	struct item list[64], all[512];
	uint32_t n = 0, i;

	srand(seed);
	for (i = 0; i < offers; i++) {
		all[i].key = (uint32_t)rand() % keys;
		all[i].arrival = i;
		topn_offer(list, sizeof(list[0]), &n, max, &all[i], before,
			   NULL);
		cr_assert_leq(n, max);
	}
	qsort(all, offers, sizeof(all[0]), cmp_high);
	cr_assert_eq(n, offers < max ? offers : max, "n %u", n);
	for (i = 0; i < n; i++)
		cr_assert(list[i].key == all[i].key &&
				  list[i].arrival == all[i].arrival,
			  "max %u offers %u: entry %u is (%u, %u), want (%u, "
			  "%u)",
			  max, offers, i, list[i].key, list[i].arrival,
			  all[i].key, all[i].arrival);
}

Test(topn, against_a_stable_sort)
{
	static const uint32_t maxes[] = {1, 2, 5, 32, 64};
	static const uint32_t offers[] = {0, 1, 4, 5, 6, 31, 33, 200, 512};
	unsigned int a, b, seed;

	for (a = 0; a < sizeof(maxes) / sizeof(maxes[0]); a++)
		for (b = 0; b < sizeof(offers) / sizeof(offers[0]); b++)
			for (seed = 1; seed <= 5; seed++) {
				check(maxes[a], offers[b], 7, seed);
				check(maxes[a], offers[b], 1000000, seed);
			}
}

Test(topn, order_from_ctx)
{
	struct item list[3], it;
	bool lowest = true;
	uint32_t n = 0, k;

	for (k = 10; k > 0; k--) {
		it = (struct item){.key = k, .arrival = 10 - k};
		topn_offer(list, sizeof(list[0]), &n, 3, &it, before, &lowest);
	}
	cr_assert_eq(n, 3);
	cr_assert(list[0].key == 1 && list[1].key == 2 && list[2].key == 3);
}
