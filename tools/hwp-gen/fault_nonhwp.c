/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: the malformed kinds that are not HWP. They carry a valid
 * PUBLISH wherever they carry UDP, so only the property they are named
 * after keeps them from being HWP traffic: another port, protocol or IP
 * version, IPv4 options, fragments, a bad IPv4 checksum, ARP, and
 * (revision 2) a source Herald could not answer.
 */
#include <string.h>

#include "fault.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_ARP  0x0806
#define ETH_P_IPV6 0x86dd
#define IP4_DF	   0x4000
#define IP4_MF	   0x2000
#define PROTO_ICMP 1
#define PROTO_TCP  6
#define PROTO_UDP  17

static const char *const nonhwp_str[NH__COUNT] = {
	[NH_NOT_UDP] = "not_udp",
	[NH_NOT_IPV4] = "not_ipv4",
	[NH_OTHER_PORT] = "other_port",
	[NH_IP_OPTIONS] = "ip_options",
	[NH_IP_FRAGMENT] = "ip_fragment",
	[NH_BAD_IP_CHECKSUM] = "bad_ip_checksum",
	[NH_ARP] = "arp",
	[NH_SOURCE_MAC_GROUP] = "source_mac_group",
	[NH_SOURCE_IP_NOT_UNICAST] = "source_ip_not_unicast",
	[NH_SOURCE_IP_OWN] = "source_ip_own",
	[NH_SOURCE_PORT_ZERO] = "source_port_zero",
};

const char *
fault_nonhwp_str(unsigned int nh)
{
	return nh < NH__COUNT ? nonhwp_str[nh] : "unknown";
}

static int
f_other_port(struct fault_env *e)
{
	struct gen_endpoint dst = e->g->o->herald;
	size_t n = fault_pub_frame(e, 16);
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
	size_t n = fault_pub_frame(e, 64);
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
	size_t n = fault_pub_frame(e, 16);
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

/*
 * Revision 2: sources Herald could not answer are not HWP. Each kind is
 * the publisher's valid PUBLISH datagram to Herald's address and port
 * with one source field replaced, headers and checksums recomputed for
 * it, so the source is the datagram's only fault.
 */

static int
send_pub_from(struct fault_env *e, const struct gen_endpoint *src)
{
	size_t n = fault_pub_frame(e, 16);

	return gen_emit_to_herald(e->g, src, e->buf, n);
}

static int
source_mac(struct fault_env *e, const uint8_t mac[6])
{
	struct gen_endpoint src = e->pub;

	memcpy(src.mac, mac, sizeof(src.mac));
	return send_pub_from(e, &src);
}

static int
f_src_mac_broadcast(struct fault_env *e)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	return source_mac(e, bcast);
}

/* The all-hosts group's MAC: only the group bit differs from unicast. */
static int
f_src_mac_multicast(struct fault_env *e)
{
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

	return source_mac(e, mcast);
}

static int
source_ip(struct fault_env *e, uint32_t ip)
{
	struct gen_endpoint src = e->pub;

	src.ip = ip;
	return send_pub_from(e, &src);
}

static int
f_src_ip_zero_net(struct fault_env *e)
{
	return source_ip(e, 0x00000001); /* 0.0.0.1: "this network" */
}

static int
f_src_ip_loopback(struct fault_env *e)
{
	return source_ip(e, 0x7f000001); /* 127.0.0.1 */
}

static int
f_src_ip_multicast(struct fault_env *e)
{
	return source_ip(e, 0xe0000001); /* 224.0.0.1 */
}

/* 240/4 is not multicast but still "224.0.0.0/4 and above". */
static int
f_src_ip_reserved(struct fault_env *e)
{
	return source_ip(e, 0xf0000001); /* 240.0.0.1 */
}

static int
f_src_ip_broadcast(struct fault_env *e)
{
	return source_ip(e, 0xffffffff); /* the limited broadcast */
}

static int
f_src_ip_own(struct fault_env *e)
{
	return source_ip(e, e->g->o->herald.ip);
}

static int
f_src_port_zero(struct fault_env *e)
{
	struct gen_endpoint src = e->pub;

	src.port = 0;
	return send_pub_from(e, &src);
}

const struct fault_def fault_nonhwp_defs[] = {
	FAULT_NONHWP("udp_other_port", NH_OTHER_PORT, f_other_port),
	FAULT_NONHWP("arp_request", NH_ARP, f_arp),
	FAULT_NONHWP("ipv6_udp", NH_NOT_IPV4, f_ipv6),
	FAULT_NONHWP("ipv4_options", NH_IP_OPTIONS, f_ip_options),
	FAULT_NONHWP("ip_fragment_first", NH_IP_FRAGMENT, f_frag_first),
	FAULT_NONHWP("ip_fragment_last", NH_IP_FRAGMENT, f_frag_last),
	FAULT_NONHWP("bad_ip_checksum", NH_BAD_IP_CHECKSUM, f_bad_ip_csum),
	FAULT_NONHWP("icmp_echo", NH_NOT_UDP, f_icmp),
	FAULT_NONHWP("tcp_syn", NH_NOT_UDP, f_tcp),
	FAULT_NONHWP("source_mac_broadcast", NH_SOURCE_MAC_GROUP,
		     f_src_mac_broadcast),
	FAULT_NONHWP("source_mac_multicast", NH_SOURCE_MAC_GROUP,
		     f_src_mac_multicast),
	FAULT_NONHWP("source_ip_zero_net", NH_SOURCE_IP_NOT_UNICAST,
		     f_src_ip_zero_net),
	FAULT_NONHWP("source_ip_loopback", NH_SOURCE_IP_NOT_UNICAST,
		     f_src_ip_loopback),
	FAULT_NONHWP("source_ip_multicast", NH_SOURCE_IP_NOT_UNICAST,
		     f_src_ip_multicast),
	FAULT_NONHWP("source_ip_reserved", NH_SOURCE_IP_NOT_UNICAST,
		     f_src_ip_reserved),
	FAULT_NONHWP("source_ip_broadcast", NH_SOURCE_IP_NOT_UNICAST,
		     f_src_ip_broadcast),
	FAULT_NONHWP("source_ip_own", NH_SOURCE_IP_OWN, f_src_ip_own),
	FAULT_NONHWP("source_port_zero", NH_SOURCE_PORT_ZERO, f_src_port_zero),
};

const unsigned int fault_nonhwp_count =
	sizeof(fault_nonhwp_defs) / sizeof(fault_nonhwp_defs[0]);
