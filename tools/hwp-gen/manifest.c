/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: streaming JSON writer for the --manifest file.
 *
 * Streaming (rather than building a tree) keeps memory flat for large
 * captures: the malformed and mix modes write one array entry per
 * packet as it is generated. With no --manifest every call is a no-op.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "gen.h"

int
gen_json_open(struct gen_json *j, const char *path)
{
	memset(j, 0, sizeof(*j));
	if (path == NULL)
		return 0;
	j->f = fopen(path, "w");
	if (j->f == NULL) {
		gen_err("cannot write manifest %s: %s", path, strerror(errno));
		return -1;
	}
	j->first[0] = true;
	return 0;
}

int
gen_json_close(struct gen_json *j)
{
	int rc = 0;

	if (j->f == NULL)
		return 0;
	if (ferror(j->f) || fclose(j->f) != 0) {
		gen_err("write error on the manifest");
		rc = -1;
	}
	j->f = NULL;
	return rc;
}

static void
indent(struct gen_json *j)
{
	int i;

	if (j->depth > 0 && j->inline_[j->depth - 1]) {
		fputc(' ', j->f);
		return;
	}
	if (j->depth > 0)
		fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void
put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Separator, indentation and key of the next member or element. */
static void
member(struct gen_json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth - 1])
			fputc(',', j->f);
		j->first[j->depth - 1] = false;
	}
	indent(j);
	if (key != NULL) {
		put_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void
open_container(struct gen_json *j, const char *key, bool one_line, char c)
{
	bool parent_inline;

	if (j->f == NULL || j->depth >= GEN_JSON_MAX_DEPTH)
		return;
	parent_inline = j->depth > 0 && j->inline_[j->depth - 1];
	member(j, key);
	fputc(c, j->f);
	j->first[j->depth] = true;
	j->inline_[j->depth] = one_line || parent_inline;
	j->depth++;
}

void
gen_json_obj(struct gen_json *j, const char *key, bool one_line)
{
	open_container(j, key, one_line, '{');
}

void
gen_json_arr(struct gen_json *j, const char *key, bool one_line)
{
	open_container(j, key, one_line, '[');
}

void
gen_json_end(struct gen_json *j, bool is_arr)
{
	bool was_inline;
	bool empty;
	int i;

	if (j->f == NULL || j->depth == 0)
		return;
	j->depth--;
	was_inline = j->inline_[j->depth];
	empty = j->first[j->depth];
	if (was_inline && !empty) {
		fputc(' ', j->f);
	} else if (!empty) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(is_arr ? ']' : '}', j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void
gen_json_u64(struct gen_json *j, const char *key, uint64_t v)
{
	if (j->f == NULL)
		return;
	member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void
gen_json_str(struct gen_json *j, const char *key, const char *s)
{
	if (j->f == NULL)
		return;
	member(j, key);
	put_string(j->f, s);
}

void
gen_json_bool(struct gen_json *j, const char *key, bool v)
{
	gen_json_raw(j, key, v ? "true" : "false");
}

void
gen_json_raw(struct gen_json *j, const char *key, const char *v)
{
	if (j->f == NULL)
		return;
	member(j, key);
	fputs(v, j->f);
}

static void
put_ts(struct gen_json *j, const char *key, uint64_t us)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%" PRIu64 ".%06" PRIu64, us / 1000000u,
		 us % 1000000u);
	gen_json_str(j, key, buf);
}

void
gen_manifest_head(struct gen_ctx *g)
{
	const struct gen_opts *o = g->o;
	char ip[16];

	gen_json_obj(&g->man, NULL, false);
	gen_json_str(&g->man, "generator", "hwp-gen");
	gen_json_u64(&g->man, "format", 1);
	gen_json_str(&g->man, "mode", gen_mode_str(o->mode));
	gen_json_u64(&g->man, "seed", o->seed);
	gen_json_str(&g->man, "output", o->output);
	gen_json_bool(&g->man, "append", o->append);
	gen_json_u64(&g->man, "first_index", g->out.first_index);
	put_ts(&g->man, "first_time", g->out.ts_us);
	gen_json_u64(&g->man, "interval_us", o->interval_us);
	gen_json_str(&g->man, "herald_ip", gen_ip_str(o->herald.ip, ip));
	gen_json_u64(&g->man, "herald_port", o->herald.port);
}

void
gen_manifest_tail(struct gen_ctx *g)
{
	gen_json_u64(&g->man, "packet_count", g->out.written);
	gen_json_u64(&g->man, "datagrams", g->datagrams);
	gen_json_u64(&g->man, "frames", g->frames);
	if (g->out.written > 0)
		put_ts(&g->man, "last_time", g->out.last_ts_us);
	gen_json_end(&g->man, false);
}
