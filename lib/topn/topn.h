/* SPDX-License-Identifier: BSD-3-Clause
 * A top-N list: at most max elements of one size, kept sorted while
 * candidates are offered one by one (insertion into a short list; the
 * views it serves hold 32).
 */
#ifndef HERALD_TOPN_H
#define HERALD_TOPN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Whether a goes before b (ctx: the caller's, e.g. an order). */
typedef bool (*topn_before_fn)(const void *a, const void *b, const void *ctx);

/* Offer item to list, *n (at most max) elements of size bytes sorted by
 * before: it goes ahead of those it goes before, behind its equals, and
 * the last element falls off a full list; an item after every element
 * of a full list is left out. */
static inline void
topn_offer(void *list, size_t size, uint32_t *n, uint32_t max, const void *item,
	   topn_before_fn before, const void *ctx)
{
	uint8_t *t = list;
	uint32_t i = *n, kept;

	while (i > 0 && before(item, t + (size_t)(i - 1) * size, ctx))
		i--;
	if (i >= max)
		return;
	kept = *n < max ? *n : max - 1;
	memmove(t + (size_t)(i + 1) * size, t + (size_t)i * size,
		(size_t)(kept - i) * size);
	memcpy(t + (size_t)i * size, item, size);
	if (*n < max)
		(*n)++;
}

#endif /* HERALD_TOPN_H */
