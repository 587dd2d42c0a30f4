/* SPDX-License-Identifier: BSD-3-Clause
 * Herald's checksum helpers (app/csum.h, app/udp_out.h) against DPDK's
 * rte_raw_cksum and a plain RFC 1071 fold: every length and alignment,
 * sums near the carry boundaries, and whole headers that must verify.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <rte_ip.h>

#include "inet_csum.h"
#include "dataplane/udp_out.h"
#include "hwp.h"

/* RFC 1071 fold, one carry at a time: slow and obviously right. */
static uint16_t
ref_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint64_t
rand64(void)
{
	return (uint64_t)rand() << 62 ^ (uint64_t)rand() << 31 ^
	       (uint64_t)rand();
}

Test(csum, fold_matches_reference_at_edges)
{
	static const uint64_t edges[] = {
		0,
		1,
		0xfffe,
		0xffff,
		0x10000,
		0x1fffe,
		0x1ffff,
		0xffff0000,
		0xffff0001,
		0xfffeffff,
		0xffffffff,
		0x100000000ULL,
		0x1ffffffffULL,
		0xffffffff00000000ULL,
		0xffffffff00000001ULL,
		0xfffffffffffffffeULL,
		0xffffffffffffffffULL,
	};
	unsigned int i;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		cr_assert_eq(inet_csum_fold64(edges[i]), ref_fold(edges[i]),
			     "fold64(%#llx)", (unsigned long long)edges[i]);
		if (edges[i] <= UINT32_MAX)
			cr_assert_eq(inet_csum_fold32((uint32_t)edges[i]),
				     ref_fold(edges[i]), "fold32(%#llx)",
				     (unsigned long long)edges[i]);
	}
}

Test(csum, fold_matches_reference_random)
{
	unsigned int i;

	srand(7);
	for (i = 0; i < 1000000; i++) {
		uint64_t v = rand64();

		cr_assert_eq(inet_csum_fold64(v), ref_fold(v), "%#llx",
			     (unsigned long long)v);
		cr_assert_eq(inet_csum_fold32((uint32_t)v),
			     ref_fold((uint32_t)v), "%#x", (uint32_t)v);
	}
}

Test(csum, partial_matches_rte_raw_cksum)
{
	static uint8_t buf[1600 + 8];
	unsigned int len, off, i;

	srand(11);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (off = 0; off < 8; off++)
		for (len = 0; len <= 1600; len++)
			cr_assert_eq(inet_csum_fold64(
					     inet_csum_partial(buf + off, len)),
				     rte_raw_cksum(buf + off, len),
				     "offset %u length %u", off, len);
	/* All ones: the largest sums, where a lost carry shows. */
	memset(buf, 0xff, sizeof(buf));
	for (len = 0; len <= 1600; len++)
		cr_assert_eq(inet_csum_fold64(inet_csum_partial(buf, len)),
			     rte_raw_cksum(buf, len), "0xff length %u", len);
}

Test(csum, finished_headers_verify)
{
	struct rte_ether_addr a = {{2, 0, 0, 0, 0, 1}},
			      b = {{2, 0, 0, 0, 0, 2}};
	uint8_t pkt[HERALD_L2L4_LEN + 1441];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(pkt + HERALD_IP_OFF);
	struct herald_udp_tmpl t;
	unsigned int i, len;

	srand(13);
	for (i = 0; i < 2000; i++) {
		uint32_t sip = (uint32_t)rand64(), dip = (uint32_t)rand64();
		uint16_t sp = (uint16_t)rand(), dp = (uint16_t)rand();
		uint8_t *body = pkt + HERALD_L2L4_LEN;
		uint16_t ck;

		len = (unsigned int)rand() % 1441;
		herald_udp_tmpl_build(&t, &a, &b, sip, sp, dip, dp);
		memcpy(pkt, t.hdr, HERALD_L2L4_LEN);
		for (unsigned int j = 0; j < len; j++)
			body[j] = (uint8_t)(i % 3 == 0 ? 0xff : rand());
		herald_udp_finish(
			pkt, t.csum_ip, t.csum_udp, (uint16_t)len,
			inet_csum_fold64(inet_csum_partial(body, len)));
		cr_assert_eq(rte_raw_cksum(ip, sizeof(*ip)), 0xffff,
			     "IPv4 header checksum, round %u", i);
		ck = ((struct rte_udp_hdr *)(pkt + HERALD_UDP_OFF))
			     ->dgram_cksum;
		cr_assert_neq(ck, 0, "UDP checksum 0 is never sent");
		cr_assert_eq(
			rte_ipv4_udptcp_cksum_verify(ip, pkt + HERALD_UDP_OFF),
			0, "UDP checksum, round %u, length %u", i, len);
	}
}

