/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: malformed mode, one packet per fault kind.
 *
 * Each HWP kind starts from a valid frame (valid token included) and
 * breaks exactly one rule of PROTOCOL section 4, so the codec must
 * report exactly the reason listed here. The non-HWP kinds carry a
 * valid PUBLISH wherever they carry UDP, so only the property they are
 * named after keeps them from being HWP traffic.
 */
#include <string.h>

#include "gen.h"
#include "hwp_token.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_ARP  0x0806
#define ETH_P_IPV6 0x86dd
#define IP4_DF	   0x4000
#define IP4_MF	   0x2000
#define PROTO_ICMP 1
#define PROTO_TCP  6
#define PROTO_UDP  17

/* Reasons of the non-HWP kinds, after the codec's in the totals. */
enum nonhwp {
	NH_NOT_UDP,
	NH_NOT_IPV4,
	NH_OTHER_PORT,
	NH_IP_OPTIONS,
	NH_IP_FRAGMENT,
	NH_BAD_IP_CHECKSUM,
	NH_ARP,
	NH__COUNT
};

static const char *const nonhwp_str[NH__COUNT] = {
	[NH_NOT_UDP] = "not_udp",
	[NH_NOT_IPV4] = "not_ipv4",
	[NH_OTHER_PORT] = "other_port",
	[NH_IP_OPTIONS] = "ip_options",
	[NH_IP_FRAGMENT] = "ip_fragment",
	[NH_BAD_IP_CHECKSUM] = "bad_ip_checksum",
	[NH_ARP] = "arp",
};

/* Random but valid field values for one packet, and its senders. */
struct fault_env {
	struct gen_ctx *g;
	struct gen_endpoint pub;
	struct gen_endpoint sub;
	uint64_t channel;
	uint32_t publisher;
	uint32_t subscriber;
	uint64_t pub_seq;
	uint8_t *buf; /* UDP payload under construction */
};

typedef int (*fault_fn)(struct fault_env *e);

struct fault_def {
	const char *kind;
	bool hwp;	     /* UDP to Herald's port: the codec decides */
	unsigned int reason; /* enum hwp_err if hwp, else enum nonhwp */
	fault_fn fn;
};

/* Valid frames. */

static size_t
pub_frame_at(struct fault_env *e, uint8_t *at, uint64_t channel,
	     uint32_t publisher, uint64_t seq, size_t plen, uint8_t flags)
{
	const struct gen_opts *o = e->g->o;
	struct hwp_publish f = {
		.channel = channel,
		.publisher = publisher,
		.pub_seq = seq,
	};
	uint8_t payload[HWP_MAX_PAYLOAD];

	gen_payload_fill(payload, plen, o->seed, channel, publisher, seq);
	return (size_t)hwp_encode_publish(at, HWP_MAX_FRAME_LEN, flags, &f,
					  payload, plen);
}

static size_t
pub_frame(struct fault_env *e, size_t plen)
{
	return pub_frame_at(e, e->buf, e->channel, e->publisher, e->pub_seq,
			    plen, 0);
}

static size_t
sub_frame_at(struct fault_env *e, uint8_t *at, uint8_t type, uint64_t channel,
	     uint32_t subscriber)
{
	const struct gen_opts *o = e->g->o;
	struct hwp_subscribe f = {
		.channel = channel,
		.subscriber = subscriber,
		.expires = 4102444800ULL,
	};

	hwp_token_compute(o->key, o->key_len, channel, subscriber, f.expires,
			  e->sub.ip, e->sub.port, f.token);
	if (type == HWP_T_UNSUBSCRIBE)
		return (size_t)hwp_encode_unsubscribe(at, HWP_SUBSCRIBE_LEN,
						      &f);
	return (size_t)hwp_encode_subscribe(at, HWP_SUBSCRIBE_LEN, &f);
}

static size_t
hb_frame(uint8_t *at, uint32_t subscriber)
{
	struct hwp_heartbeat f = {.subscriber = subscriber};

	return (size_t)hwp_encode_heartbeat(at, HWP_HEARTBEAT_LEN, &f);
}

