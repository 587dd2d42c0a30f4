/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests of lib/subtab's versions and two-step changes: what the
 * control plane relies on to give a SUBACK its exact next_seq (a worker
 * must be told of a change before it can see it, and must be able to
 * tell, from any lookup, which changes it sees).
 */
#include <errno.h>
#include <stdint.h>

#include <criterion/criterion.h>

#include "subtab_ut.h"

TestSuite(subtab, .init = subtab_ut_up, .fini = subtab_ut_down, .timeout = 60);

Test(subtab, staged_change_is_invisible_until_commit)
{
	struct subtab_member m = mk_member(5, 1, 1, 1);
	uint64_t v, seen;

	tab = mk_table(4, 4);
	cr_assert_eq(subtab_published(tab), 0);
	cr_assert_eq(subtab_stage(tab, 5, &m, 1, &v), 0);
	cr_assert_eq(v, 1);
	cr_assert_null(subtab_lookup_version(tab, 5, &seen));
	cr_assert_eq(seen, 0, "a bucket never changed has no version");
	cr_assert_eq(subtab_published(tab), 0);
	subtab_commit(tab);
	cr_assert_not_null(subtab_lookup_version(tab, 5, &seen));
	cr_assert_eq(seen, v);
	cr_assert_eq(subtab_published(tab), v);
	expect_subs(5, (uint32_t[]){1}, 1);
	cr_assert_eq(subtab_lookup(tab, 5)->version, v);
}

Test(subtab, aborted_change_leaves_table_and_version)
{
	struct subtab_member m[2] = {mk_member(6, 1, 1, 1),
				     mk_member(6, 2, 1, 1)};
	struct subtab_stats st;
	uint64_t v, v2, seen;

	tab = mk_table(4, 4);
	cr_assert_eq(subtab_set(tab, 6, m, 1), 0);
	v = subtab_published(tab);
	cr_assert_eq(subtab_stage(tab, 6, m, 2, &v2), 0);
	cr_assert_eq(v2, v + 1);
	/* One change at a time. */
	cr_assert_eq(subtab_stage(tab, 7, m, 1, &seen), -EINVAL);
	subtab_abort(tab);
	expect_subs(6, (uint32_t[]){1}, 1);
	cr_assert_eq(subtab_published(tab), v);
	/* The version promised to nobody is handed out again. */
	cr_assert_eq(subtab_stage(tab, 6, m, 2, &v2), 0);
	cr_assert_eq(v2, v + 1);
	subtab_commit(tab);
	expect_subs(6, (uint32_t[]){1, 2}, 2);
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.members, 2);
	cr_assert_eq(st.channels, 1);
}

Test(subtab, stage_refuses_over_limits)
{
	struct subtab_member m[3] = {mk_member(8, 1, 1, 1),
				     mk_member(8, 2, 1, 1),
				     mk_member(8, 3, 1, 1)};
	uint64_t v;

	tab = mk_table(1, 2);
	cr_assert_eq(subtab_stage(tab, 8, m, 3, &v), -ENOSPC);
	cr_assert_eq(subtab_stage(tab, 8, m, 2, &v), 0);
	subtab_commit(tab);
	cr_assert_eq(subtab_stage(tab, 9, m, 1, &v), -ENOSPC,
		     "max_channels is 1");
	cr_assert_eq(subtab_published(tab), 1);
}

/*
 * A channel that lost its last member still answers with the version of
 * that change, and so does every channel sharing its bucket: a reader
 * that finds nobody can still tell it has seen the departure.
 */
Test(subtab, emptied_channel_keeps_a_version)
{
	struct subtab_member m = mk_member(10, 1, 1, 1);
	uint64_t v_add, v_del, seen;

	tab = mk_table(4, 4);
	cr_assert_eq(subtab_stage(tab, 10, &m, 1, &v_add), 0);
	subtab_commit(tab);
	cr_assert_eq(subtab_stage(tab, 10, NULL, 0, &v_del), 0);
	cr_assert_gt(v_del, v_add);
	subtab_commit(tab);
	cr_assert_null(subtab_lookup_version(tab, 10, &seen));
	cr_assert_eq(seen, v_del);
	cr_assert_eq(subtab_published(tab), v_del);
	expect_subs(10, NULL, 0);
}

/* Every change, whatever its kind, takes the next version; a lookup is
 * as of the newest change of its bucket, never older than the channel's
 * own snapshot. */
Test(subtab, versions_cover_every_kind_of_change)
{
	const struct subtab_channel *c;
	struct subtab_member m = mk_member(3, 4, 5, 6);
	uint64_t last = 0, seen, ch;

	tab = mk_table(64, 8);
	for (ch = 1; ch <= 40; ch++) {
		cr_assert_eq(add(ch, 1, 1, 1), 0);
		cr_assert_eq(subtab_published(tab), last + 1);
		last++;
	}
	cr_assert_eq(subtab_set(tab, 3, &m, 1), 0);
	cr_assert_eq(subtab_published(tab), ++last);
	cr_assert_eq(subtab_del(tab, 3, 4, 5, 6), 0);
	cr_assert_eq(subtab_published(tab), ++last);
	cr_assert_eq(subtab_del_endpoint(tab, 1, 1), 39);
	cr_assert_eq(subtab_published(tab), last + 39);
	for (ch = 1; ch <= 40; ch++) {
		c = subtab_lookup_version(tab, ch, &seen);
		cr_assert_leq(seen, subtab_published(tab));
		cr_assert_gt(seen, 0);
		if (c != NULL)
			cr_assert_geq(seen, c->version);
	}
}
