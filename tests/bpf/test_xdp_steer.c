/* SPDX-License-Identifier: BSD-3-Clause
 * The XDP program on valid datagrams: the publisher allow-list (which
 * fails closed: only allow_any means any source), the per-slot counters
 * and targets (LOCAL, PASS, NODE), and the NODE rewrite's checksums,
 * compared byte for byte with the packet built from scratch, including
 * the UDP checksum that comes out 0 and must be sent as 0xffff.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include <criterion/criterion.h>

#include "hx_run.h"

TestSuite(xdp, .init = hx_setup, .fini = hx_teardown, .timeout = 60);

/* hx_setup's MAC: the NODE frames' Ethernet source. */
static const uint8_t own_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t node_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x09};
#define NODE_IP 0xc6120009u /* 198.18.0.9 */

static uint8_t d[HX_PKT_MAX];
static uint8_t pkt[HX_PKT_MAX];
static uint8_t model[HX_PKT_MAX];
static struct verdict v;

/* ---- publisher allow-list ----------------------------------------- */

static void
set_allow_any(bool any)
{
	struct herald_xdp_config cfg;

	cr_assert_eq(herald_xdp_get_config(hx, &cfg), 0);
	cfg.allow_any = any;
	cr_assert_eq(herald_xdp_set_config(hx, &cfg), 0);
}

static void
publish_from(uint32_t saddr, int act, const char *counter)
{
	struct hx_pkt_spec s;
	uint8_t f[128];

	hx_spec_default(&s);
	s.saddr = saddr;
	hx_expect(pkt, hx_wrap_spec(pkt, &s, f, hx_mk_publish(f, 5, 8)), act,
		  counter, NULL);
}

Test(xdp, allow_empty_list_allows_none)
{
	uint8_t f[HWP_SUBSCRIBE_LEN];

	set_allow_any(false);
	cr_assert_eq(herald_xdp_allow_list(hx, NULL, NULL), 0);
	publish_from(HX_FOREIGN_IP, XDP_DROP, "publisher_not_allowed");
	publish_from(HX_CLIENT_IP, XDP_DROP, "publisher_not_allowed");
	/* Only PUBLISH is subject to the list. */
	hx_expect_dgram(f, hx_mk_subscribe(f, 5), XDP_PASS, "local_no_xsk");
}

Test(xdp, allow_any_with_empty_list_allows_all)
{
	publish_from(HX_FOREIGN_IP, XDP_PASS, "local_no_xsk");
	publish_from(HX_CLIENT_IP, XDP_PASS, "local_no_xsk");
}

Test(xdp, allow_list_drops_foreign_publisher)
{
	set_allow_any(false);
	cr_assert_eq(herald_xdp_allow_add(hx, 0xc6120000u, 24), 0);
	publish_from(HX_FOREIGN_IP, XDP_DROP, "publisher_not_allowed");
	publish_from(HX_CLIENT_IP, XDP_PASS, "local_no_xsk");
}

Test(xdp, allow_list_longest_prefix_and_host_bits)
{
	set_allow_any(false);
	/* Host bits are ignored: this is 198.19.0.0/16. */
	cr_assert_eq(herald_xdp_allow_add(hx, 0xc6130505u, 16), 0);
	cr_assert_eq(herald_xdp_allow_list(hx, NULL, NULL), 1);
	publish_from(HX_FOREIGN_IP, XDP_PASS, "local_no_xsk");
	publish_from(HX_CLIENT_IP, XDP_DROP, "publisher_not_allowed");
}

Test(xdp, allow_any_flag_overrides_list)
{
	set_allow_any(false);
	cr_assert_eq(herald_xdp_allow_add(hx, 0xc6120000u, 24), 0);
	publish_from(HX_FOREIGN_IP, XDP_DROP, "publisher_not_allowed");
	set_allow_any(true);
	publish_from(HX_FOREIGN_IP, XDP_PASS, "local_no_xsk");
}

Test(xdp, allow_zero_prefix_allows_all)
{
	set_allow_any(false);
	cr_assert_eq(herald_xdp_allow_add(hx, 0, 0), 0);
	publish_from(HX_FOREIGN_IP, XDP_PASS, "local_no_xsk");
	publish_from(0xdffffffeu, XDP_PASS, "local_no_xsk");
}

