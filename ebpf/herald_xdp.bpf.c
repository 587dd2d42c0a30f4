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
 * Every header read is preceded by a bounds check against data_end,
 * which the verifier requires. The program counts each packet once, at
 * its single exit: the checks return a verdict and name the counter.
 *
 * Cost (tools/bench/bench_xdp, docs/PERFORMANCE.md): the common shapes
 * (IPv4 without options, a frame header without faults) are tested with
 * a few word compares and fall back to the rule-by-rule checks only when
 * those fail, so the fault counted is still the first one in the codec's
 * order. The LPM lookup, a kernel call like the redirect (each about as
 * costly as all the checks together), runs last and only for a datagram
 * holding a PUBLISH.
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
		       HWP_HEARTBEAT_OFF_SUBSCRIBER + 4 <= HWP_MIN_FRAME_LEN &&
		       HWP_PUBLISH_OFF_PUB_SEQ + 8 <= HWP_MIN_FRAME_LEN &&
		       HWP_SUBSCRIBE_LEN >= HWP_MIN_FRAME_LEN,
	       "the field rules read only a frame's first 32 bytes");
_Static_assert(HWP_PUBLISH_LEN == HWP_HEARTBEAT_LEN &&
		       HWP_PUBLISH_LEN == HWP_NACK_LEN &&
		       HWP_PUBLISH_LEN == HWP_MIN_FRAME_LEN &&
		       HWP_SUBSCRIBE_LEN == HWP_UNSUBSCRIBE_LEN,
	       "to_herald_fixed_len() assumes these sizes");

#define IP_MF	  0x2000
#define IP_OFFSET 0x1fff
/* First byte of an IPv4 header without options: version 4, IHL 5. */
#define IP_VIHL_PLAIN 0x45

/*
 * An HWP header read as two 32-bit words, compared in wire order: magic
 * and version are the first word's top 24 bits; in the second, the flag
 * bits outside HWP_F_MASK and the reserved byte must be zero.
 */
#define HX_HDR_MV_MASK	 bpf_htonl(0xffffff00)
#define HX_HDR_MV	 bpf_htonl((__u32)HWP_MAGIC << 16 | HWP_VERSION << 8)
#define HX_HDR_MBZ_FLAGS ((__u32)(~HWP_F_MASK & 0xff) << 24)
#define HX_HDR_MBZ	 bpf_htonl(HX_HDR_MBZ_FLAGS | 0x00ff0000)

#define hx_likely(x)   __builtin_expect(!!(x), 1)
#define hx_unlikely(x) __builtin_expect(!!(x), 0)

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

/* What the frame walk learnt about a valid datagram. */
struct dgram_info {
	__u32 slot;	  /* target index of the first frame */
	__u8 has_publish; /* some frame is a PUBLISH */
};

/* Check result meaning "no fault"; counter 0 is never a fault. */
#define HX_OK HERALD_XDP_C_PASSED_OTHER

/*
 * Records which counter a packet goes to; returns its verdict. The
 * counter itself is bumped once, at the program's exit.
 */
static __always_inline int
verdict(__u32 *cnt, __u32 idx, int action)
{
	*cnt = idx;
	return action;
}

static __always_inline __u16
load_raw16(const __u8 *p)
{
	return *(const __u16 *)p;
}

