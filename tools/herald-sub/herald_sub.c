/* SPDX-License-Identifier: BSD-3-Clause
 * herald-sub: subscribe on libherald-client (docs/CLIENT.md).
 *
 *   herald-sub --server 198.18.0.1 --channels 1-8 --key-file k.hex \
 *              --count 100k --verify --expect 12500
 *
 * Mints its tokens from the key (libherald-token) for the address and
 * port its socket has. --verify checks per channel that seqs follow
 * each other (across GAP and RESET events only as those say), payloads
 * are intact, and every publisher message arrives exactly once
 * (--expect N: numbers 1..N on each channel). One summary line; exit 0
 * on success, 1 on a failed check, 2 on bad usage, 3 if --count was not
 * reached.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client_tool.h"
#include "herald/token.h"
#include "sub_verify.h"

struct sub_opts {
	struct herald_sub_config cfg;
	struct ht_common c; /* server, bind, channels, impair, output */
	uint8_t key[64];
	int key_len;
	uint64_t expires_in, from_seq, epoch, count, duration_ms, idle_ms;
	uint64_t expect, stall_after, stall_ms;
	bool passive, verify, allow_gaps, allow_reset;
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: herald-sub --server ADDR[:PORT] --key HEX|--key-file "
		"FILE [options]\n"
		"  --channels LIST     channels, e.g. 1,5,10-19 (default 1)\n"
		"  --bind ADDR[:PORT]  local address and port (the token binds "
		"them)\n"
		"  --subscriber-id N   session id (default: random)\n"
		"  --expires-in SEC    token lifetime (default 3600)\n"
		"  --passive           passive subscriptions (pulses only)\n"
		"  --from-seq K        resume at seq K (--epoch E: of epoch "
		"E)\n"
		"  --count N           exit after N messages in all\n"
		"  --duration SEC      exit after this long\n"
		"  --idle-exit SEC     exit when nothing came for this long "
		"(after the first)\n"
		"  --verify            check order, payloads and exactly-once\n"
		"  --expect N          with --verify: messages 1..N on every "
		"channel\n"
		"  --allow-gaps        with --verify: seqs GAP declared lost "
		"are no failure\n"
		"  --allow-reset       with --verify: losses a RESET reported "
		"are no failure\n"
		"  --stall-after N --stall-ms MS  stop reading for MS ms after "
		"N messages\n"
		"  --rcvbuf BYTES      socket receive buffer (default 8 MiB)\n"
		"  --impair SPEC       "
		"seed=N,rx_loss=P,rx_dup=P,rx_reorder=P,tx_loss=P,...\n");
	ht_common_usage(f);
}

static int
bad(const char *opt, const char *val)
{
	return ht_bad_value("herald-sub", opt, val);
}

static int
read_key_file(const char *path, struct sub_opts *o)
{
	char line[256] = "";
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "herald-sub: cannot read %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	o->key_len = herald_token_key_from_hex(line, o->key, sizeof(o->key));
	return o->key_len < 0 ? bad("key-file", path) : 0;
}

static int
set_number(struct sub_opts *o, int c, const char *name, const char *val)
{
	uint64_t v;

	if (ht_parse_u64(val, &v) < 0)
		return bad(name, val);
	switch (c) {
	case 'I':
		o->cfg.subscriber_id = (uint32_t)v;
		return v > 0 && v <= UINT32_MAX ? 0 : bad(name, val);
	case 'e': o->expires_in = v; return 0;
	case 'f': o->from_seq = v; return 0;
	case 'E': o->epoch = v; return v <= UINT32_MAX ? 0 : bad(name, val);
	case 'n': o->count = v; return 0;
	case 'd': o->duration_ms = v * 1000; return 0;
	case 'x': o->idle_ms = v * 1000; return 0;
	case 'X': o->expect = v; return 0;
	case 'S': o->stall_after = v; return 0;
	case 'M': o->stall_ms = v; return 0;
	case 'B':
		o->cfg.rcvbuf = (uint32_t)v;
		return v >= 4096 && v <= (1u << 30) ? 0 : bad(name, val);
	default: return bad(name, val);
	}
}

