/* SPDX-License-Identifier: BSD-3-Clause
 * Shared fixture and helpers of the lib/subtab unit tests (subtab_ut.c).
 */
#ifndef SUBTAB_UT_H
#define SUBTAB_UT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "subtab.h"

#define QS_THREADS   4
#define POISON	     0x5a
#define READER_LCORE 1

extern struct rte_rcu_qsbr *qsv; /* QS_THREADS readers */
extern struct subtab *tab;	 /* the test's table, freed by the fixture */
/* Called first by subtab_ut_down (a test that launched readers). */
extern void (*subtab_ut_before_down)(void);

void subtab_ut_up(void);
void subtab_ut_down(void);

struct subtab *mk_table_retired(uint32_t max_channels, uint32_t max_members,
				uint32_t max_retired);
struct subtab *mk_table(uint32_t max_channels, uint32_t max_members);

/* Members whose non-key fields derive from the key and the channel, so
 * that a reader can tell a live member from a poisoned or foreign one. */
uint32_t member_sum(uint64_t ch, uint32_t sub, uint32_t ip, uint16_t port);
struct subtab_member mk_member(uint64_t ch, uint32_t sub, uint32_t ip,
			       uint16_t port);
bool member_ok(const struct subtab_member *m, uint64_t ch);
bool snap_ok(const struct subtab_channel *c, uint64_t ch, uint32_t max_members);
/* subtab_add of mk_member(...) to tab. */
int add(uint64_t ch, uint32_t sub, uint32_t ip, uint16_t port);
/* Subscribers of the channel, in array order, must be exactly subs. */
void expect_subs(uint64_t ch, const uint32_t *subs, uint32_t n);

/* Free-hook recorder. */
struct freed_log {
	unsigned int n;
	const struct subtab_channel *last;
};

void log_free(struct subtab_channel *c, void *arg);

#endif /* SUBTAB_UT_H */