static __always_inline __u16
load_be16(const __u8 *p)
{
	return bpf_ntohs(load_raw16(p));
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

static __always_inline void
store_raw16(__u8 *p, __u16 v)
{
	*(__u16 *)p = v;
}

static __always_inline void
store_raw32(__u8 *p, __u32 v)
{
	*(__u32 *)p = v;
}

/* Copies a 6-byte Ethernet address (two stores, not six). */
static __always_inline void
copy_mac(__u8 *dst, const __u8 *src)
{
	store_raw32(dst, load_raw32(src));
	store_raw16(dst + 4, load_raw16(src + 4));
}

/*
 * One's complement sum of the 20-byte option-less IPv4 header, taken as
 * five 32-bit words: the same sum modulo 0xffff as over its ten 16-bit
 * words (2^16 = 1 modulo 0xffff), with half the loads. The header is
 * valid when the sum is 0 modulo 0xffff and not 0 (all-zero words).
 */
static __always_inline int
ipv4_csum_ok(const struct iphdr *iph)
{
	const __u8 *p = (const __u8 *)iph;
	__u64 sum;

	_Static_assert(sizeof(*iph) == 20, "five 32-bit words");
	sum = (__u64)load_raw32(p) + load_raw32(p + 4) + load_raw32(p + 8) +
	      load_raw32(p + 12) + load_raw32(p + 16);
	/* Below 5 * 2^32; its three 16-bit parts: below 0x20003. */
	sum = (sum & 0xffff) + ((sum >> 16) & 0xffff) + (sum >> 32);
	/*
	 * At most 0xffff + 2, and 0 only for a zero sum: equal to 0xffff
	 * exactly when the header is valid.
	 */
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
	/* PUBLISH, the most common type, first. */
	if (type == HWP_T_PUBLISH)
		return check_publish(h);
	if (type == HWP_T_SUBSCRIBE || type == HWP_T_UNSUBSCRIBE)
		return check_subscribe(h);
	if (type == HWP_T_HEARTBEAT)
		return check_heartbeat(h);
	return check_nack(h); /* the header check left only NACK */
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
 * The first fault among the header rules before the length, in the
 * codec's order, of a header that failed check_header()'s combined test
 * of them: if none before it failed, the reserved byte did.
 */
static __always_inline int
header_fault(const __u8 *h)
{
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
	return HERALD_XDP_C_RESERVED_NONZERO;
}

/*
 * Common header of the frame at h (8 readable bytes, 4-byte aligned if
 * on the stack), rem bytes left in the datagram, in the codec's order.
 * Only types Herald accepts pass the direction rule. Sets the frame's
 * length and type.
 */
static __always_inline int
check_header(const __u8 *h, __u32 rem, __u16 *flen, __u8 *typep)
{
	__u8 type = h[HWP_OFF_TYPE];
	__u16 len;

	/*
	 * Magic, version, type (a type Herald accepts is in range), flags
	 * and reserved byte in three tests; hwp_type_to_herald() compiles
	 * to a bit test.
	 */
	if (hx_unlikely((load_raw32(h) & HX_HDR_MV_MASK) != HX_HDR_MV ||
			!hwp_type_to_herald(type) ||
			(load_raw32(h + 4) & HX_HDR_MBZ) != 0))
		return header_fault(h);
	len = load_be16(h + HWP_OFF_LENGTH);
	/*
	 * The codec's two length rules (at least the fixed size; more only
	 * for a type with a payload, by at most HWP_MAX_PAYLOAD). Of the
	 * types Herald accepts, only PUBLISH has a payload.
	 */
	if (type == HWP_T_PUBLISH) {
		/* Unsigned: a length below the fixed size wraps past it. */
		if ((__u32)len - HWP_PUBLISH_LEN > HWP_MAX_PAYLOAD)
			return HERALD_XDP_C_BAD_LENGTH;
	} else if (len != to_herald_fixed_len(type)) {
		return HERALD_XDP_C_BAD_LENGTH;
	}
	if (len > rem)
		return HERALD_XDP_C_LENGTH_OVERRUN;
	*flen = len;
	*typep = type;
	return HX_OK;
}

/*
 * A datagram of fewer bytes than any frame (HWP_MIN_FRAME_LEN) is never
 * valid; its fault is the codec's first one: a cut header, or what the
 * header rules find (a length of 32 or more overruns it at the latest).
 */
static __always_inline int
short_datagram(const __u8 *h, void *data_end, __u32 plen)
{
	__u16 flen = 0;
	__u8 type = 0;
	int err;

	if (plen < HWP_HDR_LEN || (void *)(h + HWP_HDR_LEN) > data_end)
		return HERALD_XDP_C_TRUNCATED;
	err = check_header(h, plen, &flen, &type);
	return err != HX_OK ? err : HERALD_XDP_C_LENGTH_OVERRUN;
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
	__u8 type = 0;
	__u64 chan;
	int err;

	if (hx_unlikely(plen < HWP_MIN_FRAME_LEN))
		return short_datagram(h, data_end, plen);
	/*
	 * The IPv4 length check put the plen bytes inside the packet: this
	 * cannot fail, the verifier needs it for the header and the field
	 * rules, which read no further than 32 bytes.
	 */
	if ((void *)(h + HWP_MIN_FRAME_LEN) > data_end)
		return HERALD_XDP_C_TRUNCATED;
	err = check_header(h, plen, flen, &type);
	if (err != HX_OK)
		return err;
	err = check_fields(h, type);
	if (err != HX_OK)
		return err;
	di->has_publish = type == HWP_T_PUBLISH;
	/*
	 * The slot now, while the type and the channel (at offset 8 in
	 * every type Herald accepts) are at hand: a datagram is steered by
	 * its first frame. Wasted only on a datagram dropped later.
	 */
	chan = load_raw64(h + HWP_PUBLISH_OFF_CHANNEL);
	if (type == HWP_T_HEARTBEAT && chan == 0)
		di->slot = HERALD_XDP_CTL_SLOT;
	else
		di->slot = hwp_slot(bpf_be64_to_cpu(chan));
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
	/* Aligned: the stack is read in 32-bit and 64-bit words. */
	__u8 buf[HWP_MIN_FRAME_LEN] __attribute__((aligned(8)));
	__u32 rem = w->plen - w->off;
	__u16 flen = 0;
	__u8 type = 0;
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
	err = check_header(buf, rem, &flen, &type);
	if (err != HX_OK)
		goto fail;
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
	struct walk_ctx w;
	__u16 flen = 0;
	int err;

	if (plen == 0)
		return HERALD_XDP_C_EMPTY;
	err = check_first_frame(pl, data_end, plen, &flen, di);
	if (err != HX_OK)
		return err;
	/* One frame, the common case: no loop to set up. */
	if (hx_likely(flen == plen))
		return HX_OK;
	w.xdp = ctx;
	w.base = base;
	w.off = flen;
	w.plen = plen;
	w.err = HX_OK;
	w.has_publish = 0;
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

/* Counts a valid datagram on slot *idx and applies the slot's target. */
static __always_inline int
steer(struct xdp_md *ctx, __u32 *idx, __u8 *data, void *data_end, __u32 *cnt)
{
	struct iphdr *iph = (struct iphdr *)(data + sizeof(struct ethhdr));
	struct udphdr *udp = (struct udphdr *)(iph + 1);
	struct herald_xdp_slot_stats *st;
	struct herald_xdp_tgt *tgt;
	int act;

	st = bpf_map_lookup_elem(&hx_slot_stats, idx);
	if (st != NULL) {
		st->packets++;
		st->bytes += (__u8 *)data_end - data;
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
		return forward_to_node(data, iph, udp, tgt, cnt);
	return verdict(cnt, HERALD_XDP_C_SLOT_PASS, XDP_PASS);
}

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
 * IPv4 whose first byte is not 0x45: a bad version or IHL, or options
 * (IHL > 5), a shape Herald's traffic never has: the UDP header at a
 * variable offset, and a drop if it is Herald's.
 */
static __always_inline int
ipv4_not_plain(const struct herald_xdp_cfg *cfg, struct iphdr *iph,
	       void *data_end, __u32 *cnt)
{
	struct udphdr *udp;

	if (iph->version != 4 || iph->ihl < 5)
		return verdict(cnt, HERALD_XDP_C_BAD_IP_HEADER, XDP_DROP);
	if (not_udp_head(iph))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);
	udp = (void *)iph + iph->ihl * 4;
	if ((void *)udp > data_end)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_IP, XDP_DROP);
	if ((void *)(udp + 1) > data_end)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_UDP, XDP_DROP);
	if (!to_herald(cfg, iph, udp))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);
	return verdict(cnt, HERALD_XDP_C_IP_OPTIONS, XDP_DROP);
}

