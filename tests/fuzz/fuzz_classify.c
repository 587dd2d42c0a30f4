/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target for herald_classify (app/dataplane/classify.h) on fake
 * mbufs: one segment holding the input frame, its RX checksum flags and
 * the verify_udp_checksum setting chosen by the input's first byte.
 *
 * Invariants, from PROTOCOL.md section 4 and DPDK's RX flag documentation,
 * checked with an independent RFC 1071 sum:
 *   - the verdict is a reason or "HWP";
 *   - an accepted frame is IPv4 (IHL 5), unfragmented UDP to Herald's
 *     address and port, lengths consistent and inside the buffer, from an
 *     answerable source; the located payload and source fields are the
 *     frame's bytes;
 *   - its IPv4 header sums right unless the flags say GOOD or NONE, and
 *     never when they say BAD; likewise its UDP checksum when verified;
 *   - the tail sum, when given, is the sum of the payload after 32 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/classify.h"

#define MY_IP	0xc6120001u /* 198.18.0.1 */
#define MY_PORT 7700

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			abort();                                               \
	} while (0)

static uint8_t buf[RTE_PKTMBUF_HEADROOM + 65536];
static struct rte_mbuf mb;

/* RFC 1071, 16 bits at a time: slow and obviously right. */
static uint32_t
ref_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static const uint64_t ip_flags[4] = {
	RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, RTE_MBUF_F_RX_IP_CKSUM_BAD,
	RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_IP_CKSUM_NONE};
static const uint64_t l4_flags[4] = {
	RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN, RTE_MBUF_F_RX_L4_CKSUM_BAD,
	RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_NONE};

static void
check_accepted(const uint8_t *f, size_t len, unsigned int sel, bool verify,
	       const struct herald_rx_info *ri)
{
	uint32_t src = (uint32_t)f[26] << 24 | f[27] << 16 | f[28] << 8 | f[29];
	uint16_t ip_len = (uint16_t)(f[16] << 8 | f[17]);
	uint16_t udp_len = (uint16_t)(f[38] << 8 | f[39]);
	uint16_t udp_sum = (uint16_t)(f[40] << 8 | f[41]);

	CHECK(len >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[14] == 0x45);
	CHECK(f[23] == IPPROTO_UDP && (f[20] & 0x3f) == 0 && f[21] == 0);
	CHECK(((uint32_t)f[30] << 24 | f[31] << 16 | f[32] << 8 | f[33]) ==
	      MY_IP);
	CHECK((f[36] << 8 | f[37]) == MY_PORT);
	CHECK(ip_len >= 28 && (size_t)ip_len + 14 <= len);
	CHECK(udp_len == ip_len - 20);
	CHECK(ri->payload == f + 42 && ri->payload_len == udp_len - 8);
	CHECK(ri->src_ip == src && ri->src_port == (f[34] << 8 | f[35]));
	CHECK(ri->src_mac == (const struct rte_ether_addr *)(f + 6));
	/* Answerable source (revision 2). */
	CHECK((f[6] & 1) == 0);
	CHECK(f[26] != 0 && f[26] != 127 && f[26] < 224 && src != MY_IP);
	CHECK(ri->src_port != 0);
	/* Header checksum: right, or vouched for by the NIC. */
	if (ip_flags[sel & 3] == RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN)
		CHECK(ref_sum(f + 14, 20, 0) == 0xffff);
	CHECK(ip_flags[sel & 3] != RTE_MBUF_F_RX_IP_CKSUM_BAD);
	if (verify && udp_sum != 0) {
		uint32_t ps = ref_sum(f + 26, 8, 0) + IPPROTO_UDP + udp_len;

		if (l4_flags[sel >> 2 & 3] == RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN)
			CHECK(ref_sum(f + 34, udp_len, ps) == 0xffff);
		CHECK(l4_flags[sel >> 2 & 3] != RTE_MBUF_F_RX_L4_CKSUM_BAD);
	}
	if (ri->has_tail_sum) {
		size_t head = RTE_MIN((size_t)udp_len, (size_t)8 + 32);
		uint16_t want = (uint16_t)ref_sum(f + 34 + head, udp_len - head, 0);
		/* Herald sums in memory byte order (as rte_raw_cksum does). */
		uint16_t got = rte_be_to_cpu_16(inet_csum_fold64(ri->tail_sum));

		/* Equal as one's complement sums (0 and 0xffff alike). */
		CHECK(got == want || (got % 0xffff) == (want % 0xffff));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct herald_rx_info ri;
	enum herald_nonhwp r;
	unsigned int sel;
	bool verify;
	uint8_t *f = buf + RTE_PKTMBUF_HEADROOM;

	if (size < 1 || size - 1 > sizeof(buf) - RTE_PKTMBUF_HEADROOM)
		return 0;
	sel = data[0];
	verify = !(sel & 0x10);
	memcpy(f, data + 1, size - 1);
	memset(&mb, 0, sizeof(mb));
	mb.buf_addr = buf;
	mb.data_off = RTE_PKTMBUF_HEADROOM;
	mb.data_len = (uint16_t)(size - 1);
	mb.pkt_len = (uint32_t)(size - 1);
	mb.nb_segs = 1;
	mb.ol_flags = ip_flags[sel & 3] | l4_flags[sel >> 2 & 3];
	r = herald_classify(&mb, rte_cpu_to_be_32(MY_IP),
			    rte_cpu_to_be_16(MY_PORT), verify, &ri);
	CHECK((unsigned int)r <= NONHWP__COUNT);
	if (r == NONHWP__COUNT)
		check_accepted(f, size - 1, sel, verify, &ri);
	return 0;
}
