/* SPDX-License-Identifier: BSD-3-Clause
 * herald-pub: publish on libherald-client (docs/CLIENT.md).
 *
 *   herald-pub --server 198.18.0.1 --channels 1-8 --count 100k --rate 50k
 *
 * Messages go round-robin over the channels; each payload is the verify
 * format (client_tool.h) so herald-sub --verify can check it. At the end
 * it waits for every message to be acknowledged (--wait-acks) and prints
 * one summary line; exit 0 only if all were.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_tool.h"

struct pub_opts {
	struct herald_pub_config cfg;
	struct ht_common c; /* server, bind, channels, impair, output */
	uint64_t count, duration_ms, rate, size, run, wait_acks_ms;
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: herald-pub --server ADDR[:PORT] [options]\n"
		"  --channels LIST     channels, e.g. 1,5,10-19 (default 1)\n"
		"  --count N           messages in all (k/M suffixes)\n"
		"  --duration SEC      or send for this long\n"
		"  --rate N            messages per second in all (0: as fast "
		"as credit allows)\n"
		"  --size BYTES        payload size, 24 to 1400 (default 64)\n"
		"  --bind ADDR[:PORT]  local address and port\n"
		"  --window N          unacknowledged messages kept (default "
		"4096)\n"
		"  --max-datagram B    largest datagram (default 1472)\n"
		"  --impair SPEC       "
		"seed=N,tx_loss=P,tx_dup=P,tx_reorder=P,rx_loss=P,...\n"
		"  --run-id N          stamped in payloads (default: random)\n"
		"  --wait-acks SEC     wait this long for the last acks "
		"(default 5)\n");
	ht_common_usage(f);
}

static int
bad(const char *opt, const char *val)
{
	return ht_bad_value("herald-pub", opt, val);
}

static int
parse_opts(int argc, char **argv, struct pub_opts *o)
{
	static const struct option longs[] = {
		{"server", 1, 0, 's'},	     {"channels", 1, 0, 'c'},
		{"count", 1, 0, 'n'},	     {"duration", 1, 0, 'd'},
		{"rate", 1, 0, 'r'},	     {"size", 1, 0, 'z'},
		{"bind", 1, 0, 'b'},	     {"window", 1, 0, 'w'},
		{"max-datagram", 1, 0, 'm'}, {"impair", 1, 0, 'i'},
		{"run-id", 1, 0, 'R'},	     {"wait-acks", 1, 0, 'W'},
		{"json", 1, 0, 'j'},	     {"progress", 0, 0, 'p'},
		{"no-progress", 0, 0, 'P'},  {"quiet", 0, 0, 'q'},
		{"help", 0, 0, 'h'},	     {0, 0, 0, 0},
	};
	const char *name;
	uint64_t v;
	int c;

	ht_common_init(&o->c);
	o->size = 64;
	o->wait_acks_ms = 5000;
	o->run = ht_random_u32();
	while ((c = ht_next_option(&o->c, "herald-pub", argc, argv, longs,
				   &name)) != -1) {
		switch (c) {
		case -2: return -1;
		case 'h': usage(stdout); exit(0);
		case '?': usage(stderr); return -1;
		default:
			if (ht_parse_u64(optarg, &v) < 0)
				return bad(name, optarg);
			if (c == 'n')
				o->count = v;
			else if (c == 'd')
				o->duration_ms = v * 1000;
			else if (c == 'r')
				o->rate = v;
			else if (c == 'z' && v >= HT_PAYLOAD_MIN && v <= 1400)
				o->size = v;
			else if (c == 'w' && v > 0 && v <= (1u << 20))
				o->cfg.window = (uint32_t)v;
			else if (c == 'm' && v >= 1432 && v <= 9000)
				o->cfg.max_datagram = (uint32_t)v;
			else if (c == 'R' && v <= UINT32_MAX)
				o->run = v;
			else if (c == 'W')
				o->wait_acks_ms = v * 1000;
			else
				return bad(name, optarg);
		}
	}
	if (ht_no_operands("herald-pub", argc, argv) < 0)
		return -1;
	if (ht_common_finish(&o->c, "herald-pub") < 0)
		return -1;
	if (o->count == 0 && o->duration_ms == 0) {
		fprintf(stderr, "herald-pub: give --count or --duration\n");
		return -1;
	}
	o->cfg.server = o->c.server;
	o->cfg.server_port = o->c.server_port;
	o->cfg.bind_addr = o->c.has_bind ? o->c.bind : NULL;
	o->cfg.bind_port = o->c.bind_port;
	o->cfg.impair = o->c.impair;
	return 0;
}

struct pub_run {
	struct pub_opts *o;
	uint64_t sent, acked, restarts;
	uint64_t *next_n; /* per channel */
};

static void
on_event(void *arg, const struct herald_pub_event *ev)
{
	struct pub_run *r = arg;

	if (ev->type == HERALD_PUB_ACKED)
		r->acked = ev->msg_id;
	else if (ev->type == HERALD_PUB_SESSION_RESTARTED) {
		r->restarts++;
		if (!r->o->c.quiet)
			fprintf(stderr,
				"herald-pub: new session %08x (Herald epoch "
				"%08x)\n",
				ev->publisher_id, ev->instance_epoch);
	}
}

