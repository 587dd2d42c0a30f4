/* SPDX-License-Identifier: BSD-3-Clause
 * bench_rxpath: the checks Herald must make on every received datagram,
 * timed alone, without PMDs: herald_classify (Ethernet/IPv4/UDP headers,
 * IPv4 header checksum, UDP checksum) and hwp_parse, on the one-frame
 * PUBLISH datagram of the data-plane benchmark (64-byte payload, 138
 * bytes on the wire).
 *
 * This is a floor, not a forecast: everything else a message costs
 * (sessions, sequencing, DELIVER headers, PUBACKs, the PMDs) comes on
 * top. bench_dataplane.py compares it with the time per message that the
 * fan-out 1 goal leaves beyond testpmd io.
 *
 * Usage: bench_rxpath [RUNS [RUN_MS] [PAYLOAD]]  (9 runs of 100 ms, 64 B)
 * Prints one line per case: name, median ns per datagram, min, max.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "bench_timing.h"
#include "dataplane/classify.h"
#include "hwp.h"
#include "dataplane/udp_out.h"

#define MY_IP  0xc6120001u /* 198.18.0.1 */
#define PUB_IP 0xc6120002u /* 198.18.0.2 */

static uint8_t pkt_buf[RTE_PKTMBUF_HEADROOM + 2048];
static struct rte_mbuf mbuf;
static struct hwp_frame frames[HWP_MAX_FRAMES_PER_DATAGRAM];
static volatile uint64_t sink;

enum rx_case { CASE_CLASSIFY, CASE_CLASSIFY_NOVERIFY, CASE_PARSE, CASE_BOTH };

static const char *const case_names[] = {
	[CASE_CLASSIFY] = "classify (UDP checksum verified)",
	[CASE_CLASSIFY_NOVERIFY] = "classify (verify_udp_checksum off)",
	[CASE_PARSE] = "hwp_parse",
	[CASE_BOTH] = "classify + hwp_parse",
};

/* A valid PUBLISH datagram with both checksums, in a fake mbuf (the
 * classifier reads only the data pointer, lengths, segments and flags). */
static void
make_datagram(uint16_t payload_len)
{
	struct rte_ether_addr a = {{2, 0, 0, 0, 0, 1}},
			      b = {{2, 0, 0, 0, 0, 2}};
	struct hwp_publish pub = {.channel = 1, .publisher = 7, .pub_seq = 1};
	uint8_t *p = pkt_buf + RTE_PKTMBUF_HEADROOM;
	uint8_t payload[HWP_MAX_PAYLOAD];
	struct herald_udp_tmpl t;
	int n;

	memset(payload, 0x5a, sizeof(payload));
	herald_udp_tmpl_build(&t, &a, &b, PUB_IP, 40000, MY_IP,
			      HWP_DEFAULT_PORT);
	memcpy(p, t.hdr, HERALD_L2L4_LEN);
	n = hwp_encode_publish(p + HERALD_L2L4_LEN, 2048 - HERALD_L2L4_LEN,
			       HWP_F_START, &pub, payload, payload_len);
	if (n < 0) {
		fprintf(stderr, "bench_rxpath: cannot encode PUBLISH\n");
		exit(1);
	}
	herald_udp_finish(p, t.csum_ip, t.csum_udp, (uint16_t)n,
			  inet_csum_fold64(inet_csum_partial(
				  p + HERALD_L2L4_LEN, (size_t)n)));
	mbuf.buf_addr = pkt_buf;
	mbuf.data_off = RTE_PKTMBUF_HEADROOM;
	mbuf.data_len = (uint16_t)(HERALD_L2L4_LEN + n);
	mbuf.pkt_len = mbuf.data_len;
	mbuf.nb_segs = 1;
}

static inline uint64_t
one(enum rx_case c)
{
	struct herald_rx_info ri;
	unsigned int nf = 0;
	enum herald_nonhwp r = NONHWP__COUNT;
	enum hwp_err err = HWP_ERR_OK;

	if (c != CASE_PARSE)
		r = herald_classify(&mbuf, rte_cpu_to_be_32(MY_IP),
				    rte_cpu_to_be_16(HWP_DEFAULT_PORT),
				    c != CASE_CLASSIFY_NOVERIFY, &ri);
	if (c == CASE_PARSE || c == CASE_BOTH)
		err = hwp_parse(rte_pktmbuf_mtod_offset(&mbuf, uint8_t *,
							HERALD_L2L4_LEN),
				mbuf.data_len - HERALD_L2L4_LEN,
				HWP_DIR_TO_HERALD, frames,
				HWP_MAX_FRAMES_PER_DATAGRAM, &nf, NULL);
	return (uint64_t)r + (uint64_t)err + nf;
}

static uint64_t
time_loop(const void *arg, uint64_t iters)
{
	enum rx_case c = *(const enum rx_case *)arg;
	uint64_t acc = 0, t0, i;

	t0 = bench_now_ns();
	for (i = 0; i < iters; i++)
		acc += one(c);
	t0 = bench_now_ns() - t0;
	sink += acc;
	return t0;
}

int
main(int argc, char **argv)
{
	unsigned int runs = argc > 1 ? (unsigned int)atoi(argv[1]) : 9;
	unsigned int run_ms = argc > 2 ? (unsigned int)atoi(argv[2]) : 100;
	int payload = argc > 3 ? atoi(argv[3]) : 64;
	enum rx_case c;

	if (runs < 1 || runs > BENCH_MAX_RUNS || run_ms < 1 || payload < 0 ||
	    payload > HWP_MAX_PAYLOAD) {
		fprintf(stderr, "usage: %s [RUNS(1-%d) [RUN_MS [PAYLOAD]]]\n",
			argv[0], BENCH_MAX_RUNS);
		return 2;
	}
	make_datagram((uint16_t)payload);
	/* The datagram must pass every check, or the timing means nothing. */
	if (one(CASE_BOTH) != NONHWP__COUNT + 1) {
		fprintf(stderr, "bench_rxpath: the datagram is not accepted\n");
		return 1;
	}
	printf("receive checks on a %u-byte PUBLISH datagram, median of %u "
	       "runs of ~%u ms\n",
	       mbuf.data_len, runs, run_ms);
	printf("%-36s %8s %8s %8s\n", "case", "ns", "min", "max");
	for (c = CASE_CLASSIFY; c <= CASE_BOTH; c++) {
		double ns[BENCH_MAX_RUNS];

		bench_time(time_loop, &c, runs, run_ms, ns);
		printf("%-36s %8.2f %8.2f %8.2f\n", case_names[c], ns[runs / 2],
		       ns[0], ns[runs - 1]);
	}
	return sink == 42 ? 1 : 0; /* keep sink observable */
}
