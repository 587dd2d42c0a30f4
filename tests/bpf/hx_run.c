/* SPDX-License-Identifier: BSD-3-Clause
 * Harness of the XDP program tests (see hx_run.h).
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>

#include "hx_run.h"

static const uint8_t own_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

struct herald_xdp *hx;
int hx_lo_ifindex;
int hx_xsk_fd = -1;

static void
require_root(void)
{
	cr_assert(geteuid() == 0,
		  "tests/bpf must run as root: they load BPF programs and "
		  "make network namespaces (CI runs as root)");
}

void
hx_setup(void)
{
	struct herald_xdp_config cfg = {
		.addr = HX_HERALD_IP,
		.port = HX_PORT,
		.allow_any = true,
	};
	int ret;

	require_root();
	cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare(CLONE_NEWNET): %s",
		     strerror(errno));
	hx_lo_ifindex = (int)if_nametoindex("lo");
	cr_assert_gt(hx_lo_ifindex, 0);
	ret = herald_xdp_load(&hx, "lo", NULL);
	cr_assert_eq(ret, 0, "herald_xdp_load: %s", strerror(-ret));
	memcpy(cfg.mac, own_mac, 6);
	cr_assert_eq(herald_xdp_set_config(hx, &cfg), 0);
}

void
hx_teardown(void)
{
	hx_xsk_close(hx_xsk_fd);
	hx_xsk_fd = -1;
	herald_xdp_close(hx);
	hx = NULL;
}

int
hx_run(const uint8_t *pkt, size_t len, struct verdict *v)
{
	struct xdp_md ctx = {
		.data_end = (uint32_t)len,
		.ingress_ifindex = (uint32_t)hx_lo_ifindex,
		.rx_queue_index = 0,
	};
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt,
		    .data_size_in = (uint32_t)len, .data_out = v->out,
		    .data_size_out = sizeof(v->out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int ret;

	ret = bpf_prog_test_run_opts(herald_xdp_prog_fd(hx), &t);
	cr_assert_eq(ret, 0, "bpf_prog_test_run_opts (%zu bytes): %s", len,
		     strerror(-ret));
	v->act = (int)t.retval;
	v->out_len = t.data_size_out;
	return v->act;
}

const char *
hx_act_name(int act)
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

void
hx_counters(struct herald_xdp_counters *c)
{
	cr_assert_eq(herald_xdp_read_counters(hx, c), 0);
}

void
hx_expect(const uint8_t *pkt, size_t len, int act, const char *counter,
	  struct verdict *v)
{
	static struct verdict local;
	struct herald_xdp_counters before, after;
	int idx = herald_xdp_counter_index(counter);
	unsigned int i;

	if (v == NULL)
		v = &local;
	cr_assert_geq(idx, 0, "no counter named %s", counter);
	hx_counters(&before);
	hx_run(pkt, len, v);
	hx_counters(&after);
	cr_assert_eq(v->act, act, "verdict %s, expected %s (%s)",
		     hx_act_name(v->act), hx_act_name(act), counter);
	for (i = 0; i < HERALD_XDP_C__COUNT; i++) {
		uint64_t d = after.c[i] - before.c[i];

		cr_assert_eq(d, (int)i == idx ? 1u : 0u,
			     "counter %s moved by %llu (expected %s)",
			     herald_xdp_counter_name(i), (unsigned long long)d,
			     counter);
	}
}

size_t
hx_wrap_spec(uint8_t *pkt, const struct hx_pkt_spec *s, const uint8_t *dgram,
	     size_t n)
{
	size_t len = hx_build_udp4(pkt, HX_PKT_MAX, s, dgram, n);

	cr_assert_gt(len, 0);
	return len;
}

size_t
hx_wrap(uint8_t *pkt, const uint8_t *dgram, size_t n)
{
	struct hx_pkt_spec s;

	hx_spec_default(&s);
	return hx_wrap_spec(pkt, &s, dgram, n);
}

size_t
hx_mk_publish(uint8_t *b, uint64_t ch, size_t payload_len)
{
	static const uint8_t payload[HWP_MAX_PAYLOAD + 8];
	struct hwp_publish f = {.channel = ch, .publisher = 7, .pub_seq = 1};
	int n = hwp_encode_publish(b, HX_PKT_MAX, HWP_F_START, &f, payload,
				   payload_len);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

size_t
hx_mk_subscribe(uint8_t *b, uint64_t ch)
{
	struct hwp_subscribe f = {.channel = ch, .subscriber = 9};
	int n = hwp_encode_subscribe(b, HX_PKT_MAX, &f);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

size_t
hx_mk_unsubscribe(uint8_t *b, uint64_t ch)
{
	struct hwp_subscribe f = {.channel = ch, .subscriber = 9};
	int n = hwp_encode_unsubscribe(b, HX_PKT_MAX, &f);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

size_t
hx_mk_heartbeat(uint8_t *b, uint64_t ch)
{
	struct hwp_heartbeat f = {.channel = ch, .subscriber = 9};
	int n = hwp_encode_heartbeat(b, HX_PKT_MAX, &f);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

size_t
hx_mk_nack(uint8_t *b, uint64_t ch, uint32_t count)
{
	struct hwp_nack f = {
		.channel = ch, .from_seq = 1, .count = count, .subscriber = 9};
	int n = hwp_encode_nack(b, HX_PKT_MAX, &f);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

void
hx_expect_dgram(const uint8_t *d, size_t n, int act, const char *counter)
{
	static uint8_t pkt[HX_PKT_MAX];

	hx_expect(pkt, hx_wrap(pkt, d, n), act, counter, NULL);
}

void
hx_expect_dropped(const uint8_t *d, size_t n, const char *reason)
{
	enum hwp_err e;

	/* The codec must agree that this datagram is invalid, and why. */
	e = hwp_validate(d, n, HWP_DIR_TO_HERALD, NULL, NULL);
	cr_assert_str_eq(hwp_err_str(e), reason, "codec says %s",
			 hwp_err_str(e));
	hx_expect_dgram(d, n, XDP_DROP, reason);
}
