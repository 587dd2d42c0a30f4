// SPDX-License-Identifier: BSD-3-Clause
/*
 * Herald XDP edge filter and slot steering.
 *
 * Runs on the interface Herald (or nothing, as a standalone filter)
 * receives on. For each packet:
 *   - anything that is not IPv4/UDP to Herald's address and port (ARP,
 *     IPv6, ICMP, other ports, VLAN-tagged frames, non-first IP
 *     fragments) passes to the kernel untouched ("passed_other");
 *   - a datagram to Herald's port that the codec (lib/hwp) would reject
 *     is dropped and counted under the codec's fault name; every frame
 *     of the datagram is checked, in the codec's rule order, so the
 *     counted fault is the one Herald would have counted;
 *   - a datagram holding a PUBLISH from a source outside the publisher
 *     allow-list is dropped ("publisher_not_allowed");
 *   - a valid datagram is counted on the slot of its first frame's
 *     channel and steered by that slot's target: LOCAL (AF_XDP socket of
 *     the rx queue, or the kernel when no socket is bound), PASS (kernel)
 *     or NODE (rewritten to a remote Herald node and sent back out).
 *
 * Control frames: a HEARTBEAT with channel 0 (subscriber keep-alive) has
 * no slot; it is counted and steered through HERALD_XDP_CTL_SLOT, the
 * extra target after the 4096 slots.
 *
 * Parsing follows the cursor style: every header read is preceded by a
 * bounds check against data_end, which the verifier requires.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "herald_xdp_abi.h"

/*
 * Frames checked per datagram. A 1500-byte MTU datagram holds at most 45
 * minimum-size frames; a longer datagram's tail is left to the codec.
 */
#define HX_MAX_FRAMES 48
/*
 * Upper bound of a UDP payload the program looks at. Linear XDP data is
 * one page at most, so a longer length is necessarily a lie; the bound
 * also keeps every packet offset within what the verifier accepts.
 */
#define HX_MAX_PAYLOAD 0x3fff

_Static_assert(HWP_SUBSCRIBE_OFF_RESERVED + 4 <= HWP_MIN_FRAME_LEN &&
		       HWP_NACK_OFF_SUBSCRIBER + 4 <= HWP_MIN_FRAME_LEN &&
		       HWP_PUBLISH_OFF_PUB_SEQ + 8 <= HWP_MIN_FRAME_LEN,
	       "walk_frame() copies the first 32 bytes of a frame");
_Static_assert(HWP_PUBLISH_LEN == HWP_HEARTBEAT_LEN &&
		       HWP_PUBLISH_LEN == HWP_NACK_LEN &&
		       HWP_PUBLISH_LEN == HWP_MIN_FRAME_LEN &&
		       HWP_SUBSCRIBE_LEN == HWP_UNSUBSCRIBE_LEN,
	       "to_herald_fixed_len() assumes these sizes");

#define IP_MF	  0x2000
#define IP_OFFSET 0x1fff

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, HERALD_XDP_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct herald_xdp_cfg);
} hx_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HERALD_XDP_MAX_ALLOW);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct herald_xdp_lpm_key);
	__type(value, __u8);
} hx_allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HERALD_XDP_NUM_TGTS);
	__type(key, __u32);
	__type(value, struct herald_xdp_tgt);
} hx_slot_tgt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HERALD_XDP_NUM_TGTS);
	__type(key, __u32);
	__type(value, struct herald_xdp_slot_stats);
} hx_slot_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HERALD_XDP_C__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} hx_counters SEC(".maps");

struct hdr_cursor {
	void *pos;
};

/* What the frame walk learnt about a valid datagram. */
struct dgram_info {
	__u64 chan;	  /* first frame's channel, wire order */
	__u8 type;	  /* first frame's type */
	__u8 has_publish; /* some frame is a PUBLISH */
};

/* Check result meaning "no fault"; counter 0 is never a fault. */
#define HX_OK HERALD_XDP_C_PASSED_OTHER

static __always_inline int
count(__u32 idx, int action)
{
	__u64 *c = bpf_map_lookup_elem(&hx_counters, &idx);

	/* Per-CPU value: no other CPU writes it, a plain add is enough. */
	if (c != NULL)
		*c += 1;
	return action;
}

static __always_inline __u16
load_be16(const __u8 *p)
{
	return bpf_ntohs(*(const __u16 *)p);
}

static __always_inline __u32
load_raw32(const __u8 *p)
{
	return *(const __u32 *)p;
}

