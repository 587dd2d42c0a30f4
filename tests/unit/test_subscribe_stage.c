/* SPDX-License-Identifier: BSD-3-Clause
 * The worker's SUBSCRIBE / UNSUBSCRIBE items (docs/CONTROL.md): each
 * frame becomes one item with its fields, in frame order, on ring 0 for
 * an endpoint that holds a subscription and ring 1 for any other; a
 * frame the ring has no room for is counted control_ring_full, every
 * other one subscribe_queued, one outcome per frame. The items of a
 * datagram are enqueued together (herald_subscribe_flush), also past
 * the staging array's size. Checked on real rings, counting outcomes as
 * the receive path does.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ring.h>

#include "dataplane/subscribe.h"
#include "herald.h"
#include "ut_eal.h"

struct herald herald;

static char runtime_dir[PATH_MAX];
static struct herald_lcore lc;
static struct herald_endpoint eps[4];
static struct rte_ether_addr src_mac = {{2, 0, 0, 2, 0, 9}};
static struct herald_rx_info ri;

static void
setup(void)
{
	unsigned int i;

	cr_assert_eq(
		ut_eal_init("substage_ut", runtime_dir, sizeof(runtime_dir)), 0,
		"EAL: %s", rte_strerror(rte_errno));
	memset(&lc, 0, sizeof(lc));
	for (i = 0; i < 2; i++) {
		char name[32];

		snprintf(name, sizeof(name), "ut_items%u", i);
		/* Room for exactly 12 items. */
		lc.ctl_items[i] = rte_ring_create_elem(
			name, sizeof(struct herald_ctl_item), 12, SOCKET_ID_ANY,
			RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		cr_assert_not_null(lc.ctl_items[i]);
	}
	eps[2].live = 1;
	eps[2].gen = 77;
	lc.conf.ep = eps;
	ri.src_ip = 0xc6120209; /* 198.18.2.9 */
	ri.src_port = 40000;
	ri.src_mac = &src_mac;
}

static void
teardown(void)
{
	rte_ring_free(lc.ctl_items[0]);
	rte_ring_free(lc.ctl_items[1]);
	rte_eal_cleanup();
	ut_rm_runtime_dir(runtime_dir);
}

static struct hwp_frame
frame(uint8_t type, uint64_t channel)
{
	struct hwp_frame f = {.type = type, .flags = 0};
	unsigned int i;

	f.u.subscribe.channel = channel;
	f.u.subscribe.subscriber = (uint32_t)(1000 + channel);
	f.u.subscribe.from_seq = channel * 3;
	f.u.subscribe.expires = 4102444800ull;
	for (i = 0; i < HWP_TOKEN_LEN; i++)
		f.u.subscribe.token[i] = (uint8_t)(channel + i);
	return f;
}

/* One datagram of n frames from an endpoint at ep_pos (-1: none), as
 * rx.c handles it. */
static void
datagram(unsigned int n, int32_t ep_pos, uint64_t first_channel)
{
	struct herald_subscriber_dgram sd = {
		.port = 0,
		.ri = &ri,
		.rx_ns = 123456789,
		.ep_pos = ep_pos,
		.n_items = 0,
	};
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct hwp_frame f =
			frame(i % 2 ? HWP_T_UNSUBSCRIBE : HWP_T_SUBSCRIBE,
			      first_channel + i);

		lc.cnt.frame[herald_subscribe_frame(&lc, &sd, &f)]++;
	}
	if (sd.n_items != 0)
		herald_subscribe_flush(&lc, &sd);
}

static void
expect_items(struct rte_ring *r, unsigned int n, uint64_t first_channel,
	     uint32_t first_wseq, bool known)
{
	struct herald_ctl_item it;
	unsigned int i, j;

	cr_assert_eq(rte_ring_count(r), n, "ring holds %u items, want %u",
		     rte_ring_count(r), n);
	for (i = 0; i < n; i++) {
		uint64_t ch = first_channel + i;

		cr_assert_eq(rte_ring_sc_dequeue_elem(r, &it, sizeof(it)), 0);
		cr_assert_eq(it.channel, ch, "item %u: channel %" PRIu64, i,
			     it.channel);
		cr_assert_eq(it.type,
			     i % 2 ? HWP_T_UNSUBSCRIBE : HWP_T_SUBSCRIBE);
		cr_assert_eq(it.subscriber, 1000 + ch);
		cr_assert_eq(it.from_seq, ch * 3);
		cr_assert_eq(it.expires, 4102444800ull);
		cr_assert_eq(it.rx_ns, 123456789);
		cr_assert_eq(it.src_ip, ri.src_ip);
		cr_assert_eq(it.src_port, 40000);
		cr_assert(rte_is_same_ether_addr(&it.src_mac, &src_mac));
		cr_assert_eq(it.wseq, first_wseq + i);
		for (j = 0; j < HWP_TOKEN_LEN; j++)
			cr_assert_eq(it.token[j], (uint8_t)(ch + j));
		cr_assert_eq(it.ep_gen, known ? 77u : 0u);
		cr_assert_eq(it.ep_pos, known ? 2u : 0u);
	}
}

TestSuite(subscribe_stage, .init = setup, .fini = teardown);

Test(subscribe_stage, one_datagram_in_order)
{
	datagram(5, -1, 100);
	cr_assert_eq(lc.cnt.frame[FRAME_subscribe_queued], 5);
	cr_assert_eq(lc.cnt.frame[FRAME_control_ring_full], 0);
	cr_assert_eq(rte_ring_count(lc.ctl_items[0]), 0);
	expect_items(lc.ctl_items[1], 5, 100, 0, false);
}

Test(subscribe_stage, known_endpoint_ring_zero)
{
	datagram(3, 2, 7);
	cr_assert_eq(rte_ring_count(lc.ctl_items[1]), 0);
	expect_items(lc.ctl_items[0], 3, 7, 0, true);
}

/* 20 frames (more than the staging array), room for 12: the first 12
 * are queued, in order, the other 8 counted control_ring_full. */
Test(subscribe_stage, ring_full_counted_per_frame)
{
	datagram(20, -1, 1);
	cr_assert_eq(lc.cnt.frame[FRAME_subscribe_queued], 12,
		     "queued %" PRIu64, lc.cnt.frame[FRAME_subscribe_queued]);
	cr_assert_eq(lc.cnt.frame[FRAME_control_ring_full], 8, "full %" PRIu64,
		     lc.cnt.frame[FRAME_control_ring_full]);
	expect_items(lc.ctl_items[1], 12, 1, 0, false);
	/* Room again: the next datagram's items go in whole. */
	datagram(4, -1, 50);
	cr_assert_eq(lc.cnt.frame[FRAME_subscribe_queued], 16);
	expect_items(lc.ctl_items[1], 4, 50, 20, false);
}

/* Two datagrams, one per endpoint class: each on its own ring, the
 * worker's item order (wseq) running across both. */
Test(subscribe_stage, rings_by_endpoint)
{
	datagram(2, 2, 10);
	datagram(2, -1, 20);
	expect_items(lc.ctl_items[0], 2, 10, 0, true);
	expect_items(lc.ctl_items[1], 2, 20, 2, false);
}
