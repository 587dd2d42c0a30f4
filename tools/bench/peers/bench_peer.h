/* SPDX-License-Identifier: BSD-3-Clause
 * bench-peer: the same publisher and subscriber processes for Herald and
 * for what a user would pick instead (a kernel UDP relay, NATS, Redis),
 * one thin adapter per system (bench_clients.py drives them).
 *
 * Every payload starts with the publisher's CLOCK_REALTIME send time
 * (8 bytes, host order) so that every system's latency is measured the
 * same way; Herald's DELIVER timestamp gives a second figure for it.
 */
#ifndef BENCH_PEER_H
#define BENCH_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BP_MAX_CONNS 256

struct bp_opts {
	const char *system; /* herald, relay, nats, redis */
	const char *addr;
	uint16_t port;
	uint32_t size; /* payload bytes (>= 8) */
	uint64_t channel;
	uint64_t rate;	     /* pub: messages/s, 0 = as fast as it goes */
	double duration;     /* pub: seconds */
	uint32_t conns;	     /* sub: connections (the fan-out) */
	double idle_exit;    /* sub: seconds without a message after some */
	double max_wait;     /* sub: seconds at most */
	const char *key_hex; /* herald */
	const char *json;
};

/* What a subscriber process counts. */
struct bp_sub_stats {
	uint64_t received;
	uint64_t first_ns, last_ns; /* CLOCK_MONOTONIC of first/last */
	uint64_t *lat;		    /* send time to receive (realtime) */
	uint64_t n_lat, cap_lat;
	uint64_t *lat_hdr; /* Herald only: DELIVER timestamp to receive */
	uint64_t n_lat_hdr, cap_lat_hdr;
	uint64_t per_conn[BP_MAX_CONNS];
	uint64_t gaps, nacks; /* Herald: what its repair did */
	uint64_t coalesced;   /* Herald: datagrams read in UDP_GRO runs */
};

uint64_t bp_mono_ns(void);
uint64_t bp_real_ns(void);
/* A message arrived on conn: count it, sample its latency. hdr_ts: the
 * DELIVER timestamp (0 if none). */
void bp_sub_got(struct bp_sub_stats *st, uint32_t conn, const uint8_t *payload,
		uint32_t len, uint64_t hdr_ts);
/* Publisher pacing: how many messages are due by now (rate 0: many). */
uint64_t bp_pub_due(const struct bp_opts *o, uint64_t start, uint64_t now,
		    uint64_t sent);
/* Fill a payload: the send time first. */
void bp_payload(uint8_t *buf, uint32_t size);
/* Print "READY" (the driver waits for it) and flush. */
void bp_ready(void);
void bp_sub_report(const struct bp_opts *o, struct bp_sub_stats *st);
void bp_pub_report(const struct bp_opts *o, uint64_t sent, double secs,
		   uint64_t extra_resends);
bool bp_sub_done(const struct bp_opts *o, const struct bp_sub_stats *st,
		 uint64_t start, uint64_t now);
extern volatile int bp_stop;

/* Adapters: 0 on success. */
int bp_herald_pub(const struct bp_opts *o);
int bp_herald_sub(const struct bp_opts *o, struct bp_sub_stats *st);
int bp_relay_pub(const struct bp_opts *o);
int bp_relay_sub(const struct bp_opts *o, struct bp_sub_stats *st);
int bp_tcp_pub(const struct bp_opts *o);
int bp_tcp_sub(const struct bp_opts *o, struct bp_sub_stats *st);

#endif /* BENCH_PEER_H */