static size_t
nack_frame(struct fault_env *e, uint64_t channel, uint32_t count,
	   uint32_t subscriber)
{
	struct hwp_nack f = {
		.channel = channel,
		.from_seq = e->pub_seq,
		.count = count,
		.subscriber = subscriber,
	};

	return (size_t)hwp_encode_nack(e->buf, HWP_NACK_LEN, &f);
}

static int
send_pub(struct fault_env *e, size_t len)
{
	return gen_emit_to_herald(e->g, &e->pub, e->buf, len);
}

static int
send_sub(struct fault_env *e, size_t len)
{
	return gen_emit_to_herald(e->g, &e->sub, e->buf, len);
}

/* Header faults. */

static int
f_empty(struct fault_env *e)
{
	return send_pub(e, 0);
}

static int
f_truncated(struct fault_env *e)
{
	pub_frame(e, 0);
	return send_pub(e, 5);
}

static int
f_trailing(struct fault_env *e)
{
	size_t n = pub_frame(e, 16);

	/* The start of a second header: magic, version, type, then nothing. */
	hwp_put16(e->buf + n, HWP_MAGIC);
	e->buf[n + 2] = HWP_VERSION;
	e->buf[n + 3] = HWP_T_PUBLISH;
	return send_pub(e, n + 4);
}

static int
f_bad_magic(struct fault_env *e)
{
	size_t n = pub_frame(e, 16);

	hwp_put16(e->buf + HWP_OFF_MAGIC, 0x5248); /* "RH": byte-swapped */
	return send_pub(e, n);
}

static int
set_byte_pub(struct fault_env *e, unsigned int off, uint8_t v)
{
	size_t n = pub_frame(e, 16);

	e->buf[off] = v;
	return send_pub(e, n);
}

static int
f_version0(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_VERSION, 0);
}

static int
f_version2(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_VERSION, 2);
}

static int
f_type0(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_TYPE, 0);
}

static int
f_type10(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_TYPE, HWP_T_MAX + 1);
}

static int
f_type255(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_TYPE, 0xff);
}

static int
f_flags_bit2(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_FLAGS, 0x04);
}

static int
f_flags_bit7_sub(struct fault_env *e)
{
	size_t n = sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, e->channel,
				e->subscriber);

	e->buf[HWP_OFF_FLAGS] = 0x80;
	return send_sub(e, n);
}

static int
f_reserved_hdr(struct fault_env *e)
{
	size_t n = hb_frame(e->buf, e->subscriber);

	e->buf[HWP_OFF_RESERVED] = 1;
	return send_sub(e, n);
}

/* Wrong direction: frames only Herald sends, otherwise valid. */

static int
f_dir_deliver(struct fault_env *e)
{
	struct hwp_deliver f = {
		.channel = e->channel,
		.seq = e->pub_seq,
		.epoch = 0x1234567,
		.publisher = e->publisher,
		.timestamp = 1700000000000000000ULL,
	};
	uint8_t payload[16] = {0};
	int n = hwp_encode_deliver(e->buf, HWP_MAX_FRAME_LEN, 0, &f, payload,
				   sizeof(payload));

	return send_sub(e, (size_t)n);
}

static int
f_dir_puback(struct fault_env *e)
{
	struct hwp_puback f = {
		.publisher = e->publisher,
		.epoch = 0x1234567,
		.acked_seq = e->pub_seq,
		.credit = 64,
	};

	return send_pub(e,
			(size_t)hwp_encode_puback(e->buf, HWP_PUBACK_LEN, &f));
}

static int
f_dir_suback(struct fault_env *e)
{
	struct hwp_suback f = {
		.channel = e->channel,
		.subscriber = e->subscriber,
		.status = HWP_SUBACK_OK,
		.next_seq = e->pub_seq,
		.epoch = 0x1234567,
	};

	return send_sub(e,
			(size_t)hwp_encode_suback(e->buf, HWP_SUBACK_LEN, &f));
}

