/* SPDX-License-Identifier: BSD-3-Clause
 * The CLI engine: one command context assembled from every area's table,
 * command files (every line runs or is rejected with file:line), the
 * interactive prompt, generated help, and failure reporting.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmdline_rdline.h>
#include <cmdline_socket.h>

#include "cli/cli.h"
#include "cli/cli_cmd.h"
#include "herald.h"

#define PROMPT "herald> "
/* Longest command-file line (without its newline). */
#define CLI_LINE_MAX 1023

static cmdline_parse_inst_t **const areas[] = {
	herald_cli_cmds_stats, herald_cli_cmds_sub, herald_cli_cmds_subscribers,
	herald_cli_cmds_run,   herald_cli_cmds_xdp,
};

static cmdline_parse_ctx_t *main_ctx;

/* The command being run: where its failures are reported. */
static struct {
	const char *path; /* command file, NULL at the prompt */
	unsigned int line;
	unsigned int failures;
	char reason[256];
} cur;

int
herald_cli_init(void)
{
	unsigned int a, i, n = 0;

	for (a = 0; a < RTE_DIM(areas); a++)
		for (i = 0; areas[a][i] != NULL; i++)
			n++;
	main_ctx = calloc(n + 1, sizeof(*main_ctx));
	if (main_ctx == NULL)
		return -1;
	n = 0;
	for (a = 0; a < RTE_DIM(areas); a++)
		for (i = 0; areas[a][i] != NULL; i++)
			main_ctx[n++] = areas[a][i];
	main_ctx[n] = NULL;
	return 0;
}

void
herald_cli_free(void)
{
	free(main_ctx);
	main_ctx = NULL;
}

FILE *
herald_cli_out(void)
{
	return stdout;
}

void
herald_cli_fail(const char *fmt, ...)
{
	va_list ap;

	cur.failures++;
	va_start(ap, fmt);
	vsnprintf(cur.reason, sizeof(cur.reason), fmt, ap);
	va_end(ap);
	/* A command file reports the reason with the line (run_file). */
	if (cur.path == NULL) {
		fprintf(stderr, "error: %s\n", cur.reason);
		fflush(stderr);
	}
}

void
herald_cli_print_help(FILE *f)
{
	unsigned int a, i;

	fprintf(f, "Commands:\n");
	for (a = 0; a < RTE_DIM(areas); a++) {
		for (i = 0; areas[a][i] != NULL; i++) {
			const char *h = areas[a][i]->help_str;
			const char *colon = strstr(h, ": ");
			int n = colon != NULL ? (int)(colon - h)
					      : (int)strlen(h);

			if (n <= 38)
				fprintf(f, "  %-38.*s %s\n", n, h,
					colon != NULL ? colon + 2 : "");
			else
				fprintf(f, "  %.*s\n  %-38s %s\n", n, h, "",
					colon != NULL ? colon + 2 : "");
		}
	}
}

static const char *
parse_status_str(int rc)
{
	switch (rc) {
	case CMDLINE_PARSE_AMBIGUOUS: return "ambiguous command";
	case CMDLINE_PARSE_NOMATCH: return "unknown command";
	case CMDLINE_PARSE_BAD_ARGS: return "bad arguments";
	default: return "cannot parse";
	}
}

/* A line's problem before it is parsed, or NULL. */
static const char *
line_defect(const char *line, ssize_t len)
{
	if (memchr(line, '\0', (size_t)len) != NULL)
		return "the line holds a NUL byte";
	if (len > CLI_LINE_MAX + (line[len - 1] == '\n'))
		return "the line is longer than 1023 bytes";
	return NULL;
}

/* One command-file line; returns whether it failed. */
static bool
run_line(struct cmdline *cl, const char *path, unsigned int lineno, char *line,
	 ssize_t len)
{
	const char *defect = line_defect(line, len);
	char *p = line;
	int rc;

	if (defect != NULL) {
		fprintf(stderr, "herald: %s:%u: %s\n", path, lineno, defect);
		return true;
	}
	if (line[len - 1] != '\n') {
		/* The last line may lack its newline: it runs all the same. */
		line[len] = '\n';
		line[len + 1] = '\0';
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#' || *p == '\n')
		return false;
	printf("%s%s", PROMPT, p);
	cur.line = lineno;
	cur.failures = 0;
	cur.reason[0] = '\0';
	/* Success returns the parsed length, failures are < 0. */
	rc = cmdline_parse(cl, p);
	p[strcspn(p, "\n")] = '\0';
	if (rc < 0) {
		fprintf(stderr, "herald: %s:%u: %s: %s\n", path, lineno,
			parse_status_str(rc), p);
		return true;
	}
	if (cur.failures != 0) {
		fprintf(stderr, "herald: %s:%u: command failed: %s: %s\n", path,
			lineno, p, cur.reason);
		return true;
	}
	return false;
}

int
herald_cli_run_file(const char *path)
{
	unsigned int lineno = 0;
	int failed = 0;
	struct cmdline *cl;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "herald: cannot read command file %s: %s\n",
			path, strerror(errno));
		return -1;
	}
	cl = cmdline_new(main_ctx, "", -1, STDOUT_FILENO);
	if (cl == NULL) {
		fclose(f);
		return -1;
	}
	cur.path = path;
	while (!herald.force_quit && !herald.stop_requested &&
	       (len = getline(&line, &cap, f)) > 0) {
		lineno++;
		/* Room for the newline a last line may lack. */
		if ((size_t)len + 2 > cap) {
			char *bigger = realloc(line, (size_t)len + 2);

			if (bigger == NULL)
				break;
			line = bigger;
			cap = (size_t)len + 2;
		}
		failed += run_line(cl, path, lineno, line, len);
	}
	cur.path = NULL;
	fflush(stdout);
	free(line);
	cmdline_free(cl);
	fclose(f);
	return failed;
}

struct cmdline *
herald_cli_stdin(void)
{
	return cmdline_stdin_new(main_ctx, PROMPT);
}

bool
herald_cli_poll(struct cmdline *cl)
{
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	char buf[4096];
	ssize_t n;

	if (poll(&pfd, 1, 0) <= 0)
		return true;
	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n <= 0)
		return false; /* end of input */
	return cmdline_in(cl, buf, (int)n) >= 0;
}

void
herald_cli_stdin_close(struct cmdline *cl)
{
	cmdline_stdin_exit(cl);
}
