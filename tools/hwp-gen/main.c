/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: entry point. Parses the command line, opens the pcap and the
 * manifest, runs the chosen mode and reports a one-line summary.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "gen.h"
#include "hwp_token.h"

int
gen_emit(struct gen_ctx *g, const uint8_t *frame, size_t len)
{
	return gen_out_write(&g->out, frame, len);
}

int
gen_emit_to_herald(struct gen_ctx *g, const struct gen_endpoint *src,
		   const uint8_t *payload, size_t len)
{
	size_t flen;

	/* Consecutive ids, as one sender would number its datagrams. */
	flen = gen_build_udp4(g->pkt, src, &g->o->herald, g->ip_id++, payload,
			      len);
	return gen_emit(g, g->pkt, flen);
}

static int
run_mode(struct gen_ctx *g)
{
	switch (g->o->mode) {
	case GEN_MODE_PUBLISH:
	case GEN_MODE_MIX: return gen_mode_publish(g);
	case GEN_MODE_SUBSCRIBE:
	case GEN_MODE_UNSUBSCRIBE:
	case GEN_MODE_HEARTBEAT:
	case GEN_MODE_NACK: return gen_mode_session(g);
	case GEN_MODE_MALFORMED: return gen_mode_malformed(g);
	default: return -1;
	}
}

int
main(int argc, char **argv)
{
	struct gen_opts opts;
	struct gen_ctx *g;
	int rc = GEN_EXIT_OK;

	gen_opts_parse(&opts, argc, argv);
	if (hwp_token_init() != 0) {
		gen_err("cannot initialise libsodium");
		return GEN_EXIT_FAIL;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL) {
		gen_err("out of memory");
		return GEN_EXIT_FAIL;
	}
	g->o = &opts;
	gen_rng_seed(&g->rng, opts.seed);
	/* IPv4 ids start at a seeded value: every mode depends on the seed. */
	g->ip_id = (uint16_t)gen_rng_next(&g->rng);
	if (gen_out_open(&g->out, &opts) != 0) {
		rc = GEN_EXIT_FAIL;
		goto out;
	}
	if (gen_json_open(&g->man, opts.manifest) != 0) {
		gen_out_close(&g->out);
		rc = GEN_EXIT_FAIL;
		goto out;
	}
	gen_manifest_head(g);
	if (run_mode(g) != 0)
		rc = GEN_EXIT_FAIL;
	gen_manifest_tail(g);
	if (gen_out_close(&g->out) != 0)
		rc = GEN_EXIT_FAIL;
	if (gen_json_close(&g->man) != 0)
		rc = GEN_EXIT_FAIL;
	if (rc == GEN_EXIT_OK && !opts.quiet)
		fprintf(stderr,
			"hwp-gen: %s: %" PRIu64 " packets, %" PRIu64
			" valid frames -> %s\n",
			gen_mode_str(opts.mode), g->out.written, g->frames,
			opts.output);
out:
	free(g);
	gen_opts_free(&opts);
	return rc;
}