/*
 * The UDP rule that a computed 0 is sent as 0xffff (RFC 768), hit on
 * purpose on the DELIVER path: the last two payload bytes are chosen so
 * that the one's complement sum over pseudo-header, headers and payload
 * comes out 0xffff, whose complement is 0. The checksum must be 0xffff,
 * and the datagram must still verify.
 */
Test(csum, deliver_checksum_zero_is_sent_as_ffff)
{
	struct rte_ether_addr a = {{2, 0, 0, 0, 0, 1}},
			      b = {{2, 0, 0, 0, 0, 2}};
	struct hwp_deliver d = {.channel = 7, .seq = 1, .epoch = 9,
				.publisher = 3, .timestamp = 123456789};
	uint8_t pkt[HERALD_L2L4_LEN + HWP_DELIVER_LEN + 128];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(pkt + HERALD_IP_OFF);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(pkt + HERALD_UDP_OFF);
	uint8_t *body = pkt + HERALD_L2L4_LEN;
	struct hwp_deliver_words dw;
	struct herald_udp_tmpl t;
	unsigned int round, hits = 0;

	srand(29);
	for (round = 0; round < 200; round++) {
		uint16_t plen = (uint16_t)(2 + (unsigned int)rand() % 60 * 2);
		uint16_t ulen = (uint16_t)(HWP_DELIVER_LEN + plen);
		uint32_t sum;
		uint16_t fix;
		unsigned int j;

		herald_udp_tmpl_build(&t, &a, &b, (uint32_t)rand64(),
				      (uint16_t)rand(), (uint32_t)rand64(),
				      (uint16_t)rand());
		memcpy(pkt, t.hdr, HERALD_L2L4_LEN);
		hwp_deliver_words(&dw, 0, &d, plen);
		hwp_words_store(body, dw.w, HWP_DELIVER_WORDS);
		for (j = 0; j < plen; j++)
			body[HWP_DELIVER_LEN + j] = (uint8_t)rand();
		/* What the sum is with the last payload word 0; that word
		 * then brings it to 0xffff exactly. */
		body[HWP_DELIVER_LEN + plen - 2] = 0;
		body[HWP_DELIVER_LEN + plen - 1] = 0;
		sum = ref_fold((uint64_t)t.csum_udp +
			       2u * rte_cpu_to_be_16(
					    (uint16_t)(sizeof(*udp) + ulen)) +
			       inet_csum_partial(body, ulen));
		fix = (uint16_t)(0xffff - sum);
		memcpy(&body[HWP_DELIVER_LEN + plen - 2], &fix, 2);
		herald_udp_finish(pkt, t.csum_ip, t.csum_udp, ulen,
				  inet_csum_fold64(
					  inet_csum_words(dw.w,
							  HWP_DELIVER_WORDS) +
					  inet_csum_partial(body + HWP_DELIVER_LEN,
							    plen)));
		if (fix == 0 && sum == 0xffff)
			continue; /* already 0xffff with a zero word: no case */
		hits++;
		cr_assert_eq(udp->dgram_cksum, 0xffff,
			     "round %u: a computed 0 must be sent as 0xffff",
			     round);
		cr_assert_eq(rte_ipv4_udptcp_cksum_verify(ip, udp), 0,
			     "round %u: the datagram must verify", round);
		cr_assert_eq(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	}
	cr_assert_gt(hits, 150);
}
