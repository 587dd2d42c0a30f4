/* SPDX-License-Identifier: BSD-3-Clause
 * Sources of commands and where their answers go: every line of a source
 * runs through the one parser with that source current, so its output
 * (herald_cli_out) and failures (herald_cli_fail) reach its own sink and
 * nobody else's. A command that completes later parks its source; the
 * service loop polls it. Command files run quietly: acknowledgements are
 * dropped, a line is echoed only before output it produces, and one
 * summary line ends the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "cli/cli_priv.h"
#include "herald.h"

/* Time one service call gives a command file before other sources and
 * the rest of the control loop get their turn (us). */
#define CLI_FILE_BUDGET_US 2000

struct cli_file {
	FILE *f;
	char path[PATH_MAX];
	unsigned int lineno, n_cmds, n_failed, depth;
	/* The source that ran "load", NULL for the startup file. */
	struct herald_cli_source *parent;
	bool echo_pending; /* the running line's echo, before its output */
	char *buf;
	size_t cap;
};

struct herald_cli_source *cli_cur;
static struct herald_cli_source *sources;

static struct {
	bool starting;	  /* the startup file runs */
	bool interactive; /* open the prompt after it */
	int exit_code;
} boot;

/* ---- streams ---- */

static ssize_t
cookie_write(void *cookie, const char *buf, size_t len)
{
	struct herald_cli_source *s = cookie;

	if (len > 0)
		s->sink.out(s->sink.ctx, buf, len);
	return (ssize_t)len;
}

static void
discard_out(void *ctx __rte_unused, const char *buf __rte_unused,
	    size_t len __rte_unused)
{
}

static void
discard_err(void *ctx __rte_unused, const char *line __rte_unused)
{
}

static void
discard_done(void *ctx __rte_unused, bool ok __rte_unused)
{
}

static const struct herald_cli_sink discard_sink = {
	discard_out,
	discard_err,
	discard_done,
	NULL,
};

/* The startup file answers on herald's own stdout and stderr. */
static void
std_out(void *ctx __rte_unused, const char *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
}

