/* SPDX-License-Identifier: BSD-3-Clause
 * Inbound classification: is this packet an HWP datagram for us?
 * Checks every header before reading it, in one order shared with the
 * XDP program; returns the non-HWP reason or NONHWP__COUNT with the UDP
 * payload located. Multi-segment frames are made whole before (rx.c).
 */
#ifndef HERALD_CLASSIFY_H
#define HERALD_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "obs/counters.h"
#include "inet_csum.h"
#include "hwp_wire.h"

struct herald_rx_info {
	const uint8_t *payload; /* UDP payload */
	uint16_t payload_len;
	uint32_t src_ip;   /* host order */
	uint16_t src_port; /* host order */
	const struct rte_ether_addr *src_mac;
	/* Sum of the UDP payload after its first HWP_PUBLISH_LEN bytes (the
	 * payload of a one-frame PUBLISH datagram), from the UDP check. */
	uint64_t tail_sum;
	bool has_tail_sum;
};

/* Verify the UDP checksum in software; fills ri->tail_sum on the way so
 * the payload is summed once for both the check and the DELIVERs. */
static inline bool
herald_udp_cksum_ok(const struct rte_ipv4_hdr *ip,
		    const struct rte_udp_hdr *udp, uint32_t udp_len,
		    struct herald_rx_info *ri)
{
	const uint32_t head_max = sizeof(*udp) + HWP_PUBLISH_LEN;
	uint32_t head = RTE_MIN(udp_len, head_max);
	uint64_t sum;

	sum = inet_csum_partial(&ip->src_addr, 8) +
	      rte_cpu_to_be_16(IPPROTO_UDP) + udp->dgram_len;
	/* A constant length lets the compiler unroll the usual case. */
	sum += likely(head == head_max) ? inet_csum_partial(udp, head_max)
					: inet_csum_partial(udp, head);
	ri->tail_sum =
		inet_csum_partial((const uint8_t *)udp + head, udp_len - head);
	ri->has_tail_sum = true;
	return inet_csum_fold64(sum + ri->tail_sum) == 0xffff;
}

/*
 * Section 4: a source that could not be answered is not HWP, checked in
 * wire order before anything in the datagram. The list is exhaustive:
 * group Ethernet source; source IPv4 in 0/8, 127/8, 224/4 and above
 * (the limited broadcast included) or Herald's own; source port 0.
 */
static inline enum herald_nonhwp
herald_source_check(const struct rte_ether_hdr *eth,
		    const struct rte_ipv4_hdr *ip,
		    const struct rte_udp_hdr *udp, uint32_t my_ip_be)
{
	uint8_t first = ((const uint8_t *)&ip->src_addr)[0];

	if (unlikely(rte_is_multicast_ether_addr(&eth->src_addr)))
		return NONHWP_source_mac_group;
	if (unlikely(first == 0 || first == 127 || first >= 224))
		return NONHWP_source_ip_not_unicast;
	if (unlikely(ip->src_addr == my_ip_be))
		return NONHWP_source_ip_own;
	if (unlikely(udp->src_port == 0))
		return NONHWP_source_port_zero;
	return NONHWP__COUNT;
}

/*
 * The IPv4 header checksum, unless the NIC checked it: GOOD and NONE
 * (the data is known valid though the field may not be) pass, BAD fails,
 * UNKNOWN (no offload) is checked here.
 */
static inline bool
herald_ip_cksum_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		   uint32_t ihl)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;

	if (likely(f == RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN))
		return inet_csum_fold64(
			       likely(ihl == sizeof(*ip))
				       ? inet_csum_partial(ip, sizeof(*ip))
				       : inet_csum_partial(ip, ihl)) == 0xffff;
	return f != RTE_MBUF_F_RX_IP_CKSUM_BAD;
}

/* The UDP checksum, with the same reading of the RX flags as above; a
 * zero checksum field means none was sent. */
static inline bool
herald_udp_cksum_check(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		       const struct rte_udp_hdr *udp, uint32_t udp_len,
		       struct herald_rx_info *ri)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	if (udp->dgram_cksum == 0)
		return true;
	if (likely(f == RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN))
		return herald_udp_cksum_ok(ip, udp, udp_len, ri);
	return f != RTE_MBUF_F_RX_L4_CKSUM_BAD;
}

/* One-segment frame m: HWP for us, or why not. */
static inline enum herald_nonhwp
herald_classify(const struct rte_mbuf *m, uint32_t my_ip_be,
		uint16_t my_port_be, bool verify_udp, struct herald_rx_info *ri)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len;
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *udp;
	uint32_t ihl, ip_len, udp_len;
	enum herald_nonhwp src;

	if (unlikely(len < sizeof(*eth)) ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return NONHWP_not_ipv4;
	if (unlikely(len < sizeof(*eth) + sizeof(*ip)))
		return NONHWP_bad_ip_length;
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	if (unlikely((ip->version_ihl >> 4) != 4))
		return NONHWP_not_ipv4;
	ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	if (unlikely(ihl < sizeof(*ip) || len < sizeof(*eth) + ihl))
		return NONHWP_bad_ip_length;
	if (unlikely(!herald_ip_cksum_ok(m, ip, ihl)))
		return NONHWP_bad_ip_checksum;
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(ip_len < ihl || ip_len > len - sizeof(*eth)))
		return NONHWP_bad_ip_length;
	if (unlikely(ip->fragment_offset &
		     rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
				      RTE_IPV4_HDR_OFFSET_MASK)))
		return NONHWP_ip_fragment;
	if (ip->next_proto_id != IPPROTO_UDP)
		return NONHWP_not_udp;
	if (unlikely(ihl != sizeof(*ip)))
		return NONHWP_ip_options;
	if (unlikely(ip_len < sizeof(*ip) + sizeof(*udp)))
		return NONHWP_bad_udp_length;
	udp = (const struct rte_udp_hdr *)(ip + 1);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (unlikely(udp_len < sizeof(*udp) || udp_len != ip_len - sizeof(*ip)))
		return NONHWP_bad_udp_length;
	if (ip->dst_addr != my_ip_be)
		return NONHWP_other_address;
	if (udp->dst_port != my_port_be)
		return NONHWP_other_port;
	src = herald_source_check(eth, ip, udp, my_ip_be);
	if (unlikely(src != NONHWP__COUNT))
		return src;
	ri->has_tail_sum = false;
	if (verify_udp && !herald_udp_cksum_check(m, ip, udp, udp_len, ri))
		return NONHWP_bad_udp_checksum;
	ri->payload = (const uint8_t *)(udp + 1);
	ri->payload_len = (uint16_t)(udp_len - sizeof(*udp));
	ri->src_ip = rte_be_to_cpu_32(ip->src_addr);
	ri->src_port = rte_be_to_cpu_16(udp->src_port);
	ri->src_mac = &eth->src_addr;
	return NONHWP__COUNT;
}

#endif /* HERALD_CLASSIFY_H */
