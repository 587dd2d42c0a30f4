/* SPDX-License-Identifier: BSD-3-Clause
 * Harness of the XDP program tests: the real program (skeleton, via
 * lib/xdp) run with bpf_prog_test_run_opts on packets crafted with the
 * codec's encoders, and checks that a packet got the expected verdict
 * and moved exactly the expected counter.
 *
 * Each test runs in its own process (Criterion forks) and first moves
 * into a fresh network namespace (hx_setup), so the AF_XDP socket a
 * redirect needs is bound to that namespace's own loopback and vanishes
 * with it.
 */
#ifndef HX_RUN_H
#define HX_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "herald_xdp.h"
#include "hwp.h"
#include "hx_pkt.h"

/*
 * Largest test packet: Ethernet + the largest IPv4 datagram. Above a
 * page (less the runner's head and tail room) the runner hands the
 * program a multi-buffer packet.
 */
#define HX_PKT_MAX (HX_ETH_LEN + 0xffff)

extern struct herald_xdp *hx;
extern int hx_lo_ifindex;
extern int hx_xsk_fd;

struct verdict {
	int act;
	uint32_t out_len;
	uint8_t out[HX_PKT_MAX];
};

/*
 * Criterion init/fini: root, a fresh netns, the program loaded on lo and
 * configured for HX_HERALD_IP:HX_PORT with allow_any (tests of the
 * allow-list clear it).
 */
void hx_setup(void);
void hx_teardown(void);

/* Runs pkt through the program; the verdict lands in v. */
int hx_run(const uint8_t *pkt, size_t len, struct verdict *v);
const char *hx_act_name(int act);

/*
 * Runs pkt and checks the verdict and that exactly one counter, the
 * named one, went up by one. v may be NULL.
 */
void hx_expect(const uint8_t *pkt, size_t len, int act, const char *counter,
	       struct verdict *v);

/* Wraps an HWP payload in Ethernet/IPv4/UDP (default client or s). */
size_t hx_wrap(uint8_t *pkt, const uint8_t *dgram, size_t n);
size_t hx_wrap_spec(uint8_t *pkt, const struct hx_pkt_spec *s,
		    const uint8_t *dgram, size_t n);

/* Valid frames, built with the codec's encoders (cap HX_PKT_MAX). */
size_t hx_mk_publish(uint8_t *b, uint64_t ch, size_t payload_len);
size_t hx_mk_subscribe(uint8_t *b, uint64_t ch);
size_t hx_mk_unsubscribe(uint8_t *b, uint64_t ch);
size_t hx_mk_heartbeat(uint8_t *b, uint64_t ch);
size_t hx_mk_nack(uint8_t *b, uint64_t ch, uint32_t count);

/* Expects the datagram d (n bytes) from the default client. */
void hx_expect_dgram(const uint8_t *d, size_t n, int act, const char *counter);

/*
 * Expects d dropped under reason, after checking that the codec
 * (hwp_validate, direction to Herald) finds the same first fault.
 */
void hx_expect_dropped(const uint8_t *d, size_t n, const char *reason);

/* The counters now, summed over the CPUs. */
void hx_counters(struct herald_xdp_counters *c);

#endif /* HX_RUN_H */