static int
f_dir_gap(struct fault_env *e)
{
	struct hwp_gap f = {
		.channel = e->channel,
		.from_seq = e->pub_seq,
		.count = 3,
		.epoch = 0x1234567,
	};

	return send_sub(e, (size_t)hwp_encode_gap(e->buf, HWP_GAP_LEN, &f));
}

/* Field faults. */

static int
f_reserved_pub(struct fault_env *e)
{
	size_t n = pub_frame(e, 16);

	hwp_put32(e->buf + HWP_PUBLISH_OFF_RESERVED, 0x00000100);
	return send_pub(e, n);
}

static int
f_reserved_sub(struct fault_env *e)
{
	size_t n = sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, e->channel,
				e->subscriber);

	hwp_put32(e->buf + HWP_SUBSCRIBE_OFF_RESERVED, 1);
	return send_sub(e, n);
}

static int
f_len_short(struct fault_env *e)
{
	size_t n = pub_frame(e, 0);

	hwp_put16(e->buf + HWP_OFF_LENGTH, HWP_PUBLISH_LEN - 1);
	return send_pub(e, n);
}

static int
f_len_zero(struct fault_env *e)
{
	size_t n = hb_frame(e->buf, e->subscriber);

	hwp_put16(e->buf + HWP_OFF_LENGTH, 0);
	return send_sub(e, n);
}

static int
f_len_payload_over(struct fault_env *e)
{
	/* Encoders refuse 1401 bytes: build 1400, then grow by one. */
	size_t n = pub_frame(e, HWP_MAX_PAYLOAD);

	e->buf[n] = 0x5a;
	n++;
	hwp_put16(e->buf + HWP_OFF_LENGTH, (uint16_t)n);
	return send_pub(e, n);
}

static int
f_len_sub_payload(struct fault_env *e)
{
	size_t n = sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, e->channel,
				e->subscriber);

	memset(e->buf + n, 0, 8);
	n += 8;
	hwp_put16(e->buf + HWP_OFF_LENGTH, (uint16_t)n);
	return send_sub(e, n);
}

static int
f_len_nack_short(struct fault_env *e)
{
	size_t n = nack_frame(e, e->channel, 1, e->subscriber);

	hwp_put16(e->buf + HWP_OFF_LENGTH, HWP_NACK_LEN - 4);
	return send_sub(e, n);
}

static int
f_overrun(struct fault_env *e)
{
	size_t n = pub_frame(e, 100);

	return send_pub(e, n - 40);
}

static int
f_overrun_second(struct fault_env *e)
{
	size_t n = pub_frame(e, 16);

	n += pub_frame_at(e, e->buf + n, e->channel, e->publisher,
			  e->pub_seq + 1, 64, 0);
	return send_pub(e, n - 56);
}

static int
f_zero_chan_pub(struct fault_env *e)
{
	return send_pub(
		e, pub_frame_at(e, e->buf, 0, e->publisher, e->pub_seq, 16, 0));
}

static int
f_zero_chan_sub(struct fault_env *e)
{
	return send_sub(
		e, sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, 0, e->subscriber));
}

static int
f_zero_chan_unsub(struct fault_env *e)
{
	return send_sub(e, sub_frame_at(e, e->buf, HWP_T_UNSUBSCRIBE, 0,
					e->subscriber));
}

static int
f_zero_chan_nack(struct fault_env *e)
{
	return send_sub(e, nack_frame(e, 0, 1, e->subscriber));
}

static int
f_zero_publisher(struct fault_env *e)
{
	return send_pub(
		e, pub_frame_at(e, e->buf, e->channel, 0, e->pub_seq, 16, 0));
}

static int
f_zero_sub_sub(struct fault_env *e)
{
	return send_sub(
		e, sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, e->channel, 0));
}

