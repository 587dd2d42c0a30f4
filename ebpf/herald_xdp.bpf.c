// SPDX-License-Identifier: BSD-3-Clause
/*
 * Herald XDP edge filter and slot steering.
 *
 * Runs on the interface Herald (or nothing, as a standalone filter)
 * receives on. For each packet:
 *   - anything that is not IPv4/UDP to Herald's address and port (ARP,
 *     IPv6, ICMP, other ports, VLAN-tagged frames, non-first IP
 *     fragments) passes to the kernel untouched ("passed_other");
 *   - a datagram to Herald's port is judged as Herald judges it, with
 *     Herald's names, in Herald's order: IPv4 header checksum, lengths,
 *     fragment, options, UDP length, then a source Herald could not
 *     answer (PROTOCOL.md section 4), then the codec's rules (hx_hwp.h)
 *     on every frame; the first fault is counted and the packet dropped;
 *   - a datagram holding a PUBLISH from a source outside the publisher
 *     allow-list is dropped ("publisher_not_allowed");
 *   - a valid datagram is counted on the slot of its first frame's
 *     channel and steered by that slot's target (hx_steer.h).
 *
 * Multi-buffer (xdp.frags): a jumbo datagram may arrive in fragments.
 * The Ethernet/IPv4/UDP headers are read in the linear part; lengths are
 * checked against the whole packet (bpf_xdp_get_buff_len) and frames
 * beyond the linear part are copied out with bpf_xdp_load_bytes.
 *
 * Every header read is preceded by a bounds check against data_end (the
 * parsing cursor, hx_cursor.h), which the verifier requires. The program
 * counts each packet once, at its single exit: the checks return a
 * verdict and name the counter.
 *
 * Cost (tools/bench/bench_xdp, docs/PERFORMANCE.md): the common shapes
 * (IPv4 without options, a frame header without faults) are tested with
 * a few word compares and fall back to the rule-by-rule checks only when
 * those fail, so the fault counted is still the first one in order. The
 * LPM lookup, a kernel call like the redirect (each about as costly as
 * all the checks together), runs last and only for a datagram holding a
 * PUBLISH.
 */
#include <stddef.h>

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "herald_xdp_abi.h"
#include "hx_csum.h"
#include "hx_cursor.h"
#include "hx_hwp.h"
#include "hx_maps.h"
#include "hx_steer.h"

#define IP_MF	  0x2000
#define IP_OFFSET 0x1fff
/* First byte of an IPv4 header without options: version 4, IHL 5. */
#define IP_VIHL_PLAIN 0x45
/* Packet offset of the UDP payload behind IPv4 without options. */
#define HX_L2L4_LEN                                                            \
	(sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))
/* Whether the packet is addressed to Herald's port (and address). */
static __always_inline int
to_herald(const struct herald_xdp_cfg *cfg, const struct iphdr *iph,
	  const struct udphdr *udp)
{
	return udp->dest == cfg->port &&
	       (cfg->addr == 0 || iph->daddr == cfg->addr);
}

/* A non-first fragment has no UDP header: not ours to judge. */
static __always_inline int
not_udp_head(const struct iphdr *iph)
{
	return iph->protocol != IPPROTO_UDP ||
	       (iph->frag_off & bpf_htons(IP_OFFSET)) != 0;
}

/*
 * Herald's first IPv4 checks of a packet to its port, in its order:
 * header checksum over the whole IHL (csum_ok), total length within the
 * IHL and the packet (frame_len, fragments included; Ethernet may pad a
 * short frame, so the total length, not the frame, ends the datagram),
 * then a first fragment (MF; a later one was passed as not Herald's).
 * No other bound applies: a datagram may be as large as the link carries
 * (PROTOCOL.md section 4), up to the 65507 payload bytes a 16-bit total
 * length leaves.
 */
static __always_inline int
check_ipv4(const struct iphdr *iph, int csum_ok, __u32 frame_len)
{
	__u32 tot_len = bpf_ntohs(iph->tot_len);

	if (!csum_ok)
		return HERALD_XDP_C_BAD_IP_CHECKSUM;
	if (tot_len < (__u32)iph->ihl * 4 ||
	    tot_len > frame_len - sizeof(struct ethhdr))
		return HERALD_XDP_C_BAD_IP_LENGTH;
	if ((iph->frag_off & bpf_htons(IP_MF)) != 0)
		return HERALD_XDP_C_IP_FRAGMENT;
	return HX_OK;
}

/*
 * Sources Herald could not answer are not HWP (PROTOCOL.md section 4),
 * checked in wire order: an Ethernet group address (I/G bit), an IPv4
 * source that is not unicast (0/8, 127/8, 224/4 and above, which holds
 * the limited broadcast) or is Herald's own (unknown when Herald takes
 * any address), a UDP source port 0.
 */
static __always_inline int
check_source(const struct herald_xdp_cfg *cfg, const struct ethhdr *eth,
	     const struct iphdr *iph, const struct udphdr *udp)
{
	/* Network order: the first byte is the address's top octet. */
	__u8 a0 = ((const __u8 *)&iph->saddr)[0];

	if ((eth->h_source[0] & 0x01) != 0)
		return HERALD_XDP_C_SOURCE_MAC_GROUP;
	if (a0 == 0 || a0 == 127 || a0 >= 224)
		return HERALD_XDP_C_SOURCE_IP_NOT_UNICAST;
	if (cfg->addr != 0 && iph->saddr == cfg->addr)
		return HERALD_XDP_C_SOURCE_IP_OWN;
	if (udp->source == 0)
		return HERALD_XDP_C_SOURCE_PORT_ZERO;
	return HX_OK;
}