/* The verdict on one packet; *cnt is set to the counter it goes to. */
static __always_inline int
filter(struct xdp_md *ctx, __u32 *cnt)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *data = (void *)(long)ctx->data;
	struct dgram_info di = {0};
	struct herald_xdp_cfg *cfg;
	struct iphdr *iph;
	struct udphdr *udp;
	__u32 zero = 0;
	__u32 tot_len, udp_len, idx;
	int err;

	cfg = bpf_map_lookup_elem(&hx_config, &zero);
	if (cfg == NULL || cfg->port == 0)
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	if ((void *)(data + sizeof(struct ethhdr)) > data_end)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_ETH, XDP_DROP);
	/* struct ethhdr is packed: read h_proto as one 16-bit word. */
	if (load_raw16(data + offsetof(struct ethhdr, h_proto)) !=
	    bpf_htons(ETH_P_IP))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	iph = (struct iphdr *)(data + sizeof(struct ethhdr));
	if ((void *)(iph + 1) > data_end)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_IP, XDP_DROP);
	/* Version 4 without options, the common case, in one compare. */
	if (hx_unlikely(*(__u8 *)iph != IP_VIHL_PLAIN))
		return ipv4_not_plain(cfg, iph, data_end, cnt);
	if (not_udp_head(iph))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	/* No options: the UDP header is at a constant offset. */
	udp = (struct udphdr *)(iph + 1);
	if ((void *)(udp + 1) > data_end)
		return verdict(cnt, HERALD_XDP_C_TRUNCATED_UDP, XDP_DROP);
	if (!to_herald(cfg, iph, udp))
		return verdict(cnt, HERALD_XDP_C_PASSED_OTHER, XDP_PASS);

	/* Herald's traffic from here on: the codec's rules apply. */
	if ((iph->frag_off & bpf_htons(IP_MF)) != 0)
		return verdict(cnt, HERALD_XDP_C_IP_FRAGMENT, XDP_DROP);
	if (!ipv4_csum_ok(iph))
		return verdict(cnt, HERALD_XDP_C_BAD_IP_CHECKSUM, XDP_DROP);
	/* Ethernet may pad a short frame: tot_len, not data_end, ends it. */
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len < sizeof(*iph) + sizeof(*udp) ||
	    tot_len > sizeof(*iph) + sizeof(*udp) + HX_MAX_PAYLOAD ||
	    (void *)iph + tot_len > data_end)
		return verdict(cnt, HERALD_XDP_C_BAD_IP_LENGTH, XDP_DROP);
	udp_len = bpf_ntohs(udp->len);
	if (udp_len != tot_len - sizeof(*iph))
		return verdict(cnt, HERALD_XDP_C_BAD_UDP_LENGTH, XDP_DROP);

	err = check_datagram(ctx, (__u8 *)(udp + 1), data_end,
			     sizeof(struct ethhdr) + sizeof(*iph) +
				     sizeof(*udp),
			     udp_len - sizeof(*udp), &di);
	if (err != HX_OK)
		return verdict(cnt, err, XDP_DROP);
	/* On the stack, as the slot maps' key. */
	idx = di.slot;
	/* Last, as the only costly lookup: only for a PUBLISH. */
	if (di.has_publish && !publisher_allowed(cfg, iph->saddr))
		return verdict(cnt, HERALD_XDP_C_PUBLISHER_NOT_ALLOWED,
			       XDP_DROP);
	return steer(ctx, &idx, data, data_end, cnt);
}

SEC("xdp")
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