static int
f_zero_sub_unsub(struct fault_env *e)
{
	return send_sub(
		e, sub_frame_at(e, e->buf, HWP_T_UNSUBSCRIBE, e->channel, 0));
}

static int
f_zero_sub_hb(struct fault_env *e)
{
	return send_sub(e, hb_frame(e->buf, 0));
}

static int
f_zero_sub_nack(struct fault_env *e)
{
	return send_sub(e, nack_frame(e, e->channel, 1, 0));
}

static int
f_zero_pub_seq(struct fault_env *e)
{
	return send_pub(e, pub_frame_at(e, e->buf, e->channel, e->publisher, 0,
					16, HWP_F_START));
}

static int
f_nack_count0(struct fault_env *e)
{
	return send_sub(e, nack_frame(e, e->channel, 0, e->subscriber));
}

static int
f_nack_count_over(struct fault_env *e)
{
	return send_sub(e, nack_frame(e, e->channel, HWP_NACK_MAX_COUNT + 1,
				      e->subscriber));
}

/* Multi-frame datagrams: valid frames around one bad one. */

static int
f_multi_middle(struct fault_env *e)
{
	size_t n = pub_frame(e, 16);

	n += pub_frame_at(e, e->buf + n, 0, e->publisher, e->pub_seq + 1, 16,
			  0);
	n += pub_frame_at(e, e->buf + n, e->channel, e->publisher,
			  e->pub_seq + 2, 16, 0);
	return send_pub(e, n);
}

static int
f_multi_last(struct fault_env *e)
{
	size_t n = sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, e->channel,
				e->subscriber);
	size_t bad;

	n += sub_frame_at(e, e->buf + n, HWP_T_SUBSCRIBE, e->channel + 1,
			  e->subscriber);
	bad = n;
	n += hb_frame(e->buf + n, e->subscriber);
	hwp_put16(e->buf + bad + HWP_OFF_MAGIC, 0x4853);
	return send_sub(e, n);
}

static int
f_multi_direction(struct fault_env *e)
{
	struct hwp_gap gap = {
		.channel = e->channel,
		.from_seq = e->pub_seq,
		.count = 1,
		.epoch = 7,
	};
	size_t n = hb_frame(e->buf, e->subscriber);

	n += (size_t)hwp_encode_gap(e->buf + n, HWP_GAP_LEN, &gap);
	return send_sub(e, n);
}

/* Non-HWP packets. */

static int
f_other_port(struct fault_env *e)
{
	struct gen_endpoint dst = e->g->o->herald;
	size_t n = pub_frame(e, 16);
	size_t flen;

	dst.port = dst.port == 65535 ? 65534 : dst.port + 1;
	flen = gen_build_udp4(e->g->pkt, &e->pub, &dst, e->g->ip_id++, e->buf,
			      n);
	return gen_emit(e->g, e->g->pkt, flen);
}

/* IPv4 packet of any protocol from the publisher to Herald. */
static size_t
ip4_packet(struct fault_env *e, uint8_t proto, uint16_t frag,
	   const uint8_t *opt, size_t opt_len, size_t l4_len)
{
	const struct gen_opts *o = e->g->o;
	struct gen_ip4 ip = {
		.src = e->pub.ip,
		.dst = o->herald.ip,
		.proto = proto,
		.id = e->g->ip_id++,
		.frag = frag,
		.opt = opt,
		.opt_len = opt_len,
	};
	size_t off =
		gen_put_eth(e->g->pkt, o->herald.mac, e->pub.mac, ETH_P_IPV4);

	return off + gen_put_ip4(e->g->pkt + off, &ip, l4_len);
}

