/* SPDX-License-Identifier: BSD-3-Clause
 * bench_xdp: ns per packet of Herald's XDP program on its main paths,
 * measured in the kernel with bpf_prog_test_run_opts(repeat = N). Each
 * figure is the median of several runs (the kernel's per-run average
 * of N repeats). Needs root; runs in a private network namespace whose
 * loopback holds the AF_XDP socket a redirect verdict needs.
 *
 * The test run itself costs about as much as the program does, so each
 * path is paired with a baseline: an empty program that returns the same
 * verdict, run on the same packet (same size) with the same repeat
 * count, alternating run by run with the path's own runs so both see the
 * same background load. "net" is the path's median minus its baseline's
 * median: the program's own cost.
 *
 *   bench_xdp [RUNS [REPEAT]]     (default 9 runs of 1000000)
 */
#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "herald_xdp.h"
#include "hwp.h"
#include "hx_pkt.h"

#define MAX_RUNS 101
/*
 * Repeats of one run share one buffer and a NODE verdict rewrites it:
 * the TTL falls by one per repeat (so few repeats, a fresh copy per
 * run) and the destination becomes the node's, so that case runs with
 * Herald's address set to "any" (bench_case.any_addr).
 */
#define NODE_REPEAT 250

struct bench_case {
	const char *name;
	int expect;
	uint8_t pkt[2048];
	size_t len;
	unsigned int repeat;
	bool any_addr;
};

static struct herald_xdp *h;
static int ifindex;
/*
 * Empty XDP programs, one per verdict (indexed by it): the cost of
 * bpf_prog_test_run_opts itself.
 */
#define NUM_VERDICTS (XDP_REDIRECT + 1)
static int empty_fd[NUM_VERDICTS] = {-1, -1, -1, -1, -1};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static const char *
verdict_name(int v)
{
	switch (v) {
	case XDP_PASS: return "XDP_PASS";
	case XDP_DROP: return "XDP_DROP";
	case XDP_TX: return "XDP_TX";
	case XDP_REDIRECT: return "XDP_REDIRECT";
	default: return "?";
	}
}

/* One run of repeats of the program (or of the baseline when empty). */
static int
run_once(struct bench_case *c, bool empty, uint32_t *ns)
{
	uint8_t pkt[2048];
	struct xdp_md ctx = {
		.data_end = (uint32_t)c->len,
		.ingress_ifindex = (uint32_t)ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt,
		    .data_size_in = (uint32_t)c->len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = c->repeat);
	int ret;

	memcpy(pkt, c->pkt, c->len);
	ret = bpf_prog_test_run_opts(
		empty ? empty_fd[c->expect] : herald_xdp_prog_fd(h), &t);
	if (ret != 0)
		return ret;
	if ((int)t.retval != c->expect) {
		fprintf(stderr, "bench_xdp: %s%s: verdict %u, expected %d\n",
			c->name, empty ? " (baseline)" : "", t.retval,
			c->expect);
		return -EPROTO;
	}
	*ns = t.duration;
	return 0;
}

static int
bench(struct bench_case *c, unsigned int runs)
{
	struct herald_xdp_config cfg;
	uint32_t ns[MAX_RUNS], base[MAX_RUNS];
	unsigned int i;
	int ret;

	ret = herald_xdp_get_config(h, &cfg);
	if (ret != 0)
		return ret;
	cfg.addr = c->any_addr ? 0 : HX_HERALD_IP;
	ret = herald_xdp_set_config(h, &cfg);
	if (ret != 0)
		return ret;
	/* Alternate baseline and program, so both see the same load. */
	for (i = 0; i < runs; i++) {
		ret = run_once(c, true, &base[i]);
		if (ret == 0)
			ret = run_once(c, false, &ns[i]);
		if (ret != 0)
			return ret;
	}
	qsort(ns, runs, sizeof(ns[0]), cmp_u32);
	qsort(base, runs, sizeof(base[0]), cmp_u32);
	printf("%-34s %-12s %5zu %5u %5u %5d %5u %5u\n", c->name,
	       verdict_name(c->expect), c->len, ns[runs / 2], base[runs / 2],
	       (int)ns[runs / 2] - (int)base[runs / 2], ns[0], ns[runs - 1]);
	return 0;
}

/* Load average, to tell a quiet run from a busy one. */
static void
print_loadavg(const char *when)
{
	char buf[64] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f != NULL) {
		if (fgets(buf, sizeof(buf), f) == NULL)
			snprintf(buf, sizeof(buf), "?\n");
		fclose(f);
	}
	printf("load average at %s: %s", when, buf);
}

static size_t
dgram(struct bench_case *c, const struct hx_pkt_spec *s, const uint8_t *d,
      size_t n)
{
	c->len = hx_build_udp4(c->pkt, sizeof(c->pkt), s, d, n);
	return c->len;
}