static __always_inline __u64
load_raw64(const __u8 *p)
{
	return *(const __u64 *)p;
}

static __always_inline int
parse_ethhdr(struct hdr_cursor *nh, void *data_end, struct ethhdr **ethp)
{
	struct ethhdr *eth = nh->pos;

	if ((void *)(eth + 1) > data_end)
		return -1;
	nh->pos = eth + 1;
	*ethp = eth;
	return eth->h_proto; /* network order */
}

/* One's complement sum of the 20-byte option-less IPv4 header. */
static __always_inline int
ipv4_csum_ok(const struct iphdr *iph)
{
	const __u16 *w = (const __u16 *)iph;
	__u32 sum = 0;
	int i;

#pragma clang loop unroll(full)
	for (i = 0; i < (int)(sizeof(*iph) / 2); i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * Type-specific field rules, in the codec's offset order. The caller
 * guarantees that the type's fixed part is readable at h.
 */
static __always_inline int
check_publish(const __u8 *h)
{
	if (load_raw64(h + HWP_PUBLISH_OFF_CHANNEL) == 0)
		return HERALD_XDP_C_ZERO_CHANNEL;
	if (load_raw32(h + HWP_PUBLISH_OFF_PUBLISHER) == 0)
		return HERALD_XDP_C_ZERO_PUBLISHER;
	if (load_raw32(h + HWP_PUBLISH_OFF_RESERVED) != 0)
		return HERALD_XDP_C_RESERVED_NONZERO;
	if (load_raw64(h + HWP_PUBLISH_OFF_PUB_SEQ) == 0)
		return HERALD_XDP_C_ZERO_PUB_SEQ;
	return HX_OK;
}

/* SUBSCRIBE and UNSUBSCRIBE share one layout. */
static __always_inline int
check_subscribe(const __u8 *h)
{
	if (load_raw64(h + HWP_SUBSCRIBE_OFF_CHANNEL) == 0)
		return HERALD_XDP_C_ZERO_CHANNEL;
	if (load_raw32(h + HWP_SUBSCRIBE_OFF_SUBSCRIBER) == 0)
		return HERALD_XDP_C_ZERO_SUBSCRIBER;
	if (load_raw32(h + HWP_SUBSCRIBE_OFF_RESERVED) != 0)
		return HERALD_XDP_C_RESERVED_NONZERO;
	return HX_OK;
}

static __always_inline int
check_heartbeat(const __u8 *h)
{
	/* Channel 0 is the subscriber keep-alive, not a fault. */
	if (load_raw32(h + HWP_HEARTBEAT_OFF_SUBSCRIBER) == 0)
		return HERALD_XDP_C_ZERO_SUBSCRIBER;
	return HX_OK;
}

static __always_inline int
check_nack(const __u8 *h)
{
	__u32 n;

	if (load_raw64(h + HWP_NACK_OFF_CHANNEL) == 0)
		return HERALD_XDP_C_ZERO_CHANNEL;
	n = bpf_ntohl(load_raw32(h + HWP_NACK_OFF_COUNT));
	if (n == 0 || n > HWP_NACK_MAX_COUNT)
		return HERALD_XDP_C_BAD_NACK_COUNT;
	if (load_raw32(h + HWP_NACK_OFF_SUBSCRIBER) == 0)
		return HERALD_XDP_C_ZERO_SUBSCRIBER;
	return HX_OK;
}

static __always_inline int
check_fields(const __u8 *h, __u8 type)
{
	switch (type) {
	case HWP_T_PUBLISH: return check_publish(h);
	case HWP_T_SUBSCRIBE:
	case HWP_T_UNSUBSCRIBE: return check_subscribe(h);
	case HWP_T_HEARTBEAT: return check_heartbeat(h);
	default: return check_nack(h); /* the header check left only NACK */
	}
}

/*
 * hwp_type_fixed_len() for the types left after the direction rule.
 * clang emits the header's version as a BPF subprogram call; this one is
 * always inlined (a call per frame cost about 2 ns).
 */
static __always_inline __u16
to_herald_fixed_len(__u8 type)
{
	if (type == HWP_T_SUBSCRIBE || type == HWP_T_UNSUBSCRIBE)
		return HWP_SUBSCRIBE_LEN;
	/* PUBLISH, HEARTBEAT and NACK share the 32-byte fixed size. */
	return HWP_PUBLISH_LEN;
}

/*
 * Common header of the frame at h (8 readable bytes), rem bytes left in
 * the datagram, in the codec's order. Only types Herald accepts pass the
 * direction rule.
 */
static __always_inline int
check_header(const __u8 *h, __u32 rem, __u16 *flen)
{
	__u16 fixed, len;
	__u8 type;

	if (load_be16(h + HWP_OFF_MAGIC) != HWP_MAGIC)
		return HERALD_XDP_C_BAD_MAGIC;
	if (h[HWP_OFF_VERSION] != HWP_VERSION)
		return HERALD_XDP_C_BAD_VERSION;
	type = h[HWP_OFF_TYPE];
	if (type < HWP_T_MIN || type > HWP_T_MAX)
		return HERALD_XDP_C_BAD_TYPE;
	if (!hwp_type_to_herald(type))
		return HERALD_XDP_C_WRONG_DIRECTION;
	if ((h[HWP_OFF_FLAGS] & ~HWP_F_MASK) != 0)
		return HERALD_XDP_C_BAD_FLAGS;
	if (h[HWP_OFF_RESERVED] != 0)
		return HERALD_XDP_C_RESERVED_NONZERO;
	len = load_be16(h + HWP_OFF_LENGTH);
	fixed = to_herald_fixed_len(type);
	if (len < fixed)
		return HERALD_XDP_C_BAD_LENGTH;
	if (len > fixed &&
	    (!hwp_type_has_payload(type) || len - fixed > HWP_MAX_PAYLOAD))
		return HERALD_XDP_C_BAD_LENGTH;
	if (len > rem)
		return HERALD_XDP_C_LENGTH_OVERRUN;
	*flen = len;
	return HX_OK;
}

/*
 * First frame, read in place: the fast path, as Herald sends and most
 * clients send one frame per datagram. The frame starts at a constant
 * packet offset, so the verifier checks plain bounds.
 */
static __always_inline int
check_first_frame(const __u8 *h, void *data_end, __u32 plen, __u16 *flen,
		  struct dgram_info *di)
{
	int err;

	if (plen < HWP_HDR_LEN || (void *)(h + HWP_HDR_LEN) > data_end)
		return HERALD_XDP_C_TRUNCATED;
	err = check_header(h, plen, flen);
	if (err != HX_OK)
		return err;
	di->type = h[HWP_OFF_TYPE];
	/* The header check bounded length by plen, itself in the packet. */
	if (di->type == HWP_T_SUBSCRIBE || di->type == HWP_T_UNSUBSCRIBE) {
		if ((void *)(h + HWP_SUBSCRIBE_LEN) > data_end)
			return HERALD_XDP_C_LENGTH_OVERRUN;
	} else if ((void *)(h + HWP_MIN_FRAME_LEN) > data_end) {
		return HERALD_XDP_C_LENGTH_OVERRUN;
	}
	err = check_fields(h, di->type);
	if (err != HX_OK)
		return err;
	di->has_publish = di->type == HWP_T_PUBLISH;
	/* Every type Herald accepts has its channel at offset 8. */
	di->chan = load_raw64(h + HWP_PUBLISH_OFF_CHANNEL);
	return HX_OK;
}

/* State of the walk over a datagram's later frames (bpf_loop context). */
struct walk_ctx {
	struct xdp_md *xdp;
	__u32 base; /* packet offset of the UDP payload */
	__u32 off;  /* offset of the next frame in the payload */
	__u32 plen; /* UDP payload length */
	int err;
	__u8 has_publish;
};

/*
 * One later frame, as a bpf_loop() callback: the verifier checks it as
 * one loop body instead of unrolling the loop (an open-coded loop had it
 * walk about 800k instructions, close to its limit). The frame is copied
 * out with bpf_xdp_load_bytes() rather than read in place: a variable
 * packet offset is a precise register whose range differs on every
 * iteration, and the callback's states stopped converging.
 *
 * The copy is 32 bytes, as every field rule lies within them (the last,
 * SUBSCRIBE's reserved word, ends at 24), or the bare header when fewer
 * than 32 bytes are left, where the length check fails before any field
 * is read.
 */
static long
walk_frame(__u64 i, void *arg)
{
	struct walk_ctx *w = arg;
	__u8 buf[HWP_MIN_FRAME_LEN];
	__u32 rem = w->plen - w->off;
	__u16 flen = 0;
	__u8 type;
	int err;

	(void)i;
	if (w->off >= w->plen)
		return 1;
	if (rem < HWP_HDR_LEN)
		goto fail_truncated;
	if (rem >= HWP_MIN_FRAME_LEN)
		err = bpf_xdp_load_bytes(w->xdp, w->base + w->off, buf,
					 HWP_MIN_FRAME_LEN);
	else
		err = bpf_xdp_load_bytes(w->xdp, w->base + w->off, buf,
					 HWP_HDR_LEN);
	if (err != 0)
		goto fail_truncated;
	err = check_header(buf, rem, &flen);
	if (err != HX_OK)
		goto fail;
	type = buf[HWP_OFF_TYPE];
	err = check_fields(buf, type);
	if (err != HX_OK)
		goto fail;
	if (type == HWP_T_PUBLISH)
		w->has_publish = 1;
	w->off += flen;
	return 0;

fail_truncated:
	err = HERALD_XDP_C_TRUNCATED;
fail:
	w->err = err;
	return 1;
}

/*
 * Walks the frames of the UDP payload (plen bytes at pl, packet offset
 * base) as the codec does. Returns HX_OK and fills di, or the counter of
 * the first fault.
 */
static __always_inline int
check_datagram(struct xdp_md *ctx, __u8 *pl, void *data_end, __u32 base,
	       __u32 plen, struct dgram_info *di)
{
	struct walk_ctx w = {
		.xdp = ctx,
		.base = base,
		.plen = plen,
		.err = HX_OK,
	};
	__u16 flen = 0;
	int err;

	if (plen == 0)
		return HERALD_XDP_C_EMPTY;
	err = check_first_frame(pl, data_end, plen, &flen, di);
	if (err != HX_OK)
		return err;
	if (flen == plen)
		return HX_OK;
	w.off = flen;
	bpf_loop(HX_MAX_FRAMES - 1, walk_frame, &w, 0);
	if (w.has_publish)
		di->has_publish = 1;
	return w.err;
}

static __always_inline int
publisher_allowed(const struct herald_xdp_cfg *cfg, __u32 saddr)
{
	struct herald_xdp_lpm_key key = {
		.prefixlen = 32,
		.addr = saddr,
	};

	if ((cfg->flags & HERALD_XDP_F_ALLOW_ANY) || cfg->allow_n == 0)
		return 1;
	return bpf_map_lookup_elem(&hx_allow, &key) != NULL;
}

/* Adds a one's complement 16-bit word change (RFC 1624, eqn 3). */
static __always_inline __u32
csum_add_change(__u32 sum, __u16 from, __u16 to)
{
	return sum + (__u16)~from + to;
}

static __always_inline __u16
csum_finish(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/*
 * NODE: hand the datagram to the node owning the slot. Ethernet to the
 * node's MAC, IPv4 destination to its address, TTL decremented (two
 * nodes that each think the other owns a slot must not bounce a packet
 * forever), the source kept so the node sees the real client. Both
 * checksums are updated incrementally; a zero UDP checksum (none) stays
 * zero. This assumes the UDP checksum is complete, as it is on the wire
 * (a locally generated, still offloaded checksum is not).
 */
static __always_inline int
forward_to_node(struct ethhdr *eth, struct iphdr *iph, struct udphdr *udp,
		const struct herald_xdp_tgt *tgt,
		const struct herald_xdp_cfg *cfg)
{
	__u16 old_d0 = ((__u16 *)&iph->daddr)[0];
	__u16 old_d1 = ((__u16 *)&iph->daddr)[1];
	__u16 old_ttl = *(__u16 *)&iph->ttl; /* ttl and protocol */
	__u16 new_d0, new_d1, new_ttl;
	__u32 sum;

	if (iph->ttl <= 1)
		return count(HERALD_XDP_C_TTL_EXPIRED, XDP_DROP);
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

	/* The frame was addressed to us: its old destination is our MAC. */
	if ((cfg->mac[0] | cfg->mac[1] | cfg->mac[2] | cfg->mac[3] |
	     cfg->mac[4] | cfg->mac[5]) != 0)
		__builtin_memcpy(eth->h_source, cfg->mac, ETH_ALEN);
	else
		__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tgt->mac, ETH_ALEN);
	return count(HERALD_XDP_C_NODE, XDP_TX);
}

static __always_inline int
steer(struct xdp_md *ctx, __u32 idx, struct ethhdr *eth, struct iphdr *iph,
      struct udphdr *udp, const struct herald_xdp_cfg *cfg)
{
	struct herald_xdp_slot_stats *st;
	struct herald_xdp_tgt *tgt;
	int act;

	st = bpf_map_lookup_elem(&hx_slot_stats, &idx);
	if (st != NULL) {
		st->packets++;
		st->bytes += ctx->data_end - ctx->data;
	}
	tgt = bpf_map_lookup_elem(&hx_slot_tgt, &idx);
	if (tgt == NULL || tgt->action == HERALD_XDP_LOCAL) {
		/* Without a socket on this queue: the kernel, not a drop. */
		act = bpf_redirect_map(&xsks_map, ctx->rx_queue_index,
				       XDP_PASS);
		if (act == XDP_REDIRECT)
			return count(HERALD_XDP_C_LOCAL, act);
		return count(HERALD_XDP_C_LOCAL_NO_XSK, act);
	}
	if (tgt->action == HERALD_XDP_NODE && tgt->ip != 0)
		return forward_to_node(eth, iph, udp, tgt, cfg);
	return count(HERALD_XDP_C_SLOT_PASS, XDP_PASS);
}

SEC("xdp")
int
herald_xdp_prog(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = {.pos = data};
	struct dgram_info di = {0};
	struct herald_xdp_cfg *cfg;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct udphdr *udp;
	__u32 zero = 0;
	__u32 hdrlen, tot_len, udp_len, idx;
	int eth_type, err;

	cfg = bpf_map_lookup_elem(&hx_config, &zero);
	if (cfg == NULL || cfg->port == 0)
		return count(HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	eth_type = parse_ethhdr(&nh, data_end, &eth);
	if (eth_type < 0)
		return count(HERALD_XDP_C_TRUNCATED_ETH, XDP_DROP);
	if (eth_type != bpf_htons(ETH_P_IP))
		return count(HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	iph = nh.pos;
	if ((void *)(iph + 1) > data_end)
		return count(HERALD_XDP_C_TRUNCATED_IP, XDP_DROP);
	if (iph->version != 4 || iph->ihl < 5)
		return count(HERALD_XDP_C_BAD_IP_HEADER, XDP_DROP);
	/* A non-first fragment has no UDP header: not ours to judge. */
	if (iph->protocol != IPPROTO_UDP ||
	    (iph->frag_off & bpf_htons(IP_OFFSET)) != 0)
		return count(HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	hdrlen = iph->ihl * 4;
	if ((void *)iph + hdrlen > data_end)
		return count(HERALD_XDP_C_TRUNCATED_IP, XDP_DROP);
	udp = (void *)iph + hdrlen;
	if ((void *)(udp + 1) > data_end)
		return count(HERALD_XDP_C_TRUNCATED_UDP, XDP_DROP);
	if (udp->dest != cfg->port ||
	    (cfg->addr != 0 && iph->daddr != cfg->addr))
		return count(HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	/* Herald's traffic from here on: the codec's rules apply. */
	if (hdrlen != sizeof(*iph))
		return count(HERALD_XDP_C_IP_OPTIONS, XDP_DROP);
	/* Same header, now at a constant offset for the verifier. */
	udp = (struct udphdr *)(iph + 1);
	if ((void *)(udp + 1) > data_end)
		return count(HERALD_XDP_C_TRUNCATED_UDP, XDP_DROP);
	if ((iph->frag_off & bpf_htons(IP_MF)) != 0)
		return count(HERALD_XDP_C_IP_FRAGMENT, XDP_DROP);
	if (!ipv4_csum_ok(iph))
		return count(HERALD_XDP_C_BAD_IP_CHECKSUM, XDP_DROP);
	/* Ethernet may pad a short frame: tot_len, not data_end, ends it. */
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len < sizeof(*iph) + sizeof(*udp) ||
	    tot_len > sizeof(*iph) + sizeof(*udp) + HX_MAX_PAYLOAD ||
	    (void *)iph + tot_len > data_end)
		return count(HERALD_XDP_C_BAD_IP_LENGTH, XDP_DROP);
	udp_len = bpf_ntohs(udp->len);
	if (udp_len != tot_len - sizeof(*iph))
		return count(HERALD_XDP_C_BAD_UDP_LENGTH, XDP_DROP);

	err = check_datagram(ctx, (__u8 *)(udp + 1), data_end,
			     (__u8 *)(udp + 1) - (__u8 *)data,
			     udp_len - sizeof(*udp), &di);
	if (err != HX_OK)
		return count(err, XDP_DROP);
	if (di.has_publish && !publisher_allowed(cfg, iph->saddr))
		return count(HERALD_XDP_C_PUBLISHER_NOT_ALLOWED, XDP_DROP);

	if (di.type == HWP_T_HEARTBEAT && di.chan == 0)
		idx = HERALD_XDP_CTL_SLOT;
	else
		idx = hwp_slot(bpf_be64_to_cpu(di.chan));
	return steer(ctx, idx, eth, iph, udp, cfg);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