/* UDP header + valid PUBLISH for Herald at udp; returns UDP length. */
static size_t
udp_publish(struct fault_env *e, uint8_t *udp, uint32_t src_ip, uint32_t dst_ip,
	    bool v4)
{
	size_t n = pub_frame(e, 64);
	size_t ulen = GEN_UDP_HLEN + n;

	hwp_put16(udp, e->pub.port);
	hwp_put16(udp + 2, e->g->o->herald.port);
	hwp_put16(udp + 4, (uint16_t)ulen);
	hwp_put16(udp + 6, 0);
	memcpy(udp + GEN_UDP_HLEN, e->buf, n);
	if (v4)
		hwp_put16(udp + 6, gen_udp4_csum(src_ip, dst_ip, udp, ulen));
	return ulen;
}

static int
f_ip_options(struct fault_env *e)
{
	/* Router Alert (RFC 2113): a common, harmless 4-byte option. */
	static const uint8_t ra[4] = {0x94, 0x04, 0x00, 0x00};
	uint8_t *udp = e->g->pkt + GEN_ETH_HLEN + GEN_IP4_HLEN + sizeof(ra);
	size_t ulen = udp_publish(e, udp, e->pub.ip, e->g->o->herald.ip, true);
	size_t hl = ip4_packet(e, PROTO_UDP, IP4_DF, ra, sizeof(ra), ulen);

	return gen_emit(e->g, e->g->pkt, hl + ulen);
}

/*
 * Fragments of one UDP datagram carrying a valid PUBLISH: the first
 * (MF, offset 0) or the rest (offset 48 bytes, no MF). DF is clear, as
 * on any fragment.
 */
static int
fragment(struct fault_env *e, bool first)
{
	uint8_t *whole = e->g->dgram + 2048;
	size_t ulen =
		udp_publish(e, whole, e->pub.ip, e->g->o->herald.ip, true);
	const size_t cut = 48;
	size_t part = first ? cut : ulen - cut;
	size_t hl =
		ip4_packet(e, PROTO_UDP, first ? IP4_MF : (uint16_t)(cut / 8),
			   NULL, 0, part);

	memcpy(e->g->pkt + hl, whole + (first ? 0 : cut), part);
	return gen_emit(e->g, e->g->pkt, hl + part);
}

static int
f_frag_first(struct fault_env *e)
{
	return fragment(e, true);
}

static int
f_frag_last(struct fault_env *e)
{
	return fragment(e, false);
}

static int
f_bad_ip_csum(struct fault_env *e)
{
	size_t n = pub_frame(e, 16);
	size_t flen = gen_build_udp4(e->g->pkt, &e->pub, &e->g->o->herald,
				     e->g->ip_id++, e->buf, n);
	uint8_t *csum = e->g->pkt + GEN_ETH_HLEN + 10;

	/* +1 never lands on the other form (0/0xffff) of the same sum. */
	hwp_put16(csum, (uint16_t)(hwp_get16(csum) + 1));
	return gen_emit(e->g, e->g->pkt, flen);
}

static int
f_icmp(struct fault_env *e)
{
	uint8_t *icmp = e->g->pkt + GEN_ETH_HLEN + GEN_IP4_HLEN;
	const size_t len = 8 + 32;
	size_t hl, i;

	icmp[0] = 8; /* echo request */
	icmp[1] = 0;
	hwp_put16(icmp + 2, 0);
	hwp_put16(icmp + 4, (uint16_t)e->publisher);
	hwp_put16(icmp + 6, (uint16_t)e->pub_seq);
	for (i = 8; i < len; i++)
		icmp[i] = (uint8_t)i;
	hwp_put16(icmp + 2, gen_csum_fold(gen_csum_add(0, icmp, len)));
	hl = ip4_packet(e, PROTO_ICMP, IP4_DF, NULL, 0, len);
	return gen_emit(e->g, e->g->pkt, hl + len);
}

