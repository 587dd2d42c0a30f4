/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: command-line internals shared by options.c (the option
 * table, --help and the cross-option rules) and options_value.c (the
 * strict parsers of one value).
 */
#ifndef HWP_GEN_OPTIONS_H
#define HWP_GEN_OPTIONS_H

#include "gen.h"

#define GEN_MAX_CHANNELS 1000000u

/* "hwp-gen: error: ..." and a pointer to --help on stderr, exit 2. */
void gen_usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* Decimal or 0x hex, the whole string, in [min, max]. */
uint64_t gen_parse_u64(const char *name, const char *s, uint64_t min,
		       uint64_t max);
/* Dotted quad, into host byte order. */
uint32_t gen_parse_ip(const char *name, const char *s);
/* aa:bb:cc:dd:ee:ff */
void gen_parse_mac(const char *name, const char *s, uint8_t mac[6]);
/* "S" or "S.F" with up to six decimals, into microseconds. */
uint64_t gen_parse_time(const char *name, const char *s);
/* A number in [0, 1). */
double gen_parse_ratio(const char *name, const char *s);

/* Append one channel to o->channels (cap: its allocated size). */
void gen_add_channel(struct gen_opts *o, uint64_t ch, uint32_t *cap);
/* "1,2,5,10-20": channels in the order given, each at least 1. */
void gen_parse_channel_list(struct gen_opts *o, const char *s);

#endif /* HWP_GEN_OPTIONS_H */
