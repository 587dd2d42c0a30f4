/* SPDX-License-Identifier: BSD-3-Clause
 * Herald XDP: what happens to a valid datagram. The publisher
 * allow-list, then the slot's target: LOCAL (the AF_XDP socket of the rx
 * queue, or the kernel when none is bound), PASS (the kernel) or NODE
 * (rewritten to a remote Herald node and sent back out).
 */
#ifndef HX_STEER_H
#define HX_STEER_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>

#include "herald_xdp_abi.h"
#include "hx_csum.h"
#include "hx_cursor.h"
#include "hx_maps.h"

/*
 * Fails closed: only the explicit allow_any flag means any source; an
 * empty list with the flag clear lets no one publish.
 */
static __always_inline int
publisher_allowed(const struct herald_xdp_cfg *cfg, __u32 saddr)
{
	struct herald_xdp_lpm_key key = {
		.prefixlen = 32,
		.addr = saddr,
	};

	if (cfg->flags & HERALD_XDP_F_ALLOW_ANY)
		return 1;
	return bpf_map_lookup_elem(&hx_allow, &key) != NULL;
}

/*
 * NODE: hand the datagram to the node owning the slot. Ethernet to the
 * node's MAC, IPv4 destination to its address, TTL decremented (two
 * nodes that each think the other owns a slot must not bounce a packet
 * forever), the source kept so the node sees the real client. Both
 * checksums are updated incrementally. A zero UDP checksum (none) stays
 * zero; an updated one that comes out 0 is sent as 0xffff, its other
 * one's complement form (RFC 768: 0 would mean "no checksum"). This
 * assumes the UDP checksum is complete, as it is on the wire (a locally
 * generated, still offloaded checksum is not).
 */
static __always_inline int
forward_to_node(__u8 *eth, struct iphdr *iph, struct udphdr *udp,
		const struct herald_xdp_tgt *tgt, __u32 *cnt)
{
	const struct herald_xdp_cfg *cfg;
	__u32 zero = 0;
	__u16 old_d0 = ((__u16 *)&iph->daddr)[0];
	__u16 old_d1 = ((__u16 *)&iph->daddr)[1];
	__u16 old_ttl = *(__u16 *)&iph->ttl; /* ttl and protocol */
	__u16 new_d0, new_d1, new_ttl;
	__u32 sum;

	if (iph->ttl <= 1)
		return verdict(cnt, HERALD_XDP_C_TTL_EXPIRED, XDP_DROP);
	iph->ttl--;
	iph->daddr = tgt->ip;
	new_d0 = ((__u16 *)&iph->daddr)[0];
	new_d1 = ((__u16 *)&iph->daddr)[1];
	new_ttl = *(__u16 *)&iph->ttl;

	sum = (__u16)~iph->check;
	sum = csum_add_change(sum, old_d0, new_d0);
	sum = csum_add_change(sum, old_d1, new_d1);
	sum = csum_add_change(sum, old_ttl, new_ttl);
	iph->check = csum_finish(sum);

	if (udp->check != 0) {
		__u16 c;

		sum = (__u16)~udp->check;
		sum = csum_add_change(sum, old_d0, new_d0);
		sum = csum_add_change(sum, old_d1, new_d1);
		c = csum_finish(sum);
		udp->check = c != 0 ? c : 0xffff;
	}

	/*
	 * The frame was addressed to us: its old destination is our MAC.
	 * The config is looked up again (the same entry the filter read)
	 * rather than kept across the allow-list lookup.
	 */
	cfg = bpf_map_lookup_elem(&hx_config, &zero);
	if (cfg != NULL &&
	    (load_raw32(cfg->mac) | load_raw16(cfg->mac + 4)) != 0)
		copy_mac(eth + ETH_ALEN, cfg->mac);
	else
		copy_mac(eth + ETH_ALEN, eth);
	copy_mac(eth, tgt->mac);
	return verdict(cnt, HERALD_XDP_C_NODE, XDP_TX);
}

/*
 * Counts a valid datagram (pkt_len bytes, fragments included) on slot
 * *idx and applies the slot's target. The headers are in the linear
 * part: the filter pulled them.
 */
static __always_inline int
steer(struct xdp_md *ctx, __u32 *idx, __u8 *eth, struct iphdr *iph,
      struct udphdr *udp, __u32 pkt_len, __u32 *cnt)
{
	struct herald_xdp_slot_stats *st;
	struct herald_xdp_tgt *tgt;
	int act;

	st = bpf_map_lookup_elem(&hx_slot_stats, idx);
	if (st != NULL) {
		st->packets++;
		st->bytes += pkt_len;
	}
	tgt = bpf_map_lookup_elem(&hx_slot_tgt, idx);
	if (tgt == NULL || tgt->action == HERALD_XDP_LOCAL) {
		/* Without a socket on this queue: the kernel, not a drop. */
		act = bpf_redirect_map(&xsks_map, ctx->rx_queue_index,
				       XDP_PASS);
		return verdict(cnt,
			       act == XDP_REDIRECT ? HERALD_XDP_C_LOCAL
						   : HERALD_XDP_C_LOCAL_NO_XSK,
			       act);
	}
	if (tgt->action == HERALD_XDP_NODE && tgt->ip != 0)
		return forward_to_node(eth, iph, udp, tgt, cnt);
	return verdict(cnt, HERALD_XDP_C_SLOT_PASS, XDP_PASS);
}

#endif /* HX_STEER_H */
