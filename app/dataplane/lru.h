/* SPDX-License-Identifier: BSD-3-Clause
 * A coarse LRU over the entries of a fixed array (by index), for tables
 * whose entries expire after a silence: the list is ordered by the time
 * each entry was last linked, and an entry is re-linked at most once per
 * LRU_RELINK_DIV-th of its timeout, so the hot path pays a compare for
 * most touches instead of four pointer writes into cold neighbours.
 *
 * Exact all the same: an entry silent for the timeout has not been
 * re-linked since, so it lies in the list's prefix older than the
 * timeout, where the expiry walk looks at every entry (internal to the
 * data plane; one owner, no concurrency).
 */
#ifndef HERALD_LRU_H
#define HERALD_LRU_H

#include <stdint.h>

#include <rte_branch_prediction.h>

#include "runtime/runtime.h"

#define LRU_NIL	       UINT32_MAX
#define LRU_RELINK_DIV 8

struct herald_lru_node {
	uint32_t prev, next;
	uint64_t linked_ns;
};

/* struct herald_lru (head, tail) is declared in runtime/runtime.h,
 * where the lcore context embeds it. */

static inline void
herald_lru_init(struct herald_lru *l)
{
	l->head = l->tail = LRU_NIL;
}

/* node(i): the node of entry i. */
#define HERALD_LRU_NODE(base, i, member) (&(base)[i].member)

static inline void
herald_lru_unlink_at(struct herald_lru *l, struct herald_lru_node *n,
		     struct herald_lru_node *prev, struct herald_lru_node *next)
{
	if (prev != NULL)
		prev->next = n->next;
	else
		l->head = n->next;
	if (next != NULL)
		next->prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = LRU_NIL;
}

#define herald_lru_unlink(l, base, i, member)                                  \
	do {                                                                   \
		struct herald_lru_node *n_ = HERALD_LRU_NODE(base, i, member); \
		herald_lru_unlink_at(                                          \
			(l), n_,                                               \
			n_->prev == LRU_NIL                                    \
				? NULL                                         \
				: HERALD_LRU_NODE(base, n_->prev, member),     \
			n_->next == LRU_NIL                                    \
				? NULL                                         \
				: HERALD_LRU_NODE(base, n_->next, member));    \
	} while (0)

#define herald_lru_append(l, base, i, member, now)                             \
	do {                                                                   \
		struct herald_lru_node *n_ = HERALD_LRU_NODE(base, i, member); \
		n_->linked_ns = (now);                                         \
		n_->next = LRU_NIL;                                            \
		n_->prev = (l)->tail;                                          \
		if ((l)->tail != LRU_NIL)                                      \
			HERALD_LRU_NODE(base, (l)->tail, member)->next = (i);  \
		else                                                           \
			(l)->head = (i);                                       \
		(l)->tail = (i);                                               \
	} while (0)

/* A touch at now: re-link only when the link is older than 1/8 of the
 * timeout (or in the future: a clock that went back). */
#define herald_lru_touch(l, base, i, member, now, timeout)                     \
	do {                                                                   \
		uint64_t age_ =                                                \
			(now)-HERALD_LRU_NODE(base, i, member)->linked_ns;     \
		if (unlikely(age_ > (timeout) / LRU_RELINK_DIV)) {             \
			herald_lru_unlink(l, base, i, member);                 \
			herald_lru_append(l, base, i, member, now);            \
		}                                                              \
	} while (0)

/* Whether the oldest link is older than timeout at now (then the expiry
 * walk has something to look at). */
#define herald_lru_due(l, base, member, now, timeout)                          \
	((l)->head != LRU_NIL &&                                               \
	 (now)-HERALD_LRU_NODE(base, (l)->head, member)->linked_ns >           \
		 (timeout) &&                                                  \
	 (now) > HERALD_LRU_NODE(base, (l)->head, member)->linked_ns)

#endif /* HERALD_LRU_H */
