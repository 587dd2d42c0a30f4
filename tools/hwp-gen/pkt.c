/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: Ethernet, IPv4 and UDP header building and checksums, plus
 * small endpoint helpers.
 *
 * Headers are written byte by byte in network order (no struct casts),
 * so the builder has no alignment or endianness assumptions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

#define IP4_TTL	     64
#define IP4_DF	     0x4000
#define IPPROTO_UDP_ 17
#define ETH_P_IPV4   0x0800

void
gen_err(const char *fmt, ...)
{
	va_list ap;

	fputs("hwp-gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
gen_endpoint_nth(const struct gen_endpoint *base, uint32_t i,
		 struct gen_endpoint *out)
{
	uint64_t mac = 0;
	int k;

	for (k = 0; k < 6; k++)
		mac = mac << 8 | base->mac[k];
	mac += i;
	for (k = 5; k >= 0; k--) {
		out->mac[k] = (uint8_t)mac;
		mac >>= 8;
	}
	out->ip = base->ip + i;
	out->port = base->port;
}

const char *
gen_ip_str(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

const char *
gen_mac_str(const uint8_t mac[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

/* One's-complement sum of 16-bit big-endian words (RFC 1071). */
uint32_t
gen_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	/* Fold early so long buffers cannot overflow 32 bits. */
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t
gen_csum_fold(uint32_t sum)
{
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t
gen_put_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
	    uint16_t ethertype)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	hwp_put16(buf + 12, ethertype);
	return GEN_ETH_HLEN;
}

void
gen_ip4_recsum(uint8_t *ip)
{
	size_t hlen = (size_t)(ip[0] & 0x0f) * 4;

	hwp_put16(ip + 10, 0);
	hwp_put16(ip + 10, gen_csum_fold(gen_csum_add(0, ip, hlen)));
}

size_t
gen_put_ip4(uint8_t *buf, const struct gen_ip4 *ip, size_t l4_len)
{
	size_t hlen = GEN_IP4_HLEN + ip->opt_len;

	buf[0] = (uint8_t)(0x40 | (hlen / 4));
	buf[1] = 0; /* DSCP/ECN */
	hwp_put16(buf + 2, (uint16_t)(hlen + l4_len));
	hwp_put16(buf + 4, ip->id);
	hwp_put16(buf + 6, ip->frag);
	buf[8] = IP4_TTL;
	buf[9] = ip->proto;
	hwp_put32(buf + 12, ip->src);
	hwp_put32(buf + 16, ip->dst);
	if (ip->opt_len > 0)
		memcpy(buf + GEN_IP4_HLEN, ip->opt, ip->opt_len);
	gen_ip4_recsum(buf);
	return hlen;
}

uint16_t
gen_udp4_csum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t udp_len)
{
	uint8_t pseudo[12];
	uint32_t sum;
	uint16_t csum;

	hwp_put32(pseudo, src);
	hwp_put32(pseudo + 4, dst);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP_;
	hwp_put16(pseudo + 10, (uint16_t)udp_len);
	sum = gen_csum_add(0, pseudo, sizeof(pseudo));
	sum = gen_csum_add(sum, udp, udp_len);
	csum = gen_csum_fold(sum);
	/* 0 means "no checksum" in UDP over IPv4: send its other form. */
	return csum == 0 ? 0xffff : csum;
}

size_t
gen_build_udp4(uint8_t *buf, const struct gen_endpoint *src,
	       const struct gen_endpoint *dst, uint16_t ip_id,
	       const uint8_t *payload, size_t len)
{
	struct gen_ip4 ip = {
		.src = src->ip,
		.dst = dst->ip,
		.proto = IPPROTO_UDP_,
		.id = ip_id,
		.frag = IP4_DF,
	};
	size_t udp_len = GEN_UDP_HLEN + len;
	uint8_t *udp;
	size_t off;

	off = gen_put_eth(buf, dst->mac, src->mac, ETH_P_IPV4);
	off += gen_put_ip4(buf + off, &ip, udp_len);
	udp = buf + off;
	hwp_put16(udp, src->port);
	hwp_put16(udp + 2, dst->port);
	hwp_put16(udp + 4, (uint16_t)udp_len);
	hwp_put16(udp + 6, 0);
	/* memmove: callers may build the payload in place after the headers */
	if (len > 0)
		memmove(udp + GEN_UDP_HLEN, payload, len);
	hwp_put16(udp + 6, gen_udp4_csum(src->ip, dst->ip, udp, udp_len));
	return off + udp_len;
}
