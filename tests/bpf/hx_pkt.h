/* SPDX-License-Identifier: BSD-3-Clause
 * Test and bench helpers for the XDP program: Ethernet/IPv4/UDP packets
 * around an HWP payload, checksums, and a bound AF_XDP socket so that a
 * LOCAL verdict can be XDP_REDIRECT under bpf_prog_test_run_opts.
 */
#ifndef HX_PKT_H
#define HX_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Test addresses: 198.18.0.0/15 only. */
#define HX_HERALD_IP  0xc6120001u /* 198.18.0.1 */
#define HX_CLIENT_IP  0xc6120002u /* 198.18.0.2 */
#define HX_FOREIGN_IP 0xc6130063u /* 198.19.0.99 */
#define HX_PORT	      7700
#define HX_SPORT      40000

#define HX_ETH_LEN 14
#define HX_IP_LEN  20
#define HX_UDP_LEN 8
#define HX_HDRS	   (HX_ETH_LEN + HX_IP_LEN + HX_UDP_LEN)

struct hx_pkt_spec {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint32_t saddr; /* host order */
	uint32_t daddr;
	uint16_t sport;
	uint16_t dport;
	uint8_t ttl;
	bool udp_csum; /* fill the UDP checksum (else 0: none) */
};

/* Client -> Herald defaults. */
void hx_spec_default(struct hx_pkt_spec *s);

/*
 * Writes Ethernet + IPv4 (no options, DF) + UDP + payload at buf.
 * Returns the frame length, or 0 if it does not fit in cap.
 */
size_t hx_build_udp4(uint8_t *buf, size_t cap, const struct hx_pkt_spec *s,
		     const void *payload, size_t plen);

/* Recomputes the IPv4 header checksum of the frame (after edits). */
void hx_fix_ip_csum(uint8_t *frame);

/*
 * The folded one's complement sum of a frame's UDP pseudo-header, header
 * (checksum field as it stands) and payload: 0xffff when it verifies.
 */
uint16_t hx_udp_fold(const uint8_t *frame);

/* Whether the IPv4 header / UDP checksums of a frame verify. */
bool hx_ip_csum_ok(const uint8_t *frame);
bool hx_udp_csum_ok(const uint8_t *frame);

/*
 * An AF_XDP socket bound to (ifindex, queue) in copy mode, rings set up
 * but never used: enough for the XSKMAP entry a redirect needs.
 * Returns the fd or a negative errno; close with hx_xsk_close.
 */
int hx_xsk_open(int ifindex, unsigned int queue);
void hx_xsk_close(int fd);

#endif /* HX_PKT_H */