static int
f_tcp(struct fault_env *e)
{
	const struct gen_opts *o = e->g->o;
	uint8_t *tcp = e->g->pkt + GEN_ETH_HLEN + GEN_IP4_HLEN;
	uint8_t pseudo[12];
	uint32_t sum;
	size_t hl;

	memset(tcp, 0, 20);
	hwp_put16(tcp, e->pub.port);
	hwp_put16(tcp + 2, o->herald.port); /* TCP to Herald's UDP port */
	hwp_put32(tcp + 4, (uint32_t)e->pub_seq);
	tcp[12] = 5 << 4; /* data offset: 20 bytes */
	tcp[13] = 0x02;	  /* SYN */
	hwp_put16(tcp + 14, 65535);
	hwp_put32(pseudo, e->pub.ip);
	hwp_put32(pseudo + 4, o->herald.ip);
	pseudo[8] = 0;
	pseudo[9] = PROTO_TCP;
	hwp_put16(pseudo + 10, 20);
	sum = gen_csum_add(gen_csum_add(0, pseudo, 12), tcp, 20);
	hwp_put16(tcp + 16, gen_csum_fold(sum));
	hl = ip4_packet(e, PROTO_TCP, IP4_DF, NULL, 0, 20);
	return gen_emit(e->g, e->g->pkt, hl + 20);
}

static int
f_arp(struct fault_env *e)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t *p = e->g->pkt;
	size_t off = gen_put_eth(p, bcast, e->pub.mac, ETH_P_ARP);

	hwp_put16(p + off, 1);		    /* Ethernet */
	hwp_put16(p + off + 2, ETH_P_IPV4); /* IPv4 */
	p[off + 4] = 6;
	p[off + 5] = 4;
	hwp_put16(p + off + 6, 1); /* request */
	memcpy(p + off + 8, e->pub.mac, 6);
	hwp_put32(p + off + 14, e->pub.ip);
	memset(p + off + 18, 0, 6);
	hwp_put32(p + off + 24, e->g->o->herald.ip);
	return gen_emit(e->g, p, off + 28);
}

/* 2001:db8::/96 (documentation prefix) with the IPv4 address appended. */
static void
put_ip6(uint8_t *at, uint32_t v4)
{
	memset(at, 0, 16);
	hwp_put16(at, 0x2001);
	hwp_put16(at + 2, 0x0db8);
	hwp_put32(at + 12, v4);
}

static int
f_ipv6(struct fault_env *e)
{
	const struct gen_opts *o = e->g->o;
	uint8_t *ip6 = e->g->pkt + GEN_ETH_HLEN;
	uint8_t *udp = ip6 + 40;
	uint8_t pseudo[40];
	size_t ulen;
	uint32_t sum;
	uint16_t csum;

	gen_put_eth(e->g->pkt, o->herald.mac, e->pub.mac, ETH_P_IPV6);
	ulen = udp_publish(e, udp, 0, 0, false);
	hwp_put32(ip6, 0x60000000); /* version 6, no class, no flow */
	hwp_put16(ip6 + 4, (uint16_t)ulen);
	ip6[6] = PROTO_UDP;
	ip6[7] = 64;
	put_ip6(ip6 + 8, e->pub.ip);
	put_ip6(ip6 + 24, o->herald.ip);
	/* RFC 8200 pseudo-header: addresses, length, next header. */
	memcpy(pseudo, ip6 + 8, 32);
	hwp_put32(pseudo + 32, (uint32_t)ulen);
	hwp_put32(pseudo + 36, PROTO_UDP);
	sum = gen_csum_add(gen_csum_add(0, pseudo, 40), udp, ulen);
	csum = gen_csum_fold(sum);
	hwp_put16(udp + 6, csum == 0 ? 0xffff : csum);
	return gen_emit(e->g, e->g->pkt, GEN_ETH_HLEN + 40 + ulen);
}

#define HWPF(kind, err, fn)                                                    \
	{                                                                      \
		kind, true, HWP_ERR_##err, fn                                  \
	}
#define NONH(kind, nh, fn)                                                     \
	{                                                                      \
		kind, false, nh, fn                                            \
	}

