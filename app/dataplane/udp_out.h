/* SPDX-License-Identifier: BSD-3-Clause
 * Outgoing Ethernet/IPv4/UDP headers: a template per destination with its
 * partial checksums, finished per packet with two additions and a fold.
 *
 * Sums are kept in memory byte order (as rte_raw_cksum computes them), so
 * lengths are added as rte_cpu_to_be_16(len) and the folded complement is
 * stored without a swap.
 */
#ifndef HERALD_UDP_OUT_H
#define HERALD_UDP_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "inet_csum.h"

#define HERALD_L2L4_LEN                                                        \
	(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) +          \
	 sizeof(struct rte_udp_hdr))
#define HERALD_IP_OFF  sizeof(struct rte_ether_hdr)
#define HERALD_UDP_OFF (HERALD_IP_OFF + sizeof(struct rte_ipv4_hdr))

struct herald_udp_tmpl {
	uint8_t hdr[HERALD_L2L4_LEN];
	uint32_t csum_ip;  /* IPv4 header sum with total_length = 0 */
	uint32_t csum_udp; /* pseudo-header and ports, lengths excluded */
};

/* Build the template for one destination. Addresses and ports in host
 * byte order. */
void herald_udp_tmpl_build(struct herald_udp_tmpl *t,
			   const struct rte_ether_addr *src_mac,
			   const struct rte_ether_addr *dst_mac,
			   uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
			   uint16_t dst_port);

/*
 * Finish headers already copied to pkt (Ethernet first): lengths and both
 * checksums. body_sum is rte_raw_cksum-style sum of the UDP payload.
 */
static inline void
herald_udp_finish(uint8_t *pkt, uint32_t csum_ip, uint32_t csum_udp,
		  uint16_t udp_payload_len, uint32_t body_sum)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(pkt + HERALD_IP_OFF);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(pkt + HERALD_UDP_OFF);
	uint16_t udp_len_be = rte_cpu_to_be_16(
		(uint16_t)(sizeof(struct rte_udp_hdr) + udp_payload_len));
	uint16_t ip_len_be = rte_cpu_to_be_16(
		(uint16_t)(sizeof(struct rte_ipv4_hdr) +
			   sizeof(struct rte_udp_hdr) + udp_payload_len));
	uint16_t ck;

	ip->total_length = ip_len_be;
	ip->hdr_checksum = (uint16_t)~inet_csum_fold32(csum_ip + ip_len_be);
	udp->dgram_len = udp_len_be;
	ck = (uint16_t)~inet_csum_fold32(csum_udp + 2u * udp_len_be + body_sum);
	udp->dgram_cksum = ck == 0 ? 0xffff : ck;
}

/*
 * Same as herald_udp_finish but leaves the checksums to the NIC: IPv4
 * checksum 0, UDP checksum = pseudo-header sum, offload flags set.
 */
static inline void
herald_udp_finish_offload(struct rte_mbuf *m, uint8_t *pkt,
			  uint16_t udp_payload_len)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(pkt + HERALD_IP_OFF);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(pkt + HERALD_UDP_OFF);

	ip->total_length = rte_cpu_to_be_16(
		(uint16_t)(sizeof(struct rte_ipv4_hdr) +
			   sizeof(struct rte_udp_hdr) + udp_payload_len));
	ip->hdr_checksum = 0;
	udp->dgram_len = rte_cpu_to_be_16(
		(uint16_t)(sizeof(struct rte_udp_hdr) + udp_payload_len));
	m->l2_len = sizeof(struct rte_ether_hdr);
	m->l3_len = sizeof(struct rte_ipv4_hdr);
	m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		       RTE_MBUF_F_TX_UDP_CKSUM;
	udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
}

/*
 * One small frame (SUBACK, HEARTBEAT) in a fresh mbuf from pool: the
 * template's headers, the frame's len bytes, lengths and checksums (or
 * the offload request). NULL if the pool is empty.
 */
struct rte_mbuf *herald_udp_frame_mbuf(struct rte_mempool *pool,
				       const struct herald_udp_tmpl *t,
				       const uint8_t *frame, uint16_t len,
				       bool csum_offload);

#endif /* HERALD_UDP_OUT_H */
