/* SPDX-License-Identifier: BSD-3-Clause
 * The real XDP program (skeleton, via lib/xdp) run with
 * bpf_prog_test_run_opts on packets crafted with the codec's encoders:
 * every pass/drop/redirect/tx decision, the per-reason and per-slot
 * counters, the allow-list and the slot targets.
 *
 * Each test runs in its own process (Criterion forks) and first moves
 * into a fresh network namespace, so the AF_XDP socket a redirect needs
 * is bound to that namespace's own loopback and vanishes with it.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>

#include "herald_xdp.h"
#include "hwp.h"
#include "hx_pkt.h"

static const uint8_t own_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t node_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x09};
#define NODE_IP 0xc6120009u /* 198.18.0.9 */

static struct herald_xdp *h;
static int lo_ifindex;
static int xsk_fd = -1;

struct verdict {
	int act;
	uint8_t out[2048];
	uint32_t out_len;
};

static void
require_root(void)
{
	cr_assert(geteuid() == 0,
		  "tests/bpf must run as root: they load BPF programs and "
		  "make network namespaces (CI runs as root)");
}

static void
setup(void)
{
	struct herald_xdp_config cfg = {
		.addr = HX_HERALD_IP,
		.port = HX_PORT,
	};
	int ret;

	require_root();
	cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare(CLONE_NEWNET): %s",
		     strerror(errno));
	lo_ifindex = (int)if_nametoindex("lo");
	cr_assert_gt(lo_ifindex, 0);
	ret = herald_xdp_load(&h, "lo", NULL);
	cr_assert_eq(ret, 0, "herald_xdp_load: %s", strerror(-ret));
	memcpy(cfg.mac, own_mac, 6);
	cr_assert_eq(herald_xdp_set_config(h, &cfg), 0);
}

static void
teardown(void)
{
	hx_xsk_close(xsk_fd);
	xsk_fd = -1;
	herald_xdp_close(h);
	h = NULL;
}

TestSuite(xdp, .init = setup, .fini = teardown, .timeout = 30);