static const struct fault_def faults[] = {
	HWPF("empty_datagram", EMPTY, f_empty),
	HWPF("truncated_header", TRUNCATED, f_truncated),
	HWPF("trailing_partial_header", TRUNCATED, f_trailing),
	HWPF("bad_magic", BAD_MAGIC, f_bad_magic),
	HWPF("bad_version_0", BAD_VERSION, f_version0),
	HWPF("bad_version_2", BAD_VERSION, f_version2),
	HWPF("bad_type_0", BAD_TYPE, f_type0),
	HWPF("bad_type_10", BAD_TYPE, f_type10),
	HWPF("bad_type_255", BAD_TYPE, f_type255),
	HWPF("wrong_direction_deliver", WRONG_DIRECTION, f_dir_deliver),
	HWPF("wrong_direction_puback", WRONG_DIRECTION, f_dir_puback),
	HWPF("wrong_direction_suback", WRONG_DIRECTION, f_dir_suback),
	HWPF("wrong_direction_gap", WRONG_DIRECTION, f_dir_gap),
	HWPF("bad_flags_publish_bit2", BAD_FLAGS, f_flags_bit2),
	HWPF("bad_flags_subscribe_bit7", BAD_FLAGS, f_flags_bit7_sub),
	HWPF("reserved_header_heartbeat", RESERVED_NONZERO, f_reserved_hdr),
	HWPF("reserved_publish", RESERVED_NONZERO, f_reserved_pub),
	HWPF("reserved_subscribe", RESERVED_NONZERO, f_reserved_sub),
	HWPF("bad_length_publish_short", BAD_LENGTH, f_len_short),
	HWPF("bad_length_heartbeat_zero", BAD_LENGTH, f_len_zero),
	HWPF("bad_length_publish_payload_1401", BAD_LENGTH, f_len_payload_over),
	HWPF("bad_length_subscribe_payload", BAD_LENGTH, f_len_sub_payload),
	HWPF("bad_length_nack_short", BAD_LENGTH, f_len_nack_short),
	HWPF("length_overrun", LENGTH_OVERRUN, f_overrun),
	HWPF("length_overrun_second_frame", LENGTH_OVERRUN, f_overrun_second),
	HWPF("zero_channel_publish", ZERO_CHANNEL, f_zero_chan_pub),
	HWPF("zero_channel_subscribe", ZERO_CHANNEL, f_zero_chan_sub),
	HWPF("zero_channel_unsubscribe", ZERO_CHANNEL, f_zero_chan_unsub),
	HWPF("zero_channel_nack", ZERO_CHANNEL, f_zero_chan_nack),
	HWPF("zero_publisher", ZERO_PUBLISHER, f_zero_publisher),
	HWPF("zero_subscriber_subscribe", ZERO_SUBSCRIBER, f_zero_sub_sub),
	HWPF("zero_subscriber_unsubscribe", ZERO_SUBSCRIBER, f_zero_sub_unsub),
	HWPF("zero_subscriber_heartbeat", ZERO_SUBSCRIBER, f_zero_sub_hb),
	HWPF("zero_subscriber_nack", ZERO_SUBSCRIBER, f_zero_sub_nack),
	HWPF("zero_pub_seq", ZERO_PUB_SEQ, f_zero_pub_seq),
	HWPF("bad_nack_count_0", BAD_NACK_COUNT, f_nack_count0),
	HWPF("bad_nack_count_1025", BAD_NACK_COUNT, f_nack_count_over),
	HWPF("multi_bad_middle_zero_channel", ZERO_CHANNEL, f_multi_middle),
	HWPF("multi_bad_last_magic", BAD_MAGIC, f_multi_last),
	HWPF("multi_wrong_direction_gap", WRONG_DIRECTION, f_multi_direction),
	NONH("udp_other_port", NH_OTHER_PORT, f_other_port),
	NONH("arp_request", NH_ARP, f_arp),
	NONH("ipv6_udp", NH_NOT_IPV4, f_ipv6),
	NONH("ipv4_options", NH_IP_OPTIONS, f_ip_options),
	NONH("ip_fragment_first", NH_IP_FRAGMENT, f_frag_first),
	NONH("ip_fragment_last", NH_IP_FRAGMENT, f_frag_last),
	NONH("bad_ip_checksum", NH_BAD_IP_CHECKSUM, f_bad_ip_csum),
	NONH("icmp_echo", NH_NOT_UDP, f_icmp),
	NONH("tcp_syn", NH_NOT_UDP, f_tcp),
};

