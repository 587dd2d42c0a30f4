/* SPDX-License-Identifier: BSD-3-Clause
 * Templates for outgoing Ethernet/IPv4/UDP headers.
 */
#include <string.h>

#include <rte_ip.h>

#include "dataplane/udp_out.h"

void
herald_udp_tmpl_build(struct herald_udp_tmpl *t,
		      const struct rte_ether_addr *src_mac,
		      const struct rte_ether_addr *dst_mac, uint32_t src_ip,
		      uint16_t src_port, uint32_t dst_ip, uint16_t dst_port)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->hdr;
	struct rte_ipv4_hdr *ip =
		(struct rte_ipv4_hdr *)(t->hdr + HERALD_IP_OFF);
	struct rte_udp_hdr *udp =
		(struct rte_udp_hdr *)(t->hdr + HERALD_UDP_OFF);
	uint16_t proto_be = rte_cpu_to_be_16(IPPROTO_UDP);

	memset(t, 0, sizeof(*t));
	rte_ether_addr_copy(dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(src_mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);

	ip->version_ihl = RTE_IPV4_VHL_DEF; /* version 4, IHL 5 */
	ip->type_of_service = 0;
	ip->total_length = 0;
	ip->packet_id = 0;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->hdr_checksum = 0;
	ip->src_addr = rte_cpu_to_be_32(src_ip);
	ip->dst_addr = rte_cpu_to_be_32(dst_ip);

	udp->src_port = rte_cpu_to_be_16(src_port);
	udp->dst_port = rte_cpu_to_be_16(dst_port);
	udp->dgram_len = 0;
	udp->dgram_cksum = 0;

	t->csum_ip = rte_raw_cksum(ip, sizeof(*ip));
	/* Pseudo-header (addresses, protocol) plus the two ports. */
	t->csum_udp = (uint32_t)rte_raw_cksum(&ip->src_addr, 8) + proto_be +
		      rte_raw_cksum(udp, 4);
}

struct rte_mbuf *
herald_udp_frame_mbuf(struct rte_mempool *pool, const struct herald_udp_tmpl *t,
		      const uint8_t *frame, uint16_t len, bool csum_offload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(HERALD_L2L4_LEN + len));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, t->hdr, HERALD_L2L4_LEN);
	memcpy(p + HERALD_L2L4_LEN, frame, len);
	if (csum_offload)
		herald_udp_finish_offload(m, p, len);
	else
		herald_udp_finish(p, t->csum_ip, t->csum_udp, len,
				  inet_csum_fold64(inet_csum_partial(
					  p + HERALD_L2L4_LEN, len)));
	return m;
}
