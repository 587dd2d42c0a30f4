/* SPDX-License-Identifier: BSD-3-Clause
 * Test and bench helpers for the XDP program (see hx_pkt.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_xdp.h>

#include "hx_pkt.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define XSK_FRAMES     16
#define XSK_FRAME_SIZE 4096
#define XSK_RING       64

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* One's complement sum of big-endian 16-bit words. */
static uint32_t
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void
hx_spec_default(struct hx_pkt_spec *s)
{
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x01};
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x02};

	memset(s, 0, sizeof(*s));
	memcpy(s->dst_mac, dst, 6);
	memcpy(s->src_mac, src, 6);
	s->saddr = HX_CLIENT_IP;
	s->daddr = HX_HERALD_IP;
	s->sport = HX_SPORT;
	s->dport = HX_PORT;
	s->ttl = 64;
	s->udp_csum = true;
}

void
hx_fix_ip_csum(uint8_t *frame)
{
	uint8_t *ip = frame + HX_ETH_LEN;
	size_t ihl = (size_t)(ip[0] & 0xf) * 4;

	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, ihl, 0)));
}

bool
hx_ip_csum_ok(const uint8_t *frame)
{
	const uint8_t *ip = frame + HX_ETH_LEN;

	return fold(sum16(ip, (size_t)(ip[0] & 0xf) * 4, 0)) == 0xffff;
}

uint16_t
hx_udp_fold(const uint8_t *frame)
{
	const uint8_t *ip = frame + HX_ETH_LEN;
	const uint8_t *udp = ip + (ip[0] & 0xf) * 4;
	uint16_t ulen = (uint16_t)(udp[4] << 8 | udp[5]);
	uint32_t sum;

	sum = sum16(ip + 12, 8, 0); /* pseudo-header: addresses */
	sum += 17 + ulen;	    /* protocol, UDP length */
	return fold(sum16(udp, ulen, sum));
}

bool
hx_udp_csum_ok(const uint8_t *frame)
{
	const uint8_t *udp = frame + HX_ETH_LEN + HX_IP_LEN;

	if (udp[6] == 0 && udp[7] == 0)
		return true; /* no checksum */
	return hx_udp_fold(frame) == 0xffff;
}

size_t
hx_build_udp4(uint8_t *buf, size_t cap, const struct hx_pkt_spec *s,
	      const void *payload, size_t plen)
{
	size_t len = HX_HDRS + plen;
	uint8_t *ip = buf + HX_ETH_LEN;
	uint8_t *udp = ip + HX_IP_LEN;
	uint16_t c;

	if (len > cap || HX_IP_LEN + HX_UDP_LEN + plen > 0xffff)
		return 0;
	memcpy(buf, s->dst_mac, 6);
	memcpy(buf + 6, s->src_mac, 6);
	put16(buf + 12, 0x0800);

	memset(ip, 0, HX_IP_LEN);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(HX_IP_LEN + HX_UDP_LEN + plen));
	put16(ip + 4, 0x1234);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = s->ttl;
	ip[9] = 17;
	put32(ip + 12, s->saddr);
	put32(ip + 16, s->daddr);
	hx_fix_ip_csum(buf);

	put16(udp, s->sport);
	put16(udp + 2, s->dport);
	put16(udp + 4, (uint16_t)(HX_UDP_LEN + plen));
	put16(udp + 6, 0);
	if (plen != 0)
		memcpy(udp + HX_UDP_LEN, payload, plen);
	if (s->udp_csum) {
		c = (uint16_t)~hx_udp_fold(buf);
		put16(udp + 6, c == 0 ? 0xffff : c);
	}
	return len;
}

int
hx_xsk_open(int ifindex, unsigned int queue)
{
	struct xdp_umem_reg mr;
	struct sockaddr_xdp sxdp;
	int ring = XSK_RING;
	void *umem;
	int fd, err;

	fd = socket(AF_XDP, SOCK_RAW, 0);
	if (fd < 0)
		return -errno;
	umem = mmap(NULL, XSK_FRAMES * XSK_FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (umem == MAP_FAILED) {
		err = -errno;
		close(fd);
		return err;
	}
	memset(&mr, 0, sizeof(mr));
	mr.addr = (uint64_t)(uintptr_t)umem;
	mr.len = XSK_FRAMES * XSK_FRAME_SIZE;
	mr.chunk_size = XSK_FRAME_SIZE;
	memset(&sxdp, 0, sizeof(sxdp));
	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_ifindex = (uint32_t)ifindex;
	sxdp.sxdp_queue_id = queue;
	sxdp.sxdp_flags = XDP_COPY;
	/* The umem stays registered with the socket: unmapping is safe. */
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &mr, sizeof(mr)) != 0 ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &ring, sizeof(ring)) !=
		    0 ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring,
		       sizeof(ring)) != 0 ||
	    setsockopt(fd, SOL_XDP, XDP_RX_RING, &ring, sizeof(ring)) != 0 ||
	    bind(fd, (struct sockaddr *)&sxdp, sizeof(sxdp)) != 0) {
		err = -errno;
		munmap(umem, XSK_FRAMES * XSK_FRAME_SIZE);
		close(fd);
		return err;
	}
	munmap(umem, XSK_FRAMES * XSK_FRAME_SIZE);
	return fd;
}

void
hx_xsk_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
