/* SPDX-License-Identifier: BSD-3-Clause
 * Strict parsers for numbers, IPv4 addresses, prefixes and MACs.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inet_parse.h"

int
inet_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	const char *digits = s;
	unsigned long long x;
	int base = 10;
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
		/* strtoull would skip a second "0x" ("0x0x10"). */
		if (!isxdigit((unsigned char)*digits) ||
		    (digits[0] == '0' &&
		     (digits[1] == 'x' || digits[1] == 'X')))
			return -1;
	} else if (!isdigit((unsigned char)*s) ||
		   (s[0] == '0' && s[1] != '\0')) {
		return -1;
	}
	errno = 0;
	x = strtoull(digits, &end, base);
	if (errno != 0 || *end != '\0' || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

int
inet_parse_ipv4(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	return 0;
}

int
inet_parse_prefix(const char *s, uint32_t *ip, uint8_t *depth)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash;
	uint64_t d = 32;
	uint32_t a;
	size_t n;

	if (s == NULL)
		return -1;
	slash = strchr(s, '/');
	n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (slash != NULL && inet_parse_u64(slash + 1, 0, 32, &d) < 0)
		return -1;
	if (inet_parse_ipv4(buf, &a) < 0)
		return -1;
	*ip = d == 0 ? 0 : a & (~0u << (32 - d));
	*depth = (uint8_t)d;
	return 0;
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
inet_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t out[6];
	int i, hi, lo;

	if (s == NULL || strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		hi = hex_nibble(s[3 * i]);
		lo = hex_nibble(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, out, 6);
	return 0;
}