Test(xdp, allow_del_back_to_empty)
{
	struct herald_xdp_config cfg;

	set_allow_any(false);
	cr_assert_eq(herald_xdp_allow_add(hx, 0xc6120000u, 24), 0);
	publish_from(HX_FOREIGN_IP, XDP_DROP, "publisher_not_allowed");
	publish_from(HX_CLIENT_IP, XDP_PASS, "local_no_xsk");
	cr_assert_eq(herald_xdp_allow_del(hx, 0xc6120000u, 24), 0);
	cr_assert_eq(herald_xdp_allow_del(hx, 0xc6120000u, 24), -ENOENT);
	/* Fails closed: the last prefix gone, no one may publish. */
	publish_from(HX_CLIENT_IP, XDP_DROP, "publisher_not_allowed");
	publish_from(HX_FOREIGN_IP, XDP_DROP, "publisher_not_allowed");
	cr_assert_eq(herald_xdp_get_config(hx, &cfg), 0);
	cr_assert_not(cfg.allow_any, "deleting must not turn allow_any on");
}

Test(xdp, allow_list_spares_subscribers_catches_later_publish)
{
	struct hx_pkt_spec s;
	size_t n;

	set_allow_any(false);
	cr_assert_eq(herald_xdp_allow_add(hx, 0xc6120000u, 24), 0);
	hx_spec_default(&s);
	s.saddr = HX_FOREIGN_IP;
	n = hx_mk_subscribe(d, 5);
	hx_expect(pkt, hx_wrap_spec(pkt, &s, d, n), XDP_PASS, "local_no_xsk",
		  NULL);
	/* A PUBLISH hidden behind a SUBSCRIBE is still seen. */
	n += hx_mk_publish(d + n, 5, 4);
	hx_expect(pkt, hx_wrap_spec(pkt, &s, d, n), XDP_DROP,
		  "publisher_not_allowed", NULL);
}

/* ---- slots: counters and targets ---------------------------------- */

Test(xdp, slot_counters_follow_hwp_slot)
{
	static const uint64_t chans[] = {1,    2,	   4095,
					 4096, 0xdeadbeef, UINT64_MAX};
	struct herald_xdp_slot_stats *st;
	unsigned int i, k, slot;
	size_t len;

	st = calloc(HERALD_XDP_NUM_TGTS, sizeof(*st));
	cr_assert_not_null(st);
	for (i = 0; i < sizeof(chans) / sizeof(chans[0]); i++) {
		len = hx_wrap(pkt, d, hx_mk_publish(d, chans[i], 10));
		for (k = 0; k <= i; k++)
			hx_expect(pkt, len, XDP_PASS, "local_no_xsk", NULL);
	}
	cr_assert_eq(herald_xdp_read_slots(hx, st), 0);
	for (i = 0; i < sizeof(chans) / sizeof(chans[0]); i++) {
		slot = hwp_slot(chans[i]);
		cr_assert_eq(st[slot].packets, i + 1, "slot %u of channel %llu",
			     slot, (unsigned long long)chans[i]);
		cr_assert_eq(st[slot].bytes, (i + 1) * len);
		st[slot].packets = 0;
	}
	for (slot = 0; slot < HERALD_XDP_NUM_TGTS; slot++)
		cr_assert_eq(st[slot].packets, 0, "stray count in slot %u",
			     slot);
	free(st);
}

Test(xdp, heartbeat_channel_zero_is_control)
{
	struct herald_xdp_slot_stats st;
	struct herald_xdp_target t = {.action = HERALD_XDP_PASS};
	size_t n = hx_mk_heartbeat(d, 0);

	hx_expect_dgram(d, n, XDP_PASS, "local_no_xsk");
	cr_assert_eq(herald_xdp_read_slot(hx, HERALD_XDP_CTL_SLOT, &st), 0);
	cr_assert_eq(st.packets, 1);
	cr_assert_eq(herald_xdp_read_slot(hx, hwp_slot(0), &st), 0);
	cr_assert_eq(st.packets, 0);
	/* The control target steers it like a slot. */
	cr_assert_eq(herald_xdp_slot_set(hx, HERALD_XDP_CTL_SLOT, &t), 0);
	hx_expect_dgram(d, n, XDP_PASS, "slot_pass");
}

Test(xdp, slot_target_pass)
{
	struct herald_xdp_target t = {.action = HERALD_XDP_PASS};

	cr_assert_eq(herald_xdp_slot_set(hx, hwp_slot(42), &t), 0);
	hx_expect_dgram(d, hx_mk_subscribe(d, 42), XDP_PASS, "slot_pass");
	/* Another slot is still local. */
	hx_expect_dgram(d, hx_mk_subscribe(d, 43), XDP_PASS, "local_no_xsk");
}

