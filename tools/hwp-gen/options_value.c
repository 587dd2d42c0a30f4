/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: strict parsers of option values. Each refuses anything but
 * the whole of a well-formed value in range and exits with a usage
 * error (2) naming the option, so a typo never becomes a default.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

void
gen_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("hwp-gen: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'hwp-gen --help' for the list of options.\n", stderr);
	exit(GEN_EXIT_USAGE);
}

/* Strict unsigned parse: decimal or 0x hex, whole string, in range. */
uint64_t
gen_parse_u64(const char *name, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	uint64_t v;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		gen_usage_error("--%s: '%s' is not an unsigned integer", name,
				s);
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0')
		gen_usage_error("--%s: '%s' is not an unsigned integer", name,
				s);
	if (v < min || v > max)
		gen_usage_error("--%s: %s is out of range [%" PRIu64
				", %" PRIu64 "]",
				name, s, min, max);
	return v;
}

uint32_t
gen_parse_ip(const char *name, const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		gen_usage_error("--%s: '%s' is not an IPv4 address", name, s);
	return ntohl(a.s_addr);
}

void
gen_parse_mac(const char *name, const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		gen_usage_error(
			"--%s: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
			name, s);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
}

/* "S" or "S.F" with up to six decimals, into microseconds. */
uint64_t
gen_parse_time(const char *name, const char *s)
{
	const char *dot = strchr(s, '.');
	uint64_t sec, frac = 0;
	char secs[32];
	size_t n, i;

	n = dot != NULL ? (size_t)(dot - s) : strlen(s);
	if (n == 0 || n >= sizeof(secs))
		gen_usage_error("--%s: '%s' is not a time (S or S.UUUUUU)",
				name, s);
	memcpy(secs, s, n);
	secs[n] = '\0';
	sec = gen_parse_u64(name, secs, 0, UINT64_MAX / 1000000u - 1);
	if (dot != NULL) {
		const char *f = dot + 1;

		n = strlen(f);
		if (n == 0 || n > 6)
			gen_usage_error("--%s: '%s' needs 1 to 6 decimals",
					name, s);
		for (i = 0; i < 6; i++) {
			if (i < n && (f[i] < '0' || f[i] > '9'))
				gen_usage_error("--%s: '%s' is not a time",
						name, s);
			frac = frac * 10 + (i < n ? (uint64_t)(f[i] - '0') : 0);
		}
	}
	return sec * 1000000u + frac;
}

double
gen_parse_ratio(const char *name, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0 && v < 1.0))
		gen_usage_error("--%s: '%s' is not a number in [0, 1)", name,
				s);
	return v;
}

void
gen_add_channel(struct gen_opts *o, uint64_t ch, uint32_t *cap)
{
	if (o->nchannels == GEN_MAX_CHANNELS)
		gen_usage_error("--channel-list: more than %u channels",
				GEN_MAX_CHANNELS);
	if (o->nchannels == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		o->channels = realloc(o->channels, *cap * sizeof(uint64_t));
		if (o->channels == NULL) {
			gen_err("out of memory");
			exit(GEN_EXIT_FAIL);
		}
	}
	o->channels[o->nchannels++] = ch;
}

/* "1,2,5,10-20": channels in the order given, each at least 1. */
void
gen_parse_channel_list(struct gen_opts *o, const char *s)
{
	char *copy = strdup(s);
	char *save = NULL;
	uint32_t cap = 0;
	char *tok;

	if (copy == NULL) {
		gen_err("out of memory");
		exit(GEN_EXIT_FAIL);
	}
	if (s[0] == '\0' || s[strlen(s) - 1] == ',' || strstr(s, ",,") != NULL)
		gen_usage_error("--channel-list: empty item in '%s'", s);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t lo, hi, ch;

		if (dash == NULL) {
			gen_add_channel(o,
					gen_parse_u64("channel-list", tok, 1,
						      UINT64_MAX),
					&cap);
			continue;
		}
		*dash = '\0';
		lo = gen_parse_u64("channel-list", tok, 1, UINT64_MAX);
		hi = gen_parse_u64("channel-list", dash + 1, 1, UINT64_MAX);
		if (hi < lo)
			gen_usage_error("--channel-list: range %" PRIu64
					"-%" PRIu64 " is reversed",
					lo, hi);
		for (ch = lo;; ch++) {
			gen_add_channel(o, ch, &cap);
			if (ch == hi)
				break;
		}
	}
	free(copy);
}
