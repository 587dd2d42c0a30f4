/* SPDX-License-Identifier: BSD-3-Clause
 * What herald-pub and herald-sub share: option values (endpoints,
 * channel lists, impairment), the --verify payload format, and the
 * live progress line.
 *
 * Verify payload (>= HT_PAYLOAD_MIN bytes, all big-endian):
 *   0  8  channel the publisher sent it on
 *   8  8  n: the publisher's message number on that channel (1, 2, ...)
 *   16 4  run id (the publisher's, so that runs do not mix)
 *   20 4  FNV-1a 32 of bytes 0..19 and 24..end
 *   24 .. pattern: byte i is (n * 131 + i) mod 251
 */
#ifndef HERALD_CLIENT_TOOL_H
#define HERALD_CLIENT_TOOL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "herald/client.h"

#define HT_PAYLOAD_MIN 24

/* "a.b.c.d" or "a.b.c.d:port"; *port left alone when not given. */
int ht_parse_endpoint(const char *s, char *addr, size_t cap, uint16_t *port);
/* "1,2,10-19": a list of channels (each != 0), malloc'd into *out. */
int ht_parse_channels(const char *s, uint64_t **out, uint32_t *n);
/* "seed=7,rx_loss=0.1,rx_dup=0.05,rx_reorder=0.05,tx_loss=..." */
int ht_parse_impair(const char *s, struct herald_impair *imp);
/* The options herald-pub and herald-sub share, by long name: --server,
 * --bind, --channels, --impair, --json, --progress, --no-progress,
 * --quiet. */
struct ht_common {
	char server[64], bind[64];
	uint16_t server_port, bind_port;
	bool has_server, has_bind;
	uint64_t *channels; /* NULL: channel 1 */
	uint32_t n_channels;
	struct herald_impair impair;
	const char *json;
	int progress; /* -1: on a terminal */
	bool quiet;
};
void ht_common_init(struct ht_common *c);
/* The usage lines of the output options (--json, --progress, --quiet). */
void ht_common_usage(FILE *f);
/* "TOOL: bad value for --NAME: 'VALUE'" on stderr; -1. */
int ht_bad_value(const char *tool, const char *name, const char *val);
/* 1 if name is one of them (taken), 0 if not, -1 if its value is bad
 * (said on stderr as "TOOL: bad value for --NAME: 'VALUE'"). */
int ht_common_option(struct ht_common *c, const char *tool, const char *name,
		     const char *val);
/* getopt_long over argv with the tool's long options (short: -h only),
 * the common ones taken by ht_common_option: the next option of the
 * tool's own (its long name in *name, "" if none), 'h' or '?' as
 * getopt_long gives them, -1 past the last, -2 after a bad value of a
 * common one (said). */
int ht_next_option(struct ht_common *c, const char *tool, int argc, char **argv,
		   const struct option *longs, const char **name);
/* After the options: 0 if no operand is left, else -1 (said). */
int ht_no_operands(const char *tool, int argc, char **argv);
/* After the options: --server given, the channel list (1 if none).
 * 0, or -1 (said on stderr). */
int ht_common_finish(struct ht_common *c, const char *tool);

/* A number with an optional k/M/G suffix (1000s). */
int ht_parse_u64(const char *s, uint64_t *v);

void ht_payload_fill(uint8_t *buf, size_t len, uint64_t channel, uint64_t n,
		     uint32_t run);
/* 0 if buf is a well-formed verify payload (fills channel, n, run). */
int ht_payload_check(const uint8_t *buf, size_t len, uint64_t *channel,
		     uint64_t *n, uint32_t *run);

/* Set by SIGINT or SIGTERM once ht_catch_signals ran: the tools stop. */
extern volatile sig_atomic_t ht_stop;
void ht_catch_signals(void);

/* A random 32-bit number (getrandom). */
uint32_t ht_random_u32(void);

/* CLOCK_REALTIME in ns (DELIVER timestamps are Herald's). */
uint64_t ht_realtime_ns(void);

/* Live progress on a terminal: one line rewritten in place, at most once
 * a second. Off when stderr is not a terminal, unless forced. */
struct ht_progress {
	bool on;
	uint64_t next_at, last_at, last_count;
};
void ht_progress_init(struct ht_progress *p, int mode /* -1 auto, 0, 1 */);
/* Prints when due: "<label> <rate>/s <extra>". */
void ht_progress_tick(struct ht_progress *p, uint64_t now, const char *label,
		      uint64_t count, const char *extra);
void ht_progress_done(struct ht_progress *p);

#endif /* HERALD_CLIENT_TOOL_H */