Test(xdp, slot_target_local_redirects_to_xsk)
{
	int ret;

	hx_xsk_fd = hx_xsk_open(hx_lo_ifindex, 0);
	cr_assert_geq(hx_xsk_fd, 0, "AF_XDP socket on lo: %s",
		      strerror(-hx_xsk_fd));
	ret = herald_xdp_xsk_set(hx, 0, hx_xsk_fd);
	cr_assert_eq(ret, 0, "xsk_set: %s", strerror(-ret));
	hx_expect_dgram(d, hx_mk_subscribe(d, 42), XDP_REDIRECT, "local");
	/* Junk is still dropped, not redirected. */
	d[0] = 0;
	hx_expect_dgram(d, HWP_SUBSCRIBE_LEN, XDP_DROP, "bad_magic");
	cr_assert_eq(herald_xdp_xsk_del(hx, 0), 0);
	hx_expect_dgram(d, hx_mk_subscribe(d, 42), XDP_PASS, "local_no_xsk");
}

static void
node_target(uint64_t ch, uint32_t ip)
{
	struct herald_xdp_target t = {.action = HERALD_XDP_NODE, .ip = ip};

	memcpy(t.mac, node_mac, 6);
	cr_assert_eq(herald_xdp_slot_set(hx, hwp_slot(ch), &t), 0);
}

/*
 * The packet the NODE rewrite of s's packet must give, built from
 * scratch: node MAC from our MAC, node address, TTL - 1, checksums
 * computed whole (a UDP checksum of 0 sent as 0xffff).
 */
static size_t
node_model(uint8_t *out, const struct hx_pkt_spec *s, uint32_t ip,
	   const uint8_t *dgram, size_t n)
{
	struct hx_pkt_spec m = *s;

	memcpy(m.dst_mac, node_mac, 6);
	memcpy(m.src_mac, own_mac, 6);
	m.daddr = ip;
	m.ttl = (uint8_t)(s->ttl - 1);
	return hx_wrap_spec(out, &m, dgram, n);
}

Test(xdp, slot_target_node_rewrites_and_tx)
{
	struct hx_pkt_spec s;
	size_t n = hx_mk_publish(d, 42, 33), len;

	node_target(42, NODE_IP);
	hx_spec_default(&s);
	len = hx_wrap_spec(pkt, &s, d, n);
	cr_assert(hx_udp_csum_ok(pkt));
	hx_expect(pkt, len, XDP_TX, "node", &v);
	cr_assert_eq(v.out_len, len);
	cr_assert_eq(node_model(model, &s, NODE_IP, d, n), len);
	cr_assert_arr_eq(v.out, model, len, "not the packet built whole");
	cr_assert_eq(hwp_get32(v.out + HX_ETH_LEN + 12), HX_CLIENT_IP,
		     "IPv4 src kept");
	cr_assert_eq(v.out[HX_ETH_LEN + 8], 63, "TTL decremented");
	cr_assert(hx_ip_csum_ok(v.out), "IPv4 checksum");
	cr_assert(hx_udp_csum_ok(v.out), "UDP checksum");
}

Test(xdp, node_udp_checksum_that_comes_out_zero_is_sent_as_ffff)
{
	struct hx_pkt_spec s, m;
	size_t n = hx_mk_publish(d, 42, 16), len;
	uint16_t fold;

	node_target(42, NODE_IP);
	/*
	 * Choose a payload word so that the rewritten packet's UDP sum
	 * (checksum field 0) folds to 0xffff: its checksum is then 0,
	 * which must go out as 0xffff.
	 */
	hx_spec_default(&m);
	m.daddr = NODE_IP;
	m.udp_csum = false;
	hx_wrap_spec(model, &m, d, n);
	fold = hx_udp_fold(model);
	hwp_put16(d + HWP_PUBLISH_LEN, (uint16_t)~fold);
	hx_wrap_spec(model, &m, d, n);
	cr_assert_eq(hx_udp_fold(model), 0xffff, "vector not built");

	hx_spec_default(&s);
	len = hx_wrap_spec(pkt, &s, d, n);
	cr_assert(hx_udp_csum_ok(pkt));
	cr_assert_neq(hwp_get16(pkt + HX_HDRS - 2), 0);
	hx_expect(pkt, len, XDP_TX, "node", &v);
	cr_assert_eq(hwp_get16(v.out + HX_HDRS - 2), 0xffff,
		     "UDP checksum %#x: 0 means none",
		     hwp_get16(v.out + HX_HDRS - 2));
	cr_assert(hx_udp_csum_ok(v.out));
	cr_assert(hx_ip_csum_ok(v.out));
	cr_assert_eq(node_model(model, &s, NODE_IP, d, n), len);
	cr_assert_arr_eq(v.out, model, len);
}