static int
parse_opts(int argc, char **argv, struct sub_opts *o)
{
	static const struct option longs[] = {
		{"server", 1, 0, 's'},
		{"bind", 1, 0, 'b'},
		{"channels", 1, 0, 'c'},
		{"key", 1, 0, 'k'},
		{"key-file", 1, 0, 'K'},
		{"subscriber-id", 1, 0, 'I'},
		{"expires-in", 1, 0, 'e'},
		{"passive", 0, 0, 'p'},
		{"from-seq", 1, 0, 'f'},
		{"epoch", 1, 0, 'E'},
		{"count", 1, 0, 'n'},
		{"duration", 1, 0, 'd'},
		{"idle-exit", 1, 0, 'x'},
		{"verify", 0, 0, 'v'},
		{"expect", 1, 0, 'X'},
		{"allow-gaps", 0, 0, 'g'},
		{"allow-reset", 0, 0, 'r'},
		{"stall-after", 1, 0, 'S'},
		{"stall-ms", 1, 0, 'M'},
		{"impair", 1, 0, 'i'},
		{"rcvbuf", 1, 0, 'B'},
		{"json", 1, 0, 'j'},
		{"progress", 0, 0, 'P'},
		{"no-progress", 0, 0, 'N'},
		{"quiet", 0, 0, 'q'},
		{"help", 0, 0, 'h'},
		{0, 0, 0, 0},
	};
	const char *name;
	int c;

	ht_common_init(&o->c);
	o->expires_in = 3600;
	o->key_len = -1;
	while ((c = ht_next_option(&o->c, "herald-sub", argc, argv, longs,
				   &name)) != -1) {
		switch (c) {
		case -2: return -1;
		case 'k':
			o->key_len = herald_token_key_from_hex(optarg, o->key,
							       sizeof(o->key));
			if (o->key_len < 0)
				return bad("key", "(hidden)");
			break;
		case 'K':
			if (read_key_file(optarg, o) < 0)
				return -1;
			break;
		case 'p': o->passive = true; break;
		case 'v': o->verify = true; break;
		case 'g': o->allow_gaps = true; break;
		case 'r': o->allow_reset = true; break;
		case 'h': usage(stdout); exit(0);
		case '?': usage(stderr); return -1;
		default:
			if (set_number(o, c, name, optarg) < 0)
				return -1;
		}
	}
	if (ht_no_operands("herald-sub", argc, argv) < 0)
		return -1;
	if (ht_common_finish(&o->c, "herald-sub") < 0)
		return -1;
	if (o->key_len < 0) {
		fprintf(stderr,
			"herald-sub: --key or --key-file is required\n");
		return -1;
	}
	o->cfg.server = o->c.server;
	o->cfg.server_port = o->c.server_port;
	o->cfg.bind_addr = o->c.has_bind ? o->c.bind : NULL;
	o->cfg.bind_port = o->c.bind_port;
	o->cfg.impair = o->c.impair;
	return 0;
}

static const char *
status_str(uint8_t st)
{
	static const char *names[] = {"OK",    "BAD_TOKEN",	 "EXPIRED",
				      "LIMIT", "NOT_SUBSCRIBED", "UNAVAILABLE"};

	return st < 6 ? names[st] : "unknown";
}

struct sub_run {
	struct sub_opts *o;
	struct sub_verify v;
	uint64_t first_at, last_at;
	uint32_t subscribed, failed;
};

static void
on_event(void *arg, const struct herald_sub_event *ev)
{
	struct sub_run *r = arg;

	switch (ev->type) {
	case HERALD_SUB_MESSAGE:
		r->last_at = herald_now();
		if (r->first_at == 0)
			r->first_at = r->last_at;
		break;
	case HERALD_SUB_SUBACK:
		if (ev->status == 0) {
			r->subscribed++;
		} else {
			r->failed++;
			fprintf(stderr, "herald-sub: channel %" PRIu64 ": %s\n",
				ev->channel, status_str(ev->status));
		}
		break;
	case HERALD_SUB_SUBSCRIBE_TIMEOUT:
		r->failed++;
		fprintf(stderr,
			"herald-sub: channel %" PRIu64
			": no answer from Herald\n",
			ev->channel);
		break;
	case HERALD_SUB_SERVER_RESTARTED:
		fprintf(stderr, "herald-sub: Herald restarted (epoch %08x)\n",
			ev->epoch);
		break;
	case HERALD_SUB_SERVER_LOST:
		fprintf(stderr, "herald-sub: no answer to keep-alives\n");
		break;
	default: break;
	}
	sub_verify_event(&r->v, ev);
}

