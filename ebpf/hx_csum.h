/* SPDX-License-Identifier: BSD-3-Clause
 * Herald XDP: Internet checksum helpers (RFC 1071 sums, RFC 1624
 * incremental updates).
 */
#ifndef HX_CSUM_H
#define HX_CSUM_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#include "hx_cursor.h"

/* IHL is 4 bits: an IPv4 header is at most 15 32-bit words. */
#define HX_IP_MAX_WORDS 15

/*
 * Whether a one's complement sum of 32-bit words (below 2^36) checks:
 * folded to 16 bits it must be 0xffff. Summing 32-bit words gives the
 * same result modulo 0xffff as summing 16-bit words (2^16 = 1 modulo
 * 0xffff), with half the loads. A sum of all-zero words folds to 0 and
 * fails, as Herald's check does.
 */
static __always_inline int
csum_words_ok(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * Header checksum of an option-less IPv4 header (the common case): five
 * words at constant offsets, no loop. The caller pulled the 20 bytes.
 */
static __always_inline int
ipv4_csum_ok(const struct iphdr *iph)
{
	const __u8 *p = (const __u8 *)iph;

	_Static_assert(sizeof(*iph) == 20, "five 32-bit words");
	return csum_words_ok((__u64)load_raw32(p) + load_raw32(p + 4) +
			     load_raw32(p + 8) + load_raw32(p + 12) +
			     load_raw32(p + 16));
}

/*
 * Header checksum over the whole IHL (options included), as Herald
 * checks it; hlen is IHL * 4, between 20 and 60. The rare shape with
 * options is copied to the stack, zero-padded to the largest header, so
 * the sum is over constant offsets (words past hlen add nothing) instead
 * of a loop over variable packet bounds.
 */
static __always_inline int
ipv4_csum_ok_ihl(struct xdp_md *ctx, __u32 hlen)
{
	__u32 w[HX_IP_MAX_WORDS] = {0};
	__u64 sum = 0;
	int i;

	if (hlen > sizeof(w) ||
	    bpf_xdp_load_bytes(ctx, sizeof(struct ethhdr), w, hlen) != 0)
		return 0;
#pragma unroll
	for (i = 0; i < HX_IP_MAX_WORDS; i++)
		sum += w[i];
	return csum_words_ok(sum);
}

/* Adds a one's complement 16-bit word change (RFC 1624, eqn 3). */
static __always_inline __u32
csum_add_change(__u32 sum, __u16 from, __u16 to)
{
	return sum + (__u16)~from + to;
}

/* Folds a sum of a few 16-bit words and complements it. */
static __always_inline __u16
csum_finish(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

#endif /* HX_CSUM_H */