Test(xdp, node_checksum_vectors)
{
	struct hx_pkt_spec s;
	unsigned int i, zeros = 0;
	uint64_t r = 0x243f6a8885a308d3ull;

	for (i = 0; i < 400; i++) {
		uint32_t ip = 0xc6120000u | (uint32_t)((r >> 20) & 0x1ffff);
		size_t n, len, j;

		r = r * 6364136223846793005ull + 1442695040888963407ull;
		if (ip == 0xc6120000u || ip == HX_HERALD_IP)
			ip = NODE_IP;
		node_target(42, ip);
		n = hx_mk_publish(d, 42, (size_t)(r >> 40) % 600);
		for (j = HWP_PUBLISH_LEN; j < n; j++)
			d[j] = (uint8_t)(r >> (8 * (j % 8)));
		hx_spec_default(&s);
		s.ttl = (uint8_t)(2 + (r >> 8) % 254);
		s.saddr = 0xc6120000u | (uint32_t)(r & 0x1ffff);
		if (s.saddr == HX_HERALD_IP || s.saddr == 0xc6120000u)
			s.saddr = HX_CLIENT_IP;
		/*
		 * Every 8th vector forced to the 0 -> 0xffff case: a payload
		 * word that makes the rewritten packet's UDP sum (checksum
		 * field 0) fold to 0xffff.
		 */
		if (i % 8 == 0 && n >= HWP_PUBLISH_LEN + 2) {
			struct hx_pkt_spec m = s;

			m.daddr = ip;
			m.udp_csum = false;
			hwp_put16(d + HWP_PUBLISH_LEN, 0);
			hx_wrap_spec(model, &m, d, n);
			hwp_put16(d + HWP_PUBLISH_LEN,
				  (uint16_t)~hx_udp_fold(model));
		}
		len = hx_wrap_spec(pkt, &s, d, n);
		hx_run(pkt, len, &v);
		cr_assert_eq(v.act, XDP_TX, "vector %u", i);
		cr_assert_eq(node_model(model, &s, ip, d, n), len);
		cr_assert_arr_eq(v.out, model, len, "vector %u", i);
		cr_assert(hx_ip_csum_ok(v.out) && hx_udp_csum_ok(v.out),
			  "vector %u", i);
		cr_assert_neq(hwp_get16(v.out + HX_HDRS - 2), 0, "vector %u",
			      i);
		zeros += hwp_get16(v.out + HX_HDRS - 2) == 0xffff;
	}
	cr_assert_geq(zeros, 400 / 8, "the 0 -> 0xffff case was not hit");
}

Test(xdp, node_rewrites_a_jumbo_in_fragments)
{
	struct hx_pkt_spec s;
	size_t n = 0, len;
	unsigned int k;

	node_target(42, NODE_IP);
	for (k = 0; k < 5; k++)
		n += hx_mk_publish(d + n, 42, HWP_MAX_PAYLOAD);
	hx_spec_default(&s);
	len = hx_wrap_spec(pkt, &s, d, n);
	hx_expect(pkt, len, XDP_TX, "node", &v);
	cr_assert_eq(v.out_len, len);
	cr_assert_eq(node_model(model, &s, NODE_IP, d, n), len);
	cr_assert_arr_eq(v.out, model, len);
}

Test(xdp, slot_target_node_keeps_zero_udp_csum_and_own_mac)
{
	struct herald_xdp_config cfg;
	struct hx_pkt_spec s;
	size_t len;

	/* No MAC configured: the frame's destination (us) is the source. */
	cr_assert_eq(herald_xdp_get_config(hx, &cfg), 0);
	memset(cfg.mac, 0, 6);
	cr_assert_eq(herald_xdp_set_config(hx, &cfg), 0);
	node_target(42, NODE_IP);
	hx_spec_default(&s);
	s.udp_csum = false;
	len = hx_wrap_spec(pkt, &s, d, hx_mk_subscribe(d, 42));
	hx_expect(pkt, len, XDP_TX, "node", &v);
	cr_assert_arr_eq(v.out + 6, s.dst_mac, 6, "Ethernet src");
	cr_assert_eq(hwp_get16(v.out + HX_HDRS - 2), 0, "UDP csum stays 0");
	cr_assert(hx_ip_csum_ok(v.out));
}

Test(xdp, slot_target_node_drops_expiring_ttl)
{
	struct hx_pkt_spec s;

	node_target(42, NODE_IP);
	hx_spec_default(&s);
	s.ttl = 1;
	hx_expect(pkt, hx_wrap_spec(pkt, &s, d, hx_mk_subscribe(d, 42)),
		  XDP_DROP, "ttl_expired", NULL);
}

Test(xdp, slot_set_rejects_bad_targets)
{
	struct herald_xdp_target t = {.action = HERALD_XDP_NODE};

	cr_assert_eq(herald_xdp_slot_set(hx, 1, &t), -EINVAL,
		     "node without ip");
	t.action = 7;
	cr_assert_eq(herald_xdp_slot_set(hx, 1, &t), -EINVAL);
	t.action = HERALD_XDP_PASS;
	cr_assert_eq(herald_xdp_slot_set(hx, HERALD_XDP_NUM_TGTS, &t), -EINVAL);
}