static int
make_cases(struct bench_case *cs, unsigned int repeat)
{
	struct hwp_subscribe sub = {.channel = 42, .subscriber = 9};
	struct hwp_publish pub = {.channel = 42, .publisher = 7, .pub_seq = 1};
	struct hwp_heartbeat hb = {.channel = 0, .subscriber = 9};
	static const uint8_t payload[256];
	struct hx_pkt_spec s;
	uint8_t d[2048];
	size_t n = 0;
	int i, k = 0;

	hx_spec_default(&s);

	cs[k].name = "pass: UDP to another port";
	s.dport = HX_PORT + 1;
	dgram(&cs[k], &s, payload, 64);
	s.dport = HX_PORT;
	cs[k++].expect = XDP_PASS;

	cs[k].name = "drop: bad_magic";
	memset(d, 0x55, 64);
	dgram(&cs[k], &s, d, 64);
	cs[k++].expect = XDP_DROP;

	cs[k].name = "drop: publisher_not_allowed (LPM)";
	s.saddr = HX_FOREIGN_IP;
	dgram(&cs[k], &s, d,
	      (size_t)hwp_encode_publish(d, sizeof(d), 0, &pub, payload, 64));
	s.saddr = HX_CLIENT_IP;
	cs[k++].expect = XDP_DROP;

	cs[k].name = "redirect: SUBSCRIBE -> xsk";
	dgram(&cs[k], &s, d, (size_t)hwp_encode_subscribe(d, sizeof(d), &sub));
	cs[k++].expect = XDP_REDIRECT;

	cs[k].name = "redirect: PUBLISH 256 B -> xsk";
	dgram(&cs[k], &s, d,
	      (size_t)hwp_encode_publish(d, sizeof(d), 0, &pub, payload, 256));
	cs[k++].expect = XDP_REDIRECT;

	cs[k].name = "redirect: 10 HEARTBEATs -> xsk";
	for (i = 0; i < 10; i++)
		n += (size_t)hwp_encode_heartbeat(d + n, sizeof(d) - n, &hb);
	dgram(&cs[k], &s, d, n);
	cs[k++].expect = XDP_REDIRECT;

	cs[k].name = "pass: slot target PASS";
	sub.channel = 43;
	dgram(&cs[k], &s, d, (size_t)hwp_encode_subscribe(d, sizeof(d), &sub));
	cs[k++].expect = XDP_PASS;

	cs[k].name = "tx: slot target NODE (rewrite)";
	sub.channel = 44;
	s.ttl = 255;
	dgram(&cs[k], &s, d, (size_t)hwp_encode_subscribe(d, sizeof(d), &sub));
	cs[k].repeat = NODE_REPEAT;
	cs[k].any_addr = true;
	cs[k++].expect = XDP_TX;

	for (i = 0; i < k; i++)
		if (cs[i].repeat == 0)
			cs[i].repeat = repeat;
	return k;
}

static int
setup(void)
{
	struct herald_xdp_config cfg = {.addr = HX_HERALD_IP, .port = HX_PORT};
	struct herald_xdp_target pass = {.action = HERALD_XDP_PASS};
	struct herald_xdp_target node = {.action = HERALD_XDP_NODE,
					 .ip = 0xc6120009u,
					 .mac = {2, 0, 0, 0, 0, 9}};
	struct bpf_insn empty[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int ret, v, xsk;

	for (v = 0; v < NUM_VERDICTS; v++) {
		empty[0].imm = v;
		empty_fd[v] = bpf_prog_load(BPF_PROG_TYPE_XDP, "hx_empty",
					    "GPL", empty, 2, NULL);
		if (empty_fd[v] < 0) {
			fprintf(stderr,
				"bench_xdp: empty program: %s (run as root)\n",
				strerror(-empty_fd[v]));
			return 1;
		}
	}
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "bench_xdp: unshare: %s (run as root)\n",
			strerror(errno));
		return 1;
	}
	ifindex = (int)if_nametoindex("lo");
	ret = herald_xdp_load(&h, "lo", NULL);
	if (ret == 0)
		ret = herald_xdp_set_config(h, &cfg);
	if (ret == 0)
		ret = herald_xdp_allow_add(h, 0xc6120000u, 24);
	if (ret == 0)
		ret = herald_xdp_slot_set(h, hwp_slot(43), &pass);
	if (ret == 0)
		ret = herald_xdp_slot_set(h, hwp_slot(44), &node);
	if (ret != 0) {
		fprintf(stderr, "bench_xdp: load/config: %s\n", strerror(-ret));
		return 1;
	}
	xsk = hx_xsk_open(ifindex, 0);
	if (xsk < 0 || herald_xdp_xsk_set(h, 0, xsk) != 0) {
		fprintf(stderr, "bench_xdp: AF_XDP socket: %s\n",
			strerror(-xsk));
		return 1;
	}
	/* The socket stays open until exit. */
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned int runs = argc > 1 ? (unsigned int)atoi(argv[1]) : 9;
	unsigned int repeat = argc > 2 ? (unsigned int)atoi(argv[2]) : 1000000;
	struct bench_case cs[16];
	int i, n;

	if (runs == 0 || runs > MAX_RUNS || repeat == 0) {
		fprintf(stderr, "usage: bench_xdp [RUNS (1-%d) [REPEAT]]\n",
			MAX_RUNS);
		return 2;
	}
	if (setup() != 0)
		return 1;
	memset(cs, 0, sizeof(cs));
	n = make_cases(cs, repeat);
	printf("XDP program, bpf_prog_test_run_opts: %u runs x %u repeats "
	       "(NODE: %u repeats)\n",
	       runs, repeat, NODE_REPEAT);
	print_loadavg("start");
	printf("%-34s %-12s %5s %5s %5s %5s %5s %5s\n", "path", "verdict",
	       "bytes", "raw", "base", "net", "min", "max");
	for (i = 0; i < n; i++)
		if (bench(&cs[i], runs) != 0)
			return 1;
	printf("(ns per packet. raw: median of the program; base: median of "
	       "an empty program\n returning the same verdict on the same "
	       "packet, runs alternated; net = raw - base;\n min, max: of "
	       "the program's runs)\n");
	print_loadavg("end");
	herald_xdp_close(h);
	return 0;
}