#define FAULT_COUNT (sizeof(faults) / sizeof(faults[0]))

_Static_assert(HWP_ERR__COUNT + NH__COUNT <=
		       sizeof(((struct gen_fault_stats *)0)->per_reason) /
			       sizeof(uint64_t),
	       "per_reason too small");

unsigned int
gen_fault_count(void)
{
	return FAULT_COUNT;
}

static const char *
reason_str(const struct fault_def *d)
{
	return d->hwp ? hwp_err_str((enum hwp_err)d->reason)
		      : nonhwp_str[d->reason];
}

static unsigned int
reason_slot(const struct fault_def *d)
{
	return d->hwp ? d->reason : HWP_ERR__COUNT + d->reason;
}

int
gen_fault_emit(struct gen_ctx *g, unsigned int k, uint32_t round,
	       struct gen_fault_stats *st)
{
	const struct fault_def *d = &faults[k];
	const struct gen_opts *o = g->o;
	struct fault_env e = {
		.g = g,
		.buf = g->dgram,
	};

	gen_endpoint_nth(&o->pub_base, round % o->publishers, &e.pub);
	gen_endpoint_nth(&o->sub_base, round % o->subscribers, &e.sub);
	/* Values vary with the seed; small ranges keep them readable. */
	e.channel = gen_rng_range(&g->rng, 1, 1000000);
	e.publisher = (uint32_t)gen_rng_range(&g->rng, 1, 65535);
	e.subscriber = (uint32_t)gen_rng_range(&g->rng, 1, 65535);
	e.pub_seq = gen_rng_range(&g->rng, 1, 1000000);
	if (d->fn(&e) != 0)
		return -1;
	st->per_reason[reason_slot(d)]++;
	st->total++;
	gen_json_obj(&g->man, NULL, true);
	gen_json_u64(&g->man, "index", g->out.first_index + g->out.written - 1);
	gen_json_str(&g->man, "kind", d->kind);
	gen_json_str(&g->man, "reason", reason_str(d));
	gen_json_bool(&g->man, "hwp", d->hwp);
	gen_json_end(&g->man, false);
	return 0;
}

void
gen_fault_totals(struct gen_ctx *g, const struct gen_fault_stats *st,
		 uint64_t ok_count)
{
	unsigned int i;

	gen_json_obj(&g->man, "totals", false);
	if (ok_count > 0)
		gen_json_u64(&g->man, "ok", ok_count);
	for (i = 0; i < HWP_ERR__COUNT; i++)
		if (st->per_reason[i] > 0)
			gen_json_u64(&g->man, hwp_err_str((enum hwp_err)i),
				     st->per_reason[i]);
	for (i = 0; i < NH__COUNT; i++)
		if (st->per_reason[HWP_ERR__COUNT + i] > 0)
			gen_json_u64(&g->man, nonhwp_str[i],
				     st->per_reason[HWP_ERR__COUNT + i]);
	gen_json_end(&g->man, false);
	gen_json_u64(&g->man, "malformed", st->total);
}

int
gen_mode_malformed(struct gen_ctx *g)
{
	struct gen_fault_stats st;
	uint32_t rep;
	unsigned int k;

	memset(&st, 0, sizeof(st));
	gen_json_u64(&g->man, "kinds", FAULT_COUNT);
	gen_json_arr(&g->man, "packets", false);
	for (rep = 0; rep < g->o->repeat; rep++)
		for (k = 0; k < FAULT_COUNT; k++)
			if (gen_fault_emit(g, k, rep, &st) != 0)
				return -1;
	gen_json_end(&g->man, true);
	gen_fault_totals(g, &st, 0);
	return 0;
}