static int
subscribe_all(struct herald_sub *s, const struct sub_opts *o)
{
	struct herald_sub_request req = {
		.flags = o->passive ? HERALD_SUB_PASSIVE : 0,
		.from_seq = o->from_seq,
		.epoch = (uint32_t)o->epoch,
	};
	uint32_t addr, i;
	uint16_t port;
	int rc;

	rc = herald_sub_local(s, &addr, &port);
	if (rc < 0)
		return rc;
	req.expires = (uint64_t)time(NULL) + o->expires_in;
	for (i = 0; i < o->c.n_channels; i++) {
		req.channel = o->c.channels[i];
		rc = herald_token_mint(o->key, (size_t)o->key_len, req.channel,
				       herald_sub_id(s), req.expires, addr,
				       port, req.token);
		if (rc == 0)
			rc = herald_sub_subscribe(s, &req);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static bool
done(const struct sub_run *r, uint64_t start, uint64_t now)
{
	const struct sub_opts *o = r->o;

	if (ht_stop || (o->count && r->v.delivered >= o->count))
		return true;
	if (o->duration_ms && now - start >= o->duration_ms * 1000000)
		return true;
	if (o->idle_ms && r->last_at &&
	    now - r->last_at >= o->idle_ms * 1000000)
		return true;
	/* Every subscription refused: nothing will come. */
	return r->failed >= o->c.n_channels && r->subscribed == 0;
}

int
main(int argc, char **argv)
{
	struct sub_opts o = {0};
	struct sub_run r = {.o = &o};
	struct herald_sub_stats st;
	struct ht_progress prog;
	struct herald_sub *s;
	uint64_t start, now;
	bool stalled = false;
	char extra[160];
	int ok, rc = 0;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	if (sub_verify_init(&r.v, o.c.channels, o.c.n_channels) < 0)
		return 2;
	s = herald_sub_new(&o.cfg, on_event, &r);
	if (s == NULL || subscribe_all(s, &o) < 0) {
		fprintf(stderr, "herald-sub: cannot subscribe: %s\n",
			strerror(errno));
		return 2;
	}
	ht_catch_signals();
	ht_progress_init(&prog, o.c.progress);
	start = herald_now();
	for (now = start; !done(&r, start, now); now = herald_now()) {
		struct pollfd pfd = {.fd = herald_sub_fd(s), .events = POLLIN};
		uint64_t wait;

		if (o.stall_ms && !stalled && r.v.delivered >= o.stall_after) {
			struct timespec ts = {
				.tv_sec = (time_t)(o.stall_ms / 1000),
				.tv_nsec = (long)(o.stall_ms % 1000) * 1000000,
			};

			stalled = true;
			nanosleep(&ts,
				  NULL); /* not reading: the kernel drops */
			now = herald_now();
		}
		herald_sub_process(s, now);
		herald_sub_get_stats(s, &st);
		snprintf(extra, sizeof(extra),
			 "nacks %" PRIu64 " gaps %" PRIu64 " resets %" PRIu64,
			 st.nacks_sent, st.gaps, st.resets);
		ht_progress_tick(&prog, now, "delivered", r.v.delivered, extra);
		wait = herald_sub_next_timeout(s, now);
		if (wait > 100000000)
			wait = 100000000;
		poll(&pfd, 1, (int)((wait + 999999) / 1000000));
	}
	ht_progress_done(&prog);
	herald_sub_get_stats(s, &st);
	ok = sub_verify_finish(&r.v, o.verify ? o.expect : 0, o.allow_gaps,
			       o.allow_reset);
	sub_verify_report(&r.v, &st, o.c.quiet ? NULL : stdout, o.c.json,
			  (double)(now - start) / 1e9, o.verify);
	if (r.failed > 0 || (o.verify && !ok))
		rc = 1;
	else if (o.count && r.v.delivered < o.count)
		rc = 3;
	herald_sub_free(s);
	sub_verify_free(&r.v);
	free(o.c.channels);
	return rc;
}
