/* SPDX-License-Identifier: BSD-3-Clause
 * bench_parse: cost of hwp_parse (and hwp_validate) on typical datagrams.
 *
 * Each case is timed in RUNS runs of about RUN_MS milliseconds each (the
 * iteration count is calibrated first); the table shows the median run,
 * and its min and max, in ns per datagram and ns per frame.
 *
 * Usage: bench_parse [RUNS [RUN_MS]]   (defaults: 9 runs of 100 ms)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timing.h"
#include "hwp.h"

#define MAX_DGRAM   2048
#define FRAME_ARRAY 32 /* a realistic per-datagram array for a worker */

struct bench_case {
	const char *name;
	enum hwp_dir dir;
	uint8_t buf[MAX_DGRAM];
	size_t len;
	unsigned int nframes;
};

static struct hwp_frame frames[FRAME_ARRAY];
/* Results feed this so no call can be optimised away. */
static volatile uint64_t sink;

static size_t
add_publish(uint8_t *buf, size_t cap, uint64_t seq, size_t payload_len)
{
	static uint8_t payload[HWP_MAX_PAYLOAD];
	struct hwp_publish p = {
		.channel = 0x1234567890abcdefULL,
		.publisher = 7,
		.pub_seq = seq,
	};
	int n;

	memset(payload, 0x5a, sizeof(payload));
	n = hwp_encode_publish(buf, cap, 0, &p, payload, payload_len);
	if (n < 0) {
		fprintf(stderr, "bench_parse: cannot encode PUBLISH\n");
		exit(1);
	}
	return (size_t)n;
}

static void
make_publish(struct bench_case *c, const char *name, size_t payload_len,
	     unsigned int count)
{
	unsigned int i;

	c->name = name;
	c->dir = HWP_DIR_TO_HERALD;
	c->len = 0;
	for (i = 0; i < count; i++)
		c->len += add_publish(c->buf + c->len, sizeof(c->buf) - c->len,
				      i + 1, payload_len);
	c->nframes = count;
}

static void
make_subscribe(struct bench_case *c)
{
	struct hwp_subscribe s = {
		.channel = 0x1234567890abcdefULL,
		.subscriber = 99,
		.expires = 1767225600,
	};

	memset(s.token, 0xab, sizeof(s.token));
	c->name = "SUBSCRIBE";
	c->dir = HWP_DIR_TO_HERALD;
	c->len = (size_t)hwp_encode_subscribe(c->buf, sizeof(c->buf), &s);
	c->nframes = 1;
}

struct loop_arg {
	const struct bench_case *c;
	int validate;
};

/* Times iters parses (or validations) of a case; returns elapsed ns. */
static uint64_t
time_loop(const void *arg, uint64_t iters)
{
	const struct loop_arg *la = arg;
	const struct bench_case *c = la->c;
	int validate = la->validate;
	uint64_t acc = 0;
	uint64_t t0;
	uint64_t i;
	unsigned int n = 0;

	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		enum hwp_err err;

		if (validate)
			err = hwp_validate(c->buf, c->len, c->dir, &n, NULL);
		else
			err = hwp_parse(c->buf, c->len, c->dir, frames,
					FRAME_ARRAY, &n, NULL);
		acc += (uint64_t)err + n;
	}
	t0 = bench_now_ns() - t0;
	sink += acc + frames[0].length;
	return t0;
}

static void
bench(const struct bench_case *c, int validate, unsigned int runs,
      unsigned int run_ms)
{
	struct loop_arg la = {.c = c, .validate = validate};
	double ns[BENCH_MAX_RUNS];
	unsigned int n = 0;
	double med;

	if (hwp_validate(c->buf, c->len, c->dir, &n, NULL) != HWP_ERR_OK ||
	    n != c->nframes) {
		fprintf(stderr, "bench_parse: %s is not a valid datagram\n",
			c->name);
		exit(1);
	}
	bench_time(time_loop, &la, runs, run_ms, ns);
	med = ns[runs / 2];
	printf("%-22s %-8s %6zu %6u %10.1f %10.2f %8.1f %8.1f %9.2f\n", c->name,
	       validate ? "validate" : "parse", c->len, c->nframes, med,
	       med / c->nframes, ns[0], ns[runs - 1], 1e3 / med);
}

int
main(int argc, char **argv)
{
	static struct bench_case cases[4];
	unsigned int runs = argc > 1 ? (unsigned int)atoi(argv[1]) : 9;
	unsigned int run_ms = argc > 2 ? (unsigned int)atoi(argv[2]) : 100;
	unsigned int i;

	if (runs < 1 || runs > BENCH_MAX_RUNS || run_ms < 1) {
		fprintf(stderr, "usage: %s [RUNS(1-%d) [RUN_MS]]\n", argv[0],
			BENCH_MAX_RUNS);
		return 2;
	}
	make_publish(&cases[0], "PUBLISH 64 B", 64, 1);
	make_publish(&cases[1], "PUBLISH 1024 B", 1024, 1);
	/* 16 x (32 + 56) = 1408 bytes: fits one 1500-byte-MTU datagram. */
	make_publish(&cases[2], "16 x PUBLISH 56 B", 56, 16);
	make_subscribe(&cases[3]);

	printf("hwp_parse / hwp_validate, median of %u runs of ~%u ms "
	       "(frame array %d)\n",
	       runs, run_ms, FRAME_ARRAY);
	printf("%-22s %-8s %6s %6s %10s %10s %8s %8s %9s\n", "datagram", "call",
	       "bytes", "frames", "ns/dgram", "ns/frame", "min", "max",
	       "Mdgram/s");
	/* Warm-up: let the CPU reach its steady clock before the first case. */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		time_loop(&(struct loop_arg){.c = &cases[i]}, 2000000);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bench(&cases[i], 0, runs, run_ms);
		bench(&cases[i], 1, runs, run_ms);
	}
	return sink == 42 ? 1 : 0; /* keep sink observable */
}