/* Queue what the rate allows by now; false when the window is full. */
static bool
send_due(struct herald_pub *p, struct pub_run *r, uint64_t elapsed)
{
	struct pub_opts *o = r->o;
	uint8_t payload[1400];
	uint64_t due = o->count ? o->count : UINT64_MAX;

	if (o->rate > 0) {
		uint64_t by_rate = elapsed / 1000 * o->rate / 1000000 + 1;

		if (by_rate < due)
			due = by_rate;
	}
	while (r->sent < due) {
		uint32_t ci = (uint32_t)(r->sent % o->c.n_channels);
		uint64_t ch = o->c.channels[ci];

		ht_payload_fill(payload, o->size, ch, r->next_n[ci] + 1,
				(uint32_t)o->run);
		if (herald_pub_send(p, ch, payload, o->size) < 0)
			return false;
		r->next_n[ci]++;
		r->sent++;
	}
	return true;
}

static void
report(const struct pub_opts *o, const struct pub_run *r,
       const struct herald_pub_stats *st, double secs)
{
	FILE *f;

	if (!o->c.quiet)
		printf("herald-pub: sent %" PRIu64 " acked %" PRIu64
		       " in %.2f s (%.0f msg/s); frames %" PRIu64
		       " datagrams %" PRIu64 " resends %" PRIu64
		       " sessions %" PRIu64 " credit_stalls %" PRIu64 "\n",
		       r->sent, r->acked, secs, secs > 0 ? r->acked / secs : 0,
		       st->frames_sent, st->datagrams_sent, st->resends,
		       st->sessions, st->credit_stalls);
	if (o->c.json == NULL || (f = fopen(o->c.json, "w")) == NULL)
		return;
	fprintf(f,
		"{\"sent\": %" PRIu64 ", \"acked\": %" PRIu64
		", \"seconds\": %.3f, \"channels\": %u, \"run\": %" PRIu64
		", \"frames_sent\": %" PRIu64 ", \"datagrams_sent\": %" PRIu64
		", \"resends\": %" PRIu64 ", \"pubacks\": %" PRIu64
		", \"sessions\": %" PRIu64 ", \"credit_stalls\": %" PRIu64
		", \"tx_dropped\": %" PRIu64 ", \"tx_duplicated\": %" PRIu64
		", \"tx_reordered\": %" PRIu64 ", \"rx_dropped\": %" PRIu64
		"}\n",
		r->sent, r->acked, secs, o->c.n_channels, o->run,
		st->frames_sent, st->datagrams_sent, st->resends, st->pubacks,
		st->sessions, st->credit_stalls, st->impair.tx_dropped,
		st->impair.tx_duplicated, st->impair.tx_reordered,
		st->impair.rx_dropped);
	fclose(f);
}

int
main(int argc, char **argv)
{
	struct pub_opts o = {0};
	struct pub_run r = {.o = &o};
	struct herald_pub_stats st;
	struct ht_progress prog;
	struct herald_pub *p;
	uint64_t start, now, end_send = 0, deadline;
	char extra[128];

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	r.next_n = calloc(o.c.n_channels, sizeof(*r.next_n));
	p = herald_pub_new(&o.cfg, on_event, &r);
	if (p == NULL || r.next_n == NULL) {
		fprintf(stderr, "herald-pub: cannot open the publisher: %s\n",
			strerror(errno));
		return 2;
	}
	ht_catch_signals();
	ht_progress_init(&prog, o.c.progress);
	start = herald_now();
	for (;;) {
		struct pollfd pfd = {.fd = herald_pub_fd(p), .events = POLLIN};
		uint64_t wait;
		bool sending;

		now = herald_now();
		sending = !ht_stop && (o.count == 0 || r.sent < o.count) &&
			  (o.duration_ms == 0 ||
			   now - start < o.duration_ms * 1000000);
		if (sending)
			send_due(p, &r, now - start);
		else if (end_send == 0)
			end_send = now;
		herald_pub_process(p, now);
		if (!sending && r.acked == r.sent)
			break;
		deadline = end_send + o.wait_acks_ms * 1000000;
		if (!sending && now >= deadline)
			break;
		herald_pub_get_stats(p, &st);
		snprintf(extra, sizeof(extra),
			 "sent %" PRIu64 " resends %" PRIu64 " credit %u",
			 r.sent, st.resends, st.credit);
		ht_progress_tick(&prog, now, "acked", r.acked, extra);
		wait = herald_pub_next_timeout(p, now);
		if (sending && o.rate > 0 && wait > 1000000)
			wait = 1000000; /* the next messages the rate allows */
		if (sending && o.rate == 0 &&
		    herald_pub_pending(p) <
			    (o.cfg.window ? o.cfg.window : 4096))
			wait = 0; /* as fast as the window allows */
		if (wait > 100000000)
			wait = 100000000;
		poll(&pfd, 1, (int)((wait + 999999) / 1000000));
	}
	ht_progress_done(&prog);
	herald_pub_get_stats(p, &st);
	report(&o, &r, &st, (double)(herald_now() - start) / 1e9);
	herald_pub_free(p);
	free(r.next_n);
	free(o.c.channels);
	return r.acked == r.sent ? 0 : 1;
}