static int
run(const uint8_t *pkt, size_t len, struct verdict *v)
{
	struct xdp_md ctx = {
		.data_end = (uint32_t)len,
		.ingress_ifindex = (uint32_t)lo_ifindex,
		.rx_queue_index = 0,
	};
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt,
		    .data_size_in = (uint32_t)len, .data_out = v->out,
		    .data_size_out = sizeof(v->out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int ret;

	ret = bpf_prog_test_run_opts(herald_xdp_prog_fd(h), &t);
	cr_assert_eq(ret, 0, "bpf_prog_test_run_opts: %s", strerror(-ret));
	v->act = (int)t.retval;
	v->out_len = t.data_size_out;
	return v->act;
}

static const char *
act_name(int act)
{
	switch (act) {
	case XDP_ABORTED: return "XDP_ABORTED";
	case XDP_DROP: return "XDP_DROP";
	case XDP_PASS: return "XDP_PASS";
	case XDP_TX: return "XDP_TX";
	case XDP_REDIRECT: return "XDP_REDIRECT";
	default: return "?";
	}
}

/*
 * Runs pkt and checks the verdict and that exactly one counter, the
 * named one, went up by one.
 */
static void
expect(const uint8_t *pkt, size_t len, int act, const char *counter,
       struct verdict *v)
{
	struct herald_xdp_counters before, after;
	struct verdict local;
	int idx = herald_xdp_counter_index(counter);
	unsigned int i;

	if (v == NULL)
		v = &local;
	cr_assert_geq(idx, 0, "no counter named %s", counter);
	cr_assert_eq(herald_xdp_read_counters(h, &before), 0);
	run(pkt, len, v);
	cr_assert_eq(herald_xdp_read_counters(h, &after), 0);
	cr_assert_eq(v->act, act, "verdict %s, expected %s (%s)",
		     act_name(v->act), act_name(act), counter);
	for (i = 0; i < HERALD_XDP_C__COUNT; i++) {
		uint64_t d = after.c[i] - before.c[i];

		cr_assert_eq(d, (int)i == idx ? 1u : 0u,
			     "counter %s moved by %llu (expected %s)",
			     herald_xdp_counter_name(i), (unsigned long long)d,
			     counter);
	}
}

/* Wraps an HWP payload in Ethernet/IPv4/UDP from the default client. */
static size_t
wrap(uint8_t *pkt, const uint8_t *dgram, size_t n)
{
	struct hx_pkt_spec s;
	size_t len;

	hx_spec_default(&s);
	len = hx_build_udp4(pkt, 2048, &s, dgram, n);
	cr_assert_gt(len, 0);
	return len;
}

static size_t
wrap_spec(uint8_t *pkt, const struct hx_pkt_spec *s, const uint8_t *dgram,
	  size_t n)
{
	size_t len = hx_build_udp4(pkt, 2048, s, dgram, n);

	cr_assert_gt(len, 0);
	return len;
}

/* Valid frames, built with the codec's encoders. */
static size_t
mk_publish(uint8_t *b, uint64_t ch, size_t payload_len)
{
	static const uint8_t payload[HWP_MAX_PAYLOAD + 8];
	struct hwp_publish f = {.channel = ch, .publisher = 7, .pub_seq = 1};
	int n = hwp_encode_publish(b, 2048, HWP_F_START, &f, payload,
				   payload_len);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

static size_t
mk_subscribe(uint8_t *b, uint64_t ch)
{
	struct hwp_subscribe f = {.channel = ch, .subscriber = 9};
	int n = hwp_encode_subscribe(b, 2048, &f);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

static size_t
mk_heartbeat(uint8_t *b, uint64_t ch)
{
	struct hwp_heartbeat f = {.channel = ch, .subscriber = 9};
	int n = hwp_encode_heartbeat(b, 2048, &f);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

static size_t
mk_nack(uint8_t *b, uint64_t ch, uint32_t count)
{
	struct hwp_nack f = {
		.channel = ch, .from_seq = 1, .count = count, .subscriber = 9};
	int n = hwp_encode_nack(b, 2048, &f);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

/* Expects the datagram d (n bytes) from the default client. */
static void
expect_dgram(const uint8_t *d, size_t n, int act, const char *counter)
{
	uint8_t pkt[2048];

	expect(pkt, wrap(pkt, d, n), act, counter, NULL);
}

static void
expect_dropped(const uint8_t *d, size_t n, const char *reason)
{
	enum hwp_err e;

	/* The codec must agree that this datagram is invalid, and why. */
	e = hwp_validate(d, n, HWP_DIR_TO_HERALD, NULL, NULL);
	cr_assert_str_eq(hwp_err_str(e), reason, "codec says %s",
			 hwp_err_str(e));
	expect_dgram(d, n, XDP_DROP, reason);
}

/* ---- traffic that is not Herald's passes untouched ---------------- */

Test(xdp, pass_arp)
{
	uint8_t pkt[60] = {0};

	memset(pkt, 0xff, 6);
	memcpy(pkt + 6, node_mac, 6);
	pkt[12] = 0x08;
	pkt[13] = 0x06;
	expect(pkt, sizeof(pkt), XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_ipv6)
{
	uint8_t pkt[80] = {0};

	pkt[12] = 0x86;
	pkt[13] = 0xdd;
	pkt[14] = 0x60;
	expect(pkt, sizeof(pkt), XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_icmp)
{
	uint8_t d[HWP_SUBSCRIBE_LEN], pkt[2048];
	size_t len = wrap(pkt, d, mk_subscribe(d, 5));

	pkt[HX_ETH_LEN + 9] = 1; /* protocol ICMP */
	hx_fix_ip_csum(pkt);
	expect(pkt, len, XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_other_port)
{
	struct hx_pkt_spec s;
	uint8_t pkt[2048];

	hx_spec_default(&s);
	s.dport = HX_PORT + 1;
	expect(pkt, wrap_spec(pkt, &s, (const uint8_t *)"junk", 4), XDP_PASS,
	       "passed_other", NULL);
}

Test(xdp, pass_other_address)
{
	struct hx_pkt_spec s;
	uint8_t pkt[2048];

	hx_spec_default(&s);
	s.daddr = HX_CLIENT_IP;
	expect(pkt, wrap_spec(pkt, &s, (const uint8_t *)"junk", 4), XDP_PASS,
	       "passed_other", NULL);
}

Test(xdp, pass_non_first_fragment)
{
	uint8_t pkt[2048];
	size_t len = wrap(pkt, (const uint8_t *)"junkjunk", 8);

	pkt[HX_ETH_LEN + 6] = 0x00;
	pkt[HX_ETH_LEN + 7] = 0x10; /* offset 128 bytes, no UDP header */
	hx_fix_ip_csum(pkt);
	expect(pkt, len, XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_everything_when_unconfigured)
{
	struct herald_xdp_config cfg = {0};
	uint8_t pkt[2048];
	size_t len = wrap(pkt, (const uint8_t *)"junk", 4);

	cr_assert_eq(herald_xdp_set_config(h, &cfg), 0);
	expect(pkt, len, XDP_PASS, "passed_other", NULL);
}

Test(xdp, any_address_when_addr_zero)
{
	struct herald_xdp_config cfg = {.port = HX_PORT};
	struct hx_pkt_spec s;
	uint8_t pkt[2048];

	cr_assert_eq(herald_xdp_set_config(h, &cfg), 0);
	hx_spec_default(&s);
	s.daddr = HX_FOREIGN_IP;
	expect(pkt, wrap_spec(pkt, &s, (const uint8_t *)"junkjunkjunk", 12),
	       XDP_DROP, "bad_magic", NULL);
}

/* ---- malformed Ethernet / IPv4 / UDP ------------------------------ */

Test(xdp, drop_truncated_ip)
{
	uint8_t pkt[2048];

	wrap(pkt, (const uint8_t *)"x", 1);
	expect(pkt, HX_ETH_LEN + 10, XDP_DROP, "truncated_ip", NULL);
}

Test(xdp, drop_bad_ip_version)
{
	uint8_t pkt[2048];
	size_t len = wrap(pkt, (const uint8_t *)"x", 1);

	pkt[HX_ETH_LEN] = 0x65;
	expect(pkt, len, XDP_DROP, "bad_ip_header", NULL);
}

Test(xdp, drop_truncated_udp)
{
	uint8_t pkt[2048];

	wrap(pkt, (const uint8_t *)"x", 1);
	expect(pkt, HX_ETH_LEN + HX_IP_LEN + 4, XDP_DROP, "truncated_udp",
	       NULL);
}

Test(xdp, drop_ip_options)
{
	uint8_t d[HWP_SUBSCRIBE_LEN], pkt[2048], opt[2048];
	size_t len = wrap(pkt, d, mk_subscribe(d, 5));

	/* Insert 4 bytes of NOP options: IHL 6. */
	memcpy(opt, pkt, HX_ETH_LEN + HX_IP_LEN);
	memset(opt + HX_ETH_LEN + HX_IP_LEN, 1, 4);
	memcpy(opt + HX_ETH_LEN + HX_IP_LEN + 4, pkt + HX_ETH_LEN + HX_IP_LEN,
	       len - HX_ETH_LEN - HX_IP_LEN);
	opt[HX_ETH_LEN] = 0x46;
	opt[HX_ETH_LEN + 3] += 4; /* tot_len, no carry at these sizes */
	hx_fix_ip_csum(opt);
	expect(opt, len + 4, XDP_DROP, "ip_options", NULL);
}

Test(xdp, drop_first_fragment)
{
	uint8_t d[HWP_SUBSCRIBE_LEN], pkt[2048];
	size_t len = wrap(pkt, d, mk_subscribe(d, 5));

	pkt[HX_ETH_LEN + 6] = 0x20; /* MF, offset 0 */
	hx_fix_ip_csum(pkt);
	expect(pkt, len, XDP_DROP, "ip_fragment", NULL);
}

Test(xdp, drop_bad_ip_checksum)
{
	uint8_t d[HWP_SUBSCRIBE_LEN], pkt[2048];
	size_t len = wrap(pkt, d, mk_subscribe(d, 5));

	pkt[HX_ETH_LEN + 10] ^= 0x5a;
	expect(pkt, len, XDP_DROP, "bad_ip_checksum", NULL);
}

Test(xdp, drop_ip_length_past_packet)
{
	uint8_t d[HWP_SUBSCRIBE_LEN], pkt[2048];
	size_t len = wrap(pkt, d, mk_subscribe(d, 5));

	/* The frame is cut short after the headers were written. */
	expect(pkt, len - 10, XDP_DROP, "bad_ip_length", NULL);
}

Test(xdp, drop_bad_udp_length)
{
	uint8_t d[HWP_SUBSCRIBE_LEN], pkt[2048];
	size_t len = wrap(pkt, d, mk_subscribe(d, 5));

	pkt[HX_ETH_LEN + HX_IP_LEN + 5] -= 1;
	expect(pkt, len, XDP_DROP, "bad_udp_length", NULL);
}

Test(xdp, ethernet_padding_is_ignored)
{
	uint8_t d[HWP_SUBSCRIBE_LEN], pkt[2048];
	size_t len = wrap(pkt, d, mk_subscribe(d, 5));

	/* Trailing bytes past the IPv4 total length are link padding. */
	memset(pkt + len, 0xee, 6);
	expect(pkt, len + 6, XDP_PASS, "local_no_xsk", NULL);
}

/* ---- HWP faults, named as the codec names them -------------------- */

Test(xdp, drop_empty_datagram)
{
	expect_dropped(NULL, 0, "empty_datagram");
}

Test(xdp, drop_truncated_header)
{
	uint8_t d[8] = {0x48, 0x52, 1, 1, 0};

	expect_dropped(d, 5, "truncated_header");
}

Test(xdp, drop_bad_magic)
{
	uint8_t d[128];
	size_t n = mk_subscribe(d, 5);

	d[0] = 'X';
	expect_dropped(d, n, "bad_magic");
}

Test(xdp, drop_bad_version)
{
	uint8_t d[128];
	size_t n = mk_heartbeat(d, 5);

	d[HWP_OFF_VERSION] = 2;
	expect_dropped(d, n, "bad_version");
}

Test(xdp, drop_bad_type)
{
	uint8_t d[128];
	size_t n = mk_heartbeat(d, 5);

	d[HWP_OFF_TYPE] = 0x0a;
	expect_dropped(d, n, "bad_type");
}

Test(xdp, drop_wrong_direction)
{
	struct hwp_deliver f = {.channel = 5, .seq = 1, .publisher = 7};
	uint8_t d[128];
	int n = hwp_encode_deliver(d, sizeof(d), 0, &f, NULL, 0);

	cr_assert_gt(n, 0);
	expect_dropped(d, (size_t)n, "wrong_direction");
}

Test(xdp, drop_bad_flags)
{
	uint8_t d[128];
	size_t n = mk_heartbeat(d, 5);

	d[HWP_OFF_FLAGS] = 0x04;
	expect_dropped(d, n, "bad_flags");
}

Test(xdp, drop_header_reserved)
{
	uint8_t d[128];
	size_t n = mk_heartbeat(d, 5);

	d[HWP_OFF_RESERVED] = 1;
	expect_dropped(d, n, "reserved_nonzero");
}

Test(xdp, drop_bad_length_fixed_type)
{
	uint8_t d[128];
	size_t n = mk_subscribe(d, 5);

	d[n] = 0;
	hwp_put16(d + HWP_OFF_LENGTH, HWP_SUBSCRIBE_LEN + 1);
	expect_dropped(d, n + 1, "bad_length");
}

Test(xdp, drop_bad_length_payload_too_long)
{
	uint8_t d[2048];
	size_t n = mk_publish(d, 5, HWP_MAX_PAYLOAD);

	/* 1401 payload bytes: one past the limit. */
	d[n] = 0;
	hwp_put16(d + HWP_OFF_LENGTH, (uint16_t)(n + 1));
	expect_dropped(d, n + 1, "bad_length");
}

Test(xdp, drop_length_overrun)
{
	uint8_t d[128];
	size_t n = mk_publish(d, 5, 16);

	expect_dropped(d, n - 1, "length_overrun");
}

Test(xdp, drop_zero_channel)
{
	uint8_t d[128];

	expect_dropped(d, mk_publish(d, 0, 0), "zero_channel");
}

Test(xdp, drop_zero_publisher)
{
	uint8_t d[128];
	size_t n = mk_publish(d, 5, 0);

	hwp_put32(d + HWP_PUBLISH_OFF_PUBLISHER, 0);
	expect_dropped(d, n, "zero_publisher");
}

Test(xdp, drop_publish_reserved)
{
	uint8_t d[128];
	size_t n = mk_publish(d, 5, 0);

	d[HWP_PUBLISH_OFF_RESERVED + 3] = 1;
	expect_dropped(d, n, "reserved_nonzero");
}

Test(xdp, drop_zero_pub_seq)
{
	uint8_t d[128];
	size_t n = mk_publish(d, 5, 0);

	hwp_put64(d + HWP_PUBLISH_OFF_PUB_SEQ, 0);
	expect_dropped(d, n, "zero_pub_seq");
}

Test(xdp, drop_zero_subscriber)
{
	uint8_t d[128];
	size_t n = mk_subscribe(d, 5);

	hwp_put32(d + HWP_SUBSCRIBE_OFF_SUBSCRIBER, 0);
	expect_dropped(d, n, "zero_subscriber");
}

Test(xdp, drop_heartbeat_zero_subscriber)
{
	uint8_t d[128];
	size_t n = mk_heartbeat(d, 0);

	hwp_put32(d + HWP_HEARTBEAT_OFF_SUBSCRIBER, 0);
	expect_dropped(d, n, "zero_subscriber");
}

Test(xdp, drop_bad_nack_count)
{
	uint8_t d[128];

	expect_dropped(d, mk_nack(d, 5, 0), "bad_nack_count");
	expect_dropped(d, mk_nack(d, 5, HWP_NACK_MAX_COUNT + 1),
		       "bad_nack_count");
}

Test(xdp, accept_nack_count_limits)
{
	uint8_t d[128];

	expect_dgram(d, mk_nack(d, 5, 1), XDP_PASS, "local_no_xsk");
	expect_dgram(d, mk_nack(d, 5, HWP_NACK_MAX_COUNT), XDP_PASS,
		     "local_no_xsk");
}

Test(xdp, drop_fault_in_later_frame)
{
	uint8_t d[512];
	size_t n = 0;

	n += mk_subscribe(d + n, 5);
	n += mk_heartbeat(d + n, 0);
	n += mk_nack(d + n, 6, 1);
	d[n - HWP_NACK_LEN + HWP_OFF_VERSION] = 9; /* third frame */
	expect_dropped(d, n, "bad_version");
}

Test(xdp, drop_trailing_bytes)
{
	uint8_t d[128];
	size_t n = mk_heartbeat(d, 5);

	memset(d + n, 0x48, 4);
	expect_dropped(d, n + 4, "truncated_header");
}

Test(xdp, accept_multi_frame_datagram)
{
	uint8_t d[2048];
	size_t n = 0;
	int i;

	n += mk_publish(d + n, 77, 100);
	for (i = 0; i < 20; i++)
		n += mk_heartbeat(d + n, (uint64_t)i);
	n += mk_subscribe(d + n, 78);
	cr_assert_eq(hwp_validate(d, n, HWP_DIR_TO_HERALD, NULL, NULL),
		     HWP_ERR_OK);
	expect_dgram(d, n, XDP_PASS, "local_no_xsk");
}

Test(xdp, accept_max_payload)
{
	uint8_t d[2048];

	expect_dgram(d, mk_publish(d, 5, HWP_MAX_PAYLOAD), XDP_PASS,
		     "local_no_xsk");
}

/* ---- publisher allow-list ----------------------------------------- */

static void
publish_from(uint32_t saddr, int act, const char *counter)
{
	struct hx_pkt_spec s;
	uint8_t d[128], pkt[2048];

	hx_spec_default(&s);
	s.saddr = saddr;
	expect(pkt, wrap_spec(pkt, &s, d, mk_publish(d, 5, 8)), act, counter,
	       NULL);
}

Test(xdp, allow_empty_list_allows_all)
{
	publish_from(HX_FOREIGN_IP, XDP_PASS, "local_no_xsk");
}

Test(xdp, allow_list_drops_foreign_publisher)
{
	cr_assert_eq(herald_xdp_allow_add(h, 0xc6120000u, 24), 0);
	publish_from(HX_FOREIGN_IP, XDP_DROP, "publisher_not_allowed");
	publish_from(HX_CLIENT_IP, XDP_PASS, "local_no_xsk");
}

Test(xdp, allow_list_longest_prefix_and_host_bits)
{
	/* Host bits are ignored: this is 198.19.0.0/16. */
	cr_assert_eq(herald_xdp_allow_add(h, 0xc6130505u, 16), 0);
	cr_assert_eq(herald_xdp_allow_list(h, NULL, NULL), 1);
	publish_from(HX_FOREIGN_IP, XDP_PASS, "local_no_xsk");
	publish_from(HX_CLIENT_IP, XDP_DROP, "publisher_not_allowed");
}

Test(xdp, allow_any_flag_overrides_list)
{
	struct herald_xdp_config cfg;

	cr_assert_eq(herald_xdp_allow_add(h, 0xc6120000u, 24), 0);
	cr_assert_eq(herald_xdp_get_config(h, &cfg), 0);
	cfg.allow_any = true;
	cr_assert_eq(herald_xdp_set_config(h, &cfg), 0);
	publish_from(HX_FOREIGN_IP, XDP_PASS, "local_no_xsk");
}

Test(xdp, allow_del_back_to_empty)
{
	cr_assert_eq(herald_xdp_allow_add(h, 0xc6120000u, 24), 0);
	publish_from(HX_FOREIGN_IP, XDP_DROP, "publisher_not_allowed");
	cr_assert_eq(herald_xdp_allow_del(h, 0xc6120000u, 24), 0);
	cr_assert_eq(herald_xdp_allow_del(h, 0xc6120000u, 24), -ENOENT);
	publish_from(HX_FOREIGN_IP, XDP_PASS, "local_no_xsk");
}

Test(xdp, allow_list_spares_subscribers_catches_later_publish)
{
	struct hx_pkt_spec s;
	uint8_t d[256], pkt[2048];
	size_t n;

	cr_assert_eq(herald_xdp_allow_add(h, 0xc6120000u, 24), 0);
	hx_spec_default(&s);
	s.saddr = HX_FOREIGN_IP;
	n = mk_subscribe(d, 5);
	expect(pkt, wrap_spec(pkt, &s, d, n), XDP_PASS, "local_no_xsk", NULL);
	/* A PUBLISH hidden behind a SUBSCRIBE is still seen. */
	n += mk_publish(d + n, 5, 4);
	expect(pkt, wrap_spec(pkt, &s, d, n), XDP_DROP, "publisher_not_allowed",
	       NULL);
}

/* ---- slots: counters and targets ---------------------------------- */

Test(xdp, slot_counters_follow_hwp_slot)
{
	static const uint64_t chans[] = {1,    2,	   4095,
					 4096, 0xdeadbeef, UINT64_MAX};
	struct herald_xdp_slot_stats *st;
	uint8_t d[128], pkt[2048];
	unsigned int i, k, slot;
	size_t len;

	st = calloc(HERALD_XDP_NUM_TGTS, sizeof(*st));
	cr_assert_not_null(st);
	for (i = 0; i < sizeof(chans) / sizeof(chans[0]); i++) {
		len = wrap(pkt, d, mk_publish(d, chans[i], 10));
		for (k = 0; k <= i; k++)
			expect(pkt, len, XDP_PASS, "local_no_xsk", NULL);
	}
	cr_assert_eq(herald_xdp_read_slots(h, st), 0);
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
	uint8_t d[128];
	size_t n = mk_heartbeat(d, 0);

	expect_dgram(d, n, XDP_PASS, "local_no_xsk");
	cr_assert_eq(herald_xdp_read_slot(h, HERALD_XDP_CTL_SLOT, &st), 0);
	cr_assert_eq(st.packets, 1);
	cr_assert_eq(herald_xdp_read_slot(h, hwp_slot(0), &st), 0);
	cr_assert_eq(st.packets, 0);
	/* The control target steers it like a slot. */
	cr_assert_eq(herald_xdp_slot_set(h, HERALD_XDP_CTL_SLOT, &t), 0);
	expect_dgram(d, n, XDP_PASS, "slot_pass");
}

Test(xdp, slot_target_pass)
{
	struct herald_xdp_target t = {.action = HERALD_XDP_PASS};
	uint8_t d[128];

	cr_assert_eq(herald_xdp_slot_set(h, hwp_slot(42), &t), 0);
	expect_dgram(d, mk_subscribe(d, 42), XDP_PASS, "slot_pass");
	/* Another slot is still local. */
	expect_dgram(d, mk_subscribe(d, 43), XDP_PASS, "local_no_xsk");
}

Test(xdp, slot_target_local_redirects_to_xsk)
{
	uint8_t d[128];
	int ret;

	xsk_fd = hx_xsk_open(lo_ifindex, 0);
	cr_assert_geq(xsk_fd, 0, "AF_XDP socket on lo: %s", strerror(-xsk_fd));
	ret = herald_xdp_xsk_set(h, 0, xsk_fd);
	cr_assert_eq(ret, 0, "xsk_set: %s", strerror(-ret));
	expect_dgram(d, mk_subscribe(d, 42), XDP_REDIRECT, "local");
	/* Junk is still dropped, not redirected. */
	d[0] = 0;
	expect_dgram(d, HWP_SUBSCRIBE_LEN, XDP_DROP, "bad_magic");
	cr_assert_eq(herald_xdp_xsk_del(h, 0), 0);
	expect_dgram(d + 0, mk_subscribe(d, 42), XDP_PASS, "local_no_xsk");
}

static void
node_target(uint64_t ch)
{
	struct herald_xdp_target t = {.action = HERALD_XDP_NODE, .ip = NODE_IP};

	memcpy(t.mac, node_mac, 6);
	cr_assert_eq(herald_xdp_slot_set(h, hwp_slot(ch), &t), 0);
}

Test(xdp, slot_target_node_rewrites_and_tx)
{
	struct verdict v;
	uint8_t d[128], pkt[2048];
	size_t len;

	node_target(42);
	len = wrap(pkt, d, mk_publish(d, 42, 33));
	cr_assert(hx_udp_csum_ok(pkt));
	expect(pkt, len, XDP_TX, "node", &v);
	cr_assert_eq(v.out_len, len);
	cr_assert_arr_eq(v.out, node_mac, 6, "Ethernet dst");
	cr_assert_arr_eq(v.out + 6, own_mac, 6, "Ethernet src");
	cr_assert_eq(hwp_get32(v.out + HX_ETH_LEN + 16), NODE_IP, "IPv4 dst");
	cr_assert_eq(hwp_get32(v.out + HX_ETH_LEN + 12), HX_CLIENT_IP,
		     "IPv4 src kept");
	cr_assert_eq(v.out[HX_ETH_LEN + 8], 63, "TTL decremented");
	cr_assert(hx_ip_csum_ok(v.out), "IPv4 checksum");
	cr_assert(hx_udp_csum_ok(v.out), "UDP checksum");
	cr_assert_arr_eq(v.out + HX_HDRS, pkt + HX_HDRS, len - HX_HDRS,
			 "payload untouched");
}

Test(xdp, slot_target_node_keeps_zero_udp_csum_and_own_mac)
{
	struct herald_xdp_config cfg;
	struct hx_pkt_spec s;
	struct verdict v;
	uint8_t d[128], pkt[2048];
	size_t len;

	/* No MAC configured: the frame's destination (us) is the source. */
	cr_assert_eq(herald_xdp_get_config(h, &cfg), 0);
	memset(cfg.mac, 0, 6);
	cr_assert_eq(herald_xdp_set_config(h, &cfg), 0);
	node_target(42);
	hx_spec_default(&s);
	s.udp_csum = false;
	len = wrap_spec(pkt, &s, d, mk_subscribe(d, 42));
	expect(pkt, len, XDP_TX, "node", &v);
	cr_assert_arr_eq(v.out + 6, s.dst_mac, 6, "Ethernet src");
	cr_assert_eq(hwp_get16(v.out + HX_HDRS - 2), 0, "UDP csum stays 0");
	cr_assert(hx_ip_csum_ok(v.out));
}

Test(xdp, slot_target_node_drops_expiring_ttl)
{
	struct hx_pkt_spec s;
	uint8_t d[128], pkt[2048];

	node_target(42);
	hx_spec_default(&s);
	s.ttl = 1;
	expect(pkt, wrap_spec(pkt, &s, d, mk_subscribe(d, 42)), XDP_DROP,
	       "ttl_expired", NULL);
}

Test(xdp, slot_set_rejects_bad_targets)
{
	struct herald_xdp_target t = {.action = HERALD_XDP_NODE};

	cr_assert_eq(herald_xdp_slot_set(h, 1, &t), -EINVAL, "node without ip");
	t.action = 7;
	cr_assert_eq(herald_xdp_slot_set(h, 1, &t), -EINVAL);
	t.action = HERALD_XDP_PASS;
	cr_assert_eq(herald_xdp_slot_set(h, HERALD_XDP_NUM_TGTS, &t), -EINVAL);
}

/* ---- the program agrees with the codec on mutated datagrams -------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static size_t
random_frame(uint8_t *b)
{
	uint64_t ch = rnd(4) == 0 ? rnd(3) : rng;

	switch (rnd(5)) {
	case 0: return mk_publish(b, ch, rnd(64));
	case 1: return mk_subscribe(b, ch);
	case 2: return mk_heartbeat(b, ch);
	case 3: return mk_nack(b, ch, rnd(1100));
	default: {
		struct hwp_subscribe f = {.channel = ch, .subscriber = 3};

		return (size_t)hwp_encode_unsubscribe(b, 2048, &f);
	}
	}
}

static void
mutate(uint8_t *d, size_t *n)
{
	switch (rnd(6)) {
	case 0: /* flip a byte in the first frames */
		if (*n != 0)
			d[rnd((uint32_t)(*n < 80 ? *n : 80))] ^=
				(uint8_t)(1u << rnd(8));
		break;
	case 1: /* cut */
		if (*n != 0)
			*n -= rnd((uint32_t)(*n < 40 ? *n : 40)) + 1;
		break;
	case 2: /* trailing junk */
		d[*n] = (uint8_t)rnd(256);
		*n += 1;
		break;
	case 3: /* small header field: type, flags or reserved */
		if (*n >= 8)
			d[3 + rnd(3)] = (uint8_t)rnd(12);
		break;
	case 4: /* length field */
		if (*n >= 8)
			hwp_put16(d + 6, (uint16_t)(rnd(120)));
		break;
	default: break; /* keep valid */
	}
}

Test(xdp, agrees_with_codec_on_mutated_datagrams)
{
	struct herald_xdp_counters before, after;
	unsigned int i, k, nvalid = 0;
	uint8_t d[2048], pkt[2048];
	struct verdict v;
	size_t n;

	for (i = 0; i < 3000; i++) {
		enum hwp_err e;
		unsigned int frames = 1 + rnd(3);
		int moved = -1;

		n = 0;
		while (frames-- > 0)
			n += random_frame(d + n);
		mutate(d, &n);
		e = hwp_validate(d, n, HWP_DIR_TO_HERALD, NULL, NULL);
		cr_assert_eq(herald_xdp_read_counters(h, &before), 0);
		run(pkt, wrap(pkt, d, n), &v);
		cr_assert_eq(herald_xdp_read_counters(h, &after), 0);
		for (k = 0; k < HERALD_XDP_C__COUNT; k++)
			if (after.c[k] != before.c[k])
				moved = (int)k;
		cr_assert_geq(moved, 0);
		if (e == HWP_ERR_OK) {
			nvalid++;
			cr_assert_eq(v.act, XDP_PASS, "case %u: valid, got %s",
				     i, act_name(v.act));
			cr_assert_str_eq(herald_xdp_counter_name(moved),
					 "local_no_xsk", "case %u", i);
		} else {
			cr_assert_eq(v.act, XDP_DROP,
				     "case %u: codec says %s, XDP %s", i,
				     hwp_err_str(e), act_name(v.act));
			cr_assert_str_eq(herald_xdp_counter_name(moved),
					 hwp_err_str(e), "case %u", i);
		}
	}
	/* The mix must exercise both sides. */
	cr_assert_gt(nvalid, 300);
	cr_assert_lt(nvalid, 2700);
}

/* ---- library ------------------------------------------------------ */

Test(xdp, counter_names_match_codec_names)
{
	int e, idx;

	for (e = HWP_ERR_OK + 1; e < HWP_ERR__COUNT; e++) {
		if (e == HWP_ERR_TOO_MANY_FRAMES)
			continue; /* an array size, not a wire fault */
		idx = herald_xdp_counter_index(hwp_err_str(e));
		cr_assert_geq(idx, 0, "no XDP counter for codec fault %s",
			      hwp_err_str(e));
		cr_assert_eq(herald_xdp_counter_kind((unsigned int)idx),
			     HERALD_XDP_K_DROP);
	}
}

Test(xdp, parse_helpers)
{
	unsigned int plen;
	uint32_t a;
	uint8_t mac[6];

	cr_assert_eq(herald_xdp_parse_prefix("198.18.0.0/15", &a, &plen), 0);
	cr_assert_eq(a, 0xc6120000u);
	cr_assert_eq(plen, 15);
	cr_assert_eq(herald_xdp_parse_prefix("198.18.0.7", &a, &plen), 0);
	cr_assert_eq(plen, 32);
	cr_assert_neq(herald_xdp_parse_prefix("198.18.0.0/33", &a, &plen), 0);
	cr_assert_neq(herald_xdp_parse_prefix("198.18.0/8", &a, &plen), 0);
	cr_assert_neq(herald_xdp_parse_prefix("1.2.3.4/", &a, &plen), 0);
	cr_assert_eq(herald_xdp_parse_mac("02:00:0a:0B:ff:09", mac), 0);
	cr_assert_eq(mac[3], 0x0b);
	cr_assert_neq(herald_xdp_parse_mac("02:00:0a:0b:ff", mac), 0);
	cr_assert_neq(herald_xdp_parse_mac("02:00:0a:0b:ff:09:", mac), 0);
}
