/* SPDX-License-Identifier: BSD-3-Clause
 * Strict parsers for what operators type: numbers, IPv4 addresses and
 * prefixes, MAC addresses. Shared by herald (config, CLI), herald-xdp
 * and hwp-gen, so one spelling is accepted everywhere. No DPDK.
 *
 * Every parser returns 0 on success or -1, and writes its output only on
 * success. Addresses are returned in host byte order.
 */
#ifndef INET_PARSE_H
#define INET_PARSE_H

#include <stdint.h>

/*
 * An unsigned integer in [min, max]: decimal, or hexadecimal with an
 * explicit 0x/0X prefix. A leading 0 before more digits is refused
 * ("0700" is neither 700 nor octal 448: the operator meant one of them).
 * No sign, no spaces, no suffix.
 */
int inet_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *v);

/* Dotted-quad IPv4 address (inet_pton rules: exactly four decimals). */
int inet_parse_ipv4(const char *s, uint32_t *ip);

/* "a.b.c.d/n" (n 0..32) or "a.b.c.d" (/32). The host bits are cleared
 * in *ip, so "198.18.1.7/24" gives 198.18.1.0/24. */
int inet_parse_prefix(const char *s, uint32_t *ip, uint8_t *depth);

/* "aa:bb:cc:dd:ee:ff": six pairs of hex digits, nothing else. */
int inet_parse_mac(const char *s, uint8_t mac[6]);

/* Whether ip (host order) is in prefix/depth. */
static inline int
inet_prefix_contains(uint32_t prefix, uint8_t depth, uint32_t ip)
{
	uint32_t mask = depth == 0 ? 0 : ~0u << (32 - depth);

	return (ip & mask) == (prefix & mask);
}

#endif /* INET_PARSE_H */