/*
 * IPv4 whose first byte is not 0x45: a bad version or IHL, or options
 * (IHL > 5), a shape Herald's traffic never has. Herald's checks before
 * the options one still come first for a packet to its port.
 */
static __always_inline int
ipv4_not_plain(struct xdp_md *ctx, const struct herald_xdp_cfg *cfg,
	       struct hx_cursor *c, struct iphdr *iph, void *data_end,
	       __u32 *cnt)
{
	__u32 hlen = iph->ihl * 4;
	struct udphdr *udp;
	int err;

	if (iph->version != 4 || hlen < sizeof(*iph))
		return verdict(cnt, HERALD_XDP_C_BAD_IP_HEADER, XDP_DROP);
	if (not_udp_head(iph))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);
	/*
	 * The whole header again, from its start: IHL * 4 is bounded by
	 * 60 for the verifier, where IHL * 4 - 20 would not be.
	 */
	c->pos = iph;
	if (hx_pull(c, data_end, hlen) == NULL)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_IP, XDP_DROP);
	udp = hx_pull_hdr(c, data_end, struct udphdr);
	if (udp == NULL)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_UDP, XDP_DROP);
	if (!to_herald(cfg, iph, udp))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);
	err = check_ipv4(iph, ipv4_csum_ok_ihl(ctx, hlen),
			 bpf_xdp_get_buff_len(ctx));
	if (err != HX_OK)
		return verdict(cnt, err, XDP_DROP);
	return verdict(cnt, HERALD_XDP_C_IP_OPTIONS, XDP_DROP);
}

/* The verdict on one packet; *cnt is set to the counter it goes to. */
static __always_inline int
filter(struct xdp_md *ctx, __u32 *cnt)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *data = (void *)(long)ctx->data;
	struct hx_cursor c = {.pos = data};
	struct dgram_info di = {0};
	struct herald_xdp_cfg *cfg;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct udphdr *udp;
	__u32 zero = 0;
	__u32 frame_len, tot_len, udp_len, idx;
	int err;

	cfg = bpf_map_lookup_elem(&hx_config, &zero);
	if (cfg == NULL || cfg->port == 0)
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	eth = hx_pull_hdr(&c, data_end, struct ethhdr);
	if (eth == NULL)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_ETH, XDP_DROP);
	/* struct ethhdr is packed: read h_proto as one 16-bit word. */
	if (load_raw16((const __u8 *)&eth->h_proto) != bpf_htons(ETH_P_IP))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	iph = hx_pull_hdr(&c, data_end, struct iphdr);
	if (iph == NULL)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_IP, XDP_DROP);
	/* Version 4 without options, the common case, in one compare. */
	if (hx_unlikely(*(__u8 *)iph != IP_VIHL_PLAIN))
		return ipv4_not_plain(ctx, cfg, &c, iph, data_end, cnt);
	if (not_udp_head(iph))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	/* No options: the UDP header is at a constant offset. */
	udp = hx_pull_hdr(&c, data_end, struct udphdr);
	if (udp == NULL)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_UDP, XDP_DROP);
	if (!to_herald(cfg, iph, udp))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	/* Herald's traffic from here on: its checks, in its order. */
	frame_len = bpf_xdp_get_buff_len(ctx);
	err = check_ipv4(iph, ipv4_csum_ok(iph), frame_len);
	if (err != HX_OK)
		return verdict(cnt, err, XDP_DROP);
	tot_len = bpf_ntohs(iph->tot_len);
	udp_len = bpf_ntohs(udp->len);
	if (tot_len < sizeof(*iph) + sizeof(*udp) ||
	    udp_len != tot_len - sizeof(*iph))
		return verdict(cnt, HERALD_XDP_C_BAD_UDP_LENGTH, XDP_DROP);
	err = check_source(cfg, eth, iph, udp);
	if (err != HX_OK)
		return verdict(cnt, err, XDP_DROP);

	err = check_datagram(ctx, c.pos, data_end, HX_L2L4_LEN,
			     udp_len - sizeof(*udp), &di);
	if (err != HX_OK)
		return verdict(cnt, err, XDP_DROP);
	/* On the stack, as the slot maps' key. */
	idx = di.slot;
	/* Last, as the only costly lookup: only for a PUBLISH. */
	if (di.has_publish && !publisher_allowed(cfg, iph->saddr))
		return verdict(cnt, HERALD_XDP_C_PUBLISHER_NOT_ALLOWED,
			       XDP_DROP);
	return steer(ctx, &idx, data, iph, udp, frame_len, cnt);
}

/*
 * xdp.frags: libbpf loads the program with BPF_F_XDP_HAS_FRAGS, so it
 * may run on multi-buffer packets (jumbo MTUs) and the test runner may
 * hand it packets larger than a page.
 */
SEC("xdp.frags")
int
herald_xdp_prog(struct xdp_md *ctx)
{
	__u32 cnt = HERALD_XDP_C_PASSED_OTHER;
	int act = filter(ctx, &cnt);
	/* One counter lookup per packet, whichever way it went. */
	__u64 *c = bpf_map_lookup_elem(&hx_counters, &cnt);

	/* Per-CPU value: no other CPU writes it, a plain add is enough. */
	if (c != NULL)
		*c += 1;
	return act;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
