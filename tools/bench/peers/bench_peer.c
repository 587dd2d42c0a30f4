/* SPDX-License-Identifier: BSD-3-Clause
 * bench-peer: options, counting, reports (bench_peer.h).
 *
 *   bench-peer pub SYSTEM ADDR PORT [--size B] [--rate N] [--duration S]
 *   bench-peer sub SYSTEM ADDR PORT [--size B] [--conns M] [--idle-exit S]
 *   SYSTEM: herald (--key HEX), relay, nats, redis; --json FILE for both.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_peer.h"

volatile int bp_stop;

uint64_t
bp_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
bp_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
sample(uint64_t **arr, uint64_t *n, uint64_t *cap, uint64_t v)
{
	if (*n == *cap) {
		uint64_t c = *cap ? *cap * 2 : 65536;
		uint64_t *a;

		if (c > (16u << 20))
			return;
		a = realloc(*arr, c * sizeof(*a));
		if (a == NULL)
			return;
		*arr = a;
		*cap = c;
	}
	(*arr)[(*n)++] = v;
}

void
bp_sub_got(struct bp_sub_stats *st, uint32_t conn, const uint8_t *payload,
	   uint32_t len, uint64_t hdr_ts)
{
	uint64_t now = bp_real_ns(), sent;

	st->last_ns = bp_mono_ns();
	if (st->received++ == 0)
		st->first_ns = st->last_ns;
	if (conn < BP_MAX_CONNS)
		st->per_conn[conn]++;
	if (len >= 8) {
		memcpy(&sent, payload, 8);
		if (now > sent)
			sample(&st->lat, &st->n_lat, &st->cap_lat, now - sent);
	}
	if (hdr_ts != 0 && now > hdr_ts)
		sample(&st->lat_hdr, &st->n_lat_hdr, &st->cap_lat_hdr,
		       now - hdr_ts);
}

uint64_t
bp_pub_due(const struct bp_opts *o, uint64_t start, uint64_t now, uint64_t sent)
{
	uint64_t due;

	if (o->rate == 0)
		return sent + 256;
	due = (now - start) / 1000 * o->rate / 1000000 + 1;
	return due > sent ? due : sent;
}

void
bp_payload(uint8_t *buf, uint32_t size)
{
	uint64_t now = bp_real_ns();

	memcpy(buf, &now, 8);
	memset(buf + 8, 0x5a, size - 8);
}

void
bp_ready(void)
{
	printf("READY\n");
	fflush(stdout);
}

bool
bp_sub_done(const struct bp_opts *o, const struct bp_sub_stats *st,
	    uint64_t start, uint64_t now)
{
	if (bp_stop)
		return true;
	if (st->received > 0 &&
	    now - st->last_ns > (uint64_t)(o->idle_exit * 1e9))
		return true;
	return now - start > (uint64_t)(o->max_wait * 1e9);
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
pcts(FILE *f, const char *name, uint64_t *v, uint64_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	fprintf(f,
		", \"%s\": {\"p50\": %" PRIu64 ", \"p99\": %" PRIu64
		", \"p999\": %" PRIu64 ", \"samples\": %" PRIu64 "}",
		name, n ? v[n / 2] : 0, n ? v[(uint64_t)(n * 0.99)] : 0,
		n ? v[(uint64_t)(n * 0.999)] : 0, n);
}

void
bp_sub_report(const struct bp_opts *o, struct bp_sub_stats *st)
{
	FILE *f = o->json ? fopen(o->json, "w") : stdout;
	uint64_t min = UINT64_MAX;
	uint32_t i;

	for (i = 0; i < o->conns && i < BP_MAX_CONNS; i++)
		if (st->per_conn[i] < min)
			min = st->per_conn[i];
	fprintf(f,
		"{\"received\": %" PRIu64 ", \"seconds\": %.6f, \"cpu_s\": %.4f"
		", \"conns\": %u, \"min_per_conn\": %" PRIu64
		", \"gaps\": %" PRIu64 ", \"nacks\": %" PRIu64
		", \"coalesced\": %" PRIu64,
		st->received, (double)(st->last_ns - st->first_ns) / 1e9,
		cpu_seconds(), o->conns, min, st->gaps, st->nacks,
		st->coalesced);
	pcts(f, "latency_ns", st->lat, st->n_lat);
	pcts(f, "latency_deliver_ns", st->lat_hdr, st->n_lat_hdr);
	fprintf(f, "}\n");
	if (f != stdout)
		fclose(f);
}

void
bp_pub_report(const struct bp_opts *o, uint64_t sent, double secs,
	      uint64_t extra_resends)
{
	FILE *f = o->json ? fopen(o->json, "w") : stdout;

	fprintf(f,
		"{\"sent\": %" PRIu64 ", \"seconds\": %.6f, \"cpu_s\": %.4f"
		", \"resends\": %" PRIu64 "}\n",
		sent, secs, cpu_seconds(), extra_resends);
	if (f != stdout)
		fclose(f);
}

static void
on_signal(int sig)
{
	(void)sig;
	bp_stop = 1;
}

static int
usage(void)
{
	fprintf(stderr,
		"usage: bench-peer pub|sub herald|relay|nats|redis ADDR PORT\n"
		"       [--size B] [--rate N] [--duration S] [--conns M]\n"
		"       [--idle-exit S] [--max-wait S] [--channel N] [--key "
		"HEX]\n"
		"       [--json FILE]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static const struct option longs[] = {
		{"size", 1, 0, 'z'},	  {"rate", 1, 0, 'r'},
		{"duration", 1, 0, 'd'},  {"conns", 1, 0, 'c'},
		{"idle-exit", 1, 0, 'i'}, {"max-wait", 1, 0, 'w'},
		{"channel", 1, 0, 'C'},	  {"key", 1, 0, 'k'},
		{"json", 1, 0, 'j'},	  {0, 0, 0, 0},
	};
	struct bp_opts o = {
		.size = 64,
		.channel = 1,
		.duration = 3,
		.conns = 1,
		.idle_exit = 1,
		.max_wait = 60,
	};
	struct bp_sub_stats *st;
	bool pub;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'z': o.size = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'r': o.rate = strtoull(optarg, NULL, 0); break;
		case 'd': o.duration = strtod(optarg, NULL); break;
		case 'c': o.conns = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'i': o.idle_exit = strtod(optarg, NULL); break;
		case 'w': o.max_wait = strtod(optarg, NULL); break;
		case 'C': o.channel = strtoull(optarg, NULL, 0); break;
		case 'k': o.key_hex = optarg; break;
		case 'j': o.json = optarg; break;
		default: return usage();
		}
	}
	if (argc - optind != 4 || o.size < 8 || o.size > 1400 || o.conns == 0 ||
	    o.conns > BP_MAX_CONNS || o.channel == 0)
		return usage();
	pub = strcmp(argv[optind], "pub") == 0;
	if (!pub && strcmp(argv[optind], "sub") != 0)
		return usage();
	o.system = argv[optind + 1];
	o.addr = argv[optind + 2];
	o.port = (uint16_t)strtoul(argv[optind + 3], NULL, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return 1;
	if (strcmp(o.system, "herald") == 0)
		rc = pub ? bp_herald_pub(&o) : bp_herald_sub(&o, st);
	else if (strcmp(o.system, "relay") == 0)
		rc = pub ? bp_relay_pub(&o) : bp_relay_sub(&o, st);
	else if (strcmp(o.system, "nats") == 0 ||
		 strcmp(o.system, "redis") == 0)
		rc = pub ? bp_tcp_pub(&o) : bp_tcp_sub(&o, st);
	else
		return usage();
	if (!pub && rc == 0)
		bp_sub_report(&o, st);
	return rc == 0 ? 0 : 1;
}