static void
std_err(void *ctx __rte_unused, const char *line)
{
	fflush(stdout);
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

static const struct herald_cli_sink std_sink = {
	std_out,
	std_err,
	discard_done,
	NULL,
};

/* What a file's parent (or, for the startup file, herald) receives. */
static const struct herald_cli_sink *
parent_sink(const struct cli_file *cf)
{
	return cf->parent != NULL ? &cf->parent->sink : &std_sink;
}

static void
file_out(void *ctx, const char *buf, size_t len)
{
	struct herald_cli_source *s = ctx;
	struct cli_file *cf = s->file;
	const struct herald_cli_sink *p = parent_sink(cf);

	/* Output says which line it answers: the line comes first. */
	if (cf->echo_pending) {
		cf->echo_pending = false;
		p->out(p->ctx, HERALD_CLI_PROMPT, strlen(HERALD_CLI_PROMPT));
		p->out(p->ctx, s->line, strlen(s->line));
		p->out(p->ctx, "\n", 1);
	}
	p->out(p->ctx, buf, len);
}

static void
file_err(void *ctx, const char *line)
{
	const struct herald_cli_sink *p =
		parent_sink(((struct herald_cli_source *)ctx)->file);

	p->err(p->ctx, line);
}

static void
file_done(void *ctx, bool ok)
{
	struct herald_cli_source *s = ctx;

	s->file->n_failed += !ok;
}

/* ---- sources ---- */

struct herald_cli_source *
cli_source_add(enum cli_kind kind, const struct herald_cli_sink *sink)
{
	static const cookie_io_functions_t io = {.write = cookie_write};
	struct herald_cli_source *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->kind = kind;
	s->sink = *sink;
	s->out = fopencookie(s, "w", io);
	if (s->out == NULL) {
		free(s);
		return NULL;
	}
	/* Unbuffered: output and error lines keep their order. */
	setvbuf(s->out, NULL, _IONBF, 0);
	s->next = sources;
	sources = s;
	return s;
}

static void
source_free(struct herald_cli_source *s)
{
	struct herald_cli_source **pp;

	for (pp = &sources; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	if (cli_cur == s)
		cli_cur = NULL;
	fclose(s->out);
	if (s->file != NULL) {
		if (s->file->f != NULL)
			fclose(s->file->f);
		free(s->file->buf);
		free(s->file);
	}
	free(s);
}

void
cli_source_free_all(void)
{
	while (sources != NULL)
		source_free(sources);
}

/* One line naming what was wrong with the running line, as its kind of
 * source shows it. */
static void
report(struct herald_cli_source *s)
{
	char msg[2 * CLI_REASON_MAX + HERALD_CLI_LINE_MAX + PATH_MAX];
	const struct cli_file *cf = s->file;

	if (s->kind == CLI_SRC_FILE) {
		int n = snprintf(msg, sizeof(msg), "herald: %s:%u: ", cf->path,
				 cf->lineno);

		if (s->fail == CLI_FAIL_DEFECT)
			snprintf(msg + n, sizeof(msg) - n, "%s", s->reason);
		else
			snprintf(msg + n, sizeof(msg) - n, "%s: %s: %s",
				 s->fail == CLI_FAIL_PARSE ? s->status
							   : "command failed",
				 s->line, s->reason);
	} else {
		snprintf(msg, sizeof(msg), "%s%s%s%s",
			 s->kind == CLI_SRC_PROMPT ? "error: " : "",
			 s->fail == CLI_FAIL_PARSE ? s->status : "",
			 s->fail == CLI_FAIL_PARSE ? ": " : "", s->reason);
	}
	s->sink.err(s->sink.ctx, msg);
}

static void
finish(struct herald_cli_source *s)
{
	bool ok = s->fail == CLI_FAIL_NONE;

	cli_cur = NULL;
	if (!ok)
		report(s);
	s->busy = false;
	s->poll = NULL;
	if (s->file != NULL)
		s->file->echo_pending = false;
	s->sink.done(s->sink.ctx, ok);
}

static void
fail_line(struct herald_cli_source *s, enum cli_fail kind, const char *why)
{
	s->fail = kind;
	snprintf(s->reason, sizeof(s->reason), "%s", why);
	finish(s);
}

void
cli_source_reject(struct herald_cli_source *s, const char *why)
{
	s->line[0] = '\0';
	fail_line(s, CLI_FAIL_DEFECT, why);
}

void
cli_source_run(struct herald_cli_source *s, const char *text, size_t len)
{
	char buf[HERALD_CLI_LINE_MAX + 2];
	const char *defect = NULL;
	const char *p;
	int rc;

	s->fail = CLI_FAIL_NONE;
	s->line[0] = '\0';
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (memchr(text, '\0', len) != NULL)
		defect = "the line holds a NUL byte";
	else if (len > HERALD_CLI_LINE_MAX)
		defect = "the line is longer than 1023 bytes";
	if (defect != NULL) {
		/* Not known to be a comment: a command that failed. */
		if (s->file != NULL)
			s->file->n_cmds++;
		fail_line(s, CLI_FAIL_DEFECT, defect);
		return;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	p = buf;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#') {
		s->sink.done(s->sink.ctx, true);
		return;
	}
	snprintf(s->line, sizeof(s->line), "%.*s", (int)sizeof(s->line) - 1, p);
	if (s->file != NULL) {
		s->file->n_cmds++;
		s->file->echo_pending = true;
	}
	cli_cur = s;
	snprintf(buf, sizeof(buf), "%s\n", s->line);
	/* Success returns the parsed length, failures are < 0. */
	rc = cmdline_parse(herald_cli_parser, buf);
	if (rc < 0) {
		s->fail = CLI_FAIL_PARSE;
		s->status =
			cli_explain(s->line, rc, s->reason, sizeof(s->reason));
	}
	if (rc >= 0 && s->poll != NULL && s->fail == CLI_FAIL_NONE) {
		/* Parked: herald_cli_service polls it. */
		s->busy = true;
		cli_cur = NULL;
		return;
	}
	finish(s);
}

/* ---- what commands call ---- */

FILE *
herald_cli_out(void)
{
	return cli_cur != NULL ? cli_cur->out : stdout;
}

void
herald_cli_fail(const char *fmt, ...)
{
	struct herald_cli_source *s = cli_cur;
	va_list ap;

	if (s == NULL || s->fail != CLI_FAIL_NONE)
		return;
	s->fail = CLI_FAIL_CMD;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
}

void
herald_cli_ack(const char *fmt, ...)
{
	va_list ap;

	if (cli_cur == NULL || cli_cur->kind == CLI_SRC_FILE)
		return;
	va_start(ap, fmt);
	vfprintf(cli_cur->out, fmt, ap);
	va_end(ap);
}

bool
herald_cli_json(void)
{
	return cli_cur != NULL && cli_cur->json;
}

void
herald_cli_set_json(bool on)
{
	if (cli_cur != NULL)
		cli_cur->json = on;
}

void
herald_cli_defer(herald_cli_poll_fn poll, uint64_t arg)
{
	if (cli_cur == NULL)
		return;
	cli_cur->poll = poll;
	cli_cur->poll_arg = arg;
}

/* ---- command files ---- */

static struct herald_cli_source *
file_open(const char *path, struct herald_cli_source *parent,
	  unsigned int depth, char *why, size_t why_len)
{
	struct herald_cli_source *s;
	struct herald_cli_sink sink = {file_out, file_err, file_done, NULL};
	struct cli_file *cf = calloc(1, sizeof(*cf));

	if (cf == NULL) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	cf->f = fopen(path, "r");
	if (cf->f == NULL) {
		snprintf(why, why_len, "cannot read %s: %s", path,
			 strerror(errno));
		free(cf);
		return NULL;
	}
	snprintf(cf->path, sizeof(cf->path), "%s", path);
	cf->parent = parent;
	cf->depth = depth;
	s = cli_source_add(CLI_SRC_FILE, &sink);
	if (s == NULL) {
		fclose(cf->f);
		free(cf);
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	s->sink.ctx = s;
	s->file = cf;
	/* A file loaded by a JSON client answers in JSON too. */
	s->json = parent != NULL && parent->json;
	return s;
}

/* The end of a file: its summary, then whoever waited for it. */
static void
file_end(struct herald_cli_source *s)
{
	struct cli_file *cf = s->file;
	const struct herald_cli_sink *p = parent_sink(cf);
	char sum[PATH_MAX + 64];
	int n;

	n = snprintf(sum, sizeof(sum), "%s: %u command%s, %u failed\n",
		     cf->path, cf->n_cmds, cf->n_cmds == 1 ? "" : "s",
		     cf->n_failed);
	p->out(p->ctx, sum, (size_t)RTE_MIN(n, (int)sizeof(sum) - 1));
	if (cf->parent != NULL) {
		cf->parent->child = NULL;
		cf->parent->child_cmds = cf->n_cmds;
		cf->parent->child_failed = cf->n_failed;
	} else {
		boot.starting = false;
		if (cf->n_failed != 0) {
			/* Stop before any traffic flows on a state the
			 * operator did not ask for. */
			boot.exit_code = 2;
			herald.force_quit = true;
		} else if (!herald.force_quit && !herald.stop_requested) {
			herald_pause_release();
			herald.run_start_tsc = rte_get_tsc_cycles();
			if (boot.interactive && cli_prompt_open() < 0)
				herald.force_quit = true;
		}
	}
	fflush(stdout);
	s->dead = true;
}

/* Lines of a file until one is parked, the file ends or the budget is
 * spent. */
static void
file_step(struct herald_cli_source *s, uint64_t deadline)
{
	struct cli_file *cf = s->file;
	ssize_t len;

	while (!s->busy && s->child == NULL) {
		/* "quit" (or a signal) ends the file where it is. */
		len = herald.force_quit || herald.stop_requested
			      ? 0
			      : getline(&cf->buf, &cf->cap, cf->f);
		if (len <= 0) {
			file_end(s);
			return;
		}
		cf->lineno++;
		cli_source_run(s, cf->buf, (size_t)len);
		if (rte_get_tsc_cycles() > deadline)
			return;
	}
}

static int
load_poll(uint64_t arg)
{
	struct herald_cli_source *s =
		(struct herald_cli_source *)(uintptr_t)arg;

	if (s->child != NULL)
		return 0;
	if (s->child_failed != 0) {
		herald_cli_fail("load: %u of %u commands failed",
				s->child_failed, s->child_cmds);
		return -1;
	}
	return 1;
}

void
herald_cli_load(const char *path)
{
	struct herald_cli_source *s = cli_cur, *child;
	unsigned int depth = 1;
	char why[PATH_MAX + 64];

	if (s == NULL)
		return;
	if (s->file != NULL)
		depth = s->file->depth + 1;
	if (depth > CLI_LOAD_DEPTH) {
		herald_cli_fail("load %s: command files nested deeper than %d",
				path, CLI_LOAD_DEPTH);
		return;
	}
	child = file_open(path, s, depth, why, sizeof(why));
	if (child == NULL) {
		herald_cli_fail("load: %s", why);
		return;
	}
	s->child = child;
	herald_cli_defer(load_poll, (uint64_t)(uintptr_t)s);
}

/* ---- the service loop ---- */

int
herald_cli_start(const char *cmdline_file, bool interactive)
{
	char why[PATH_MAX + 64];

	boot.interactive = interactive;
	boot.exit_code = 0;
	if (cmdline_file == NULL) {
		herald_pause_release();
		return interactive ? cli_prompt_open() : 0;
	}
	if (file_open(cmdline_file, NULL, 0, why, sizeof(why)) == NULL) {
		fprintf(stderr, "herald: %s\n", why);
		boot.exit_code = 2;
		return -1;
	}
	boot.starting = true;
	return 0;
}

bool
herald_cli_starting(void)
{
	return boot.starting;
}

int
herald_cli_exit_code(void)
{
	return boot.exit_code;
}

/* What a parked command that failed adds to its line. */
#define CLI_FAILED ": failed"

/* A parked command: is it done? */
static void
poll_parked(struct herald_cli_source *s)
{
	int rc;

	cli_cur = s;
	rc = s->poll(s->poll_arg);
	cli_cur = NULL;
	if (rc == 0)
		return;
	if (rc < 0 && s->fail == CLI_FAIL_NONE) {
		s->fail = CLI_FAIL_CMD;
		/* The reason names the line, cut to what the reason holds. */
		snprintf(s->reason, sizeof(s->reason), "%.*s" CLI_FAILED,
			 (int)(sizeof(s->reason) - sizeof(CLI_FAILED)),
			 s->line);
	}
	finish(s);
}

void
herald_cli_service(void)
{
	uint64_t deadline = rte_get_tsc_cycles() +
			    rte_get_tsc_hz() / 1000000 * CLI_FILE_BUDGET_US;
	struct herald_cli_source *s, *next;

	for (s = sources; s != NULL; s = s->next)
		if (s->busy && s->poll != NULL && s->child == NULL)
			poll_parked(s);
	/* A "load" child runs before the parent that waits for it. */
	for (s = sources; s != NULL; s = s->next)
		if (s->file != NULL && !s->dead && !s->busy)
			file_step(s, deadline);
	for (s = sources; s != NULL; s = s->next)
		if (s->busy && s->poll != NULL && s->child == NULL)
			poll_parked(s);
	cli_prompt_poll();
	for (s = sources; s != NULL; s = next) {
		next = s->next;
		if (s->dead || (s->closed && !s->busy && s->child == NULL))
			source_free(s);
	}
}

/* ---- sources of other modules ---- */

struct herald_cli_source *
herald_cli_source_new(const struct herald_cli_sink *sink)
{
	return cli_source_add(CLI_SRC_CLIENT, sink);
}

void
herald_cli_source_line(struct herald_cli_source *src, const char *line,
		       size_t len)
{
	if (src->busy || src->closed)
		return;
	cli_source_run(src, line, len);
}

bool
herald_cli_source_busy(const struct herald_cli_source *src)
{
	return src->busy;
}

void
herald_cli_source_close(struct herald_cli_source *src)
{
	src->sink = discard_sink;
	src->closed = true;
}
