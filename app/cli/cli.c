/* SPDX-License-Identifier: BSD-3-Clause
 * The CLI's command tables: one context assembled from every area's
 * table, the parser every source shares, generated help and docs, and
 * what a line that does not parse did wrong.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_priv.h"
#include "inet_parse.h"

struct cli_area {
	const char *name;
	cmdline_parse_inst_t **cmds;
};

static const struct cli_area areas[] = {
	{"stats", herald_cli_cmds_stats},
	{"sub", herald_cli_cmds_sub},
	{"subscribers", herald_cli_cmds_subscribers},
	{"top", herald_cli_cmds_top},
	{"run", herald_cli_cmds_run},
	{"sys", herald_cli_cmds_sys},
	{"xdp", herald_cli_cmds_xdp},
};

const char *const herald_cli_area_names[] = {
	"stats", "sub", "subscribers", "top", "run", "sys", "xdp", NULL,
};

char herald_cli_json_tag;

static cmdline_parse_ctx_t *main_ctx;
struct cmdline *herald_cli_parser;

int
herald_cli_init(void)
{
	unsigned int a, i, n = 0;

	for (a = 0; a < RTE_DIM(areas); a++)
		for (i = 0; areas[a].cmds[i] != NULL; i++)
			n++;
	main_ctx = calloc(n + 1, sizeof(*main_ctx));
	if (main_ctx == NULL)
		return -1;
	n = 0;
	for (a = 0; a < RTE_DIM(areas); a++)
		for (i = 0; areas[a].cmds[i] != NULL; i++)
			main_ctx[n++] = areas[a].cmds[i];
	main_ctx[n] = NULL;
	/* No file descriptors: sources get their answers through their own
	 * streams, never from rte_cmdline. */
	herald_cli_parser = cmdline_new(main_ctx, "", -1, -1);
	if (herald_cli_parser == NULL) {
		free(main_ctx);
		main_ctx = NULL;
		return -1;
	}
	return 0;
}

void
herald_cli_free(void)
{
	cli_prompt_close();
	cli_source_free_all();
	if (herald_cli_parser != NULL)
		cmdline_free(herald_cli_parser);
	herald_cli_parser = NULL;
	free(main_ctx);
	main_ctx = NULL;
}

/* The syntax part of a help string ("show stats: ..."): its length. */
static int
syntax_len(const char *h)
{
	const char *colon = strstr(h, ": ");

	return colon != NULL ? (int)(colon - h) : (int)strlen(h);
}

static const char *
description(const char *h)
{
	const char *colon = strstr(h, ": ");

	return colon != NULL ? colon + 2 : "";
}

unsigned int
herald_cli_print_help(FILE *f, const char *prefix)
{
	size_t pl = strlen(prefix);
	unsigned int a, i, shown = 0;

	for (a = 0; a < RTE_DIM(areas); a++) {
		for (i = 0; areas[a].cmds[i] != NULL; i++) {
			const char *h = areas[a].cmds[i]->help_str;
			int n = syntax_len(h);

			if (pl > 0 && strncmp(h, prefix, pl) != 0)
				continue;
			if (shown++ == 0)
				fprintf(f, "Commands:\n");
			if (n <= 38)
				fprintf(f, "  %-38.*s %s\n", n, h,
					description(h));
			else
				fprintf(f, "  %.*s\n  %-38s %s\n", n, h, "",
					description(h));
		}
	}
	return shown;
}

/* Markdown text: "<packets>" would be taken for an HTML tag. */
static void
doc_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else
			fputc(*s, out);
	}
}

int
herald_cli_doc_area(FILE *out, const char *area)
{
	unsigned int a, i;

	for (a = 0; a < RTE_DIM(areas); a++) {
		if (strcmp(areas[a].name, area) != 0)
			continue;
		for (i = 0; areas[a].cmds[i] != NULL; i++) {
			const cmdline_parse_inst_t *c = areas[a].cmds[i];

			fprintf(out, "- `%.*s`: ", syntax_len(c->help_str),
				c->help_str);
			doc_text(out, description(c->help_str));
			fprintf(out, "%s\n",
				c->data == HERALD_CLI_JSON ? " (*JSON*)" : "");
		}
		return 0;
	}
	return -1;
}

int
herald_cli_number(const char *w, uint64_t max, uint64_t *v)
{
	return inet_parse_u64(w, 0, max, v);
}

/* ---- lines that do not parse ---- */

static bool
end_of_line(char c)
{
	return c == '\0' || c == '\n' || c == '\r' || c == '#';
}

static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static size_t
word_len(const char *p)
{
	size_t n = 0;

	while (!end_of_line(p[n]) && p[n] != ' ' && p[n] != '\t')
		n++;
	return n;
}

/*
 * How many leading tokens of inst the line matches (each token's own
 * parser, as rte_cmdline runs them); *end: where the match stopped;
 * *more: the command has tokens beyond the match.
 */
static unsigned int
match_tokens(const cmdline_parse_inst_t *inst, const char *line,
	     const char **end, bool *more)
{
	/* Some parsers (the rest of the line) want room for a result. */
	static char scratch[CMDLINE_PARSE_RESULT_BUFSIZE];
	const char *p = line;
	unsigned int i;

	for (i = 0; inst->tokens[i] != NULL; i++) {
		cmdline_parse_token_hdr_t *tk = inst->tokens[i];
		const char *q = skip_blanks(p);
		int n;

		if (end_of_line(*q))
			break;
		n = tk->ops->parse(tk, q, scratch, sizeof(scratch));
		if (n < 0)
			break;
		p = q + n;
	}
	*end = p;
	*more = inst->tokens[i] != NULL;
	return i;
}

/* Append the syntax of every command matching best tokens, once each. */
static void
usages(char *buf, size_t len, const char *line, unsigned int best)
{
	size_t pos = strlen(buf);
	unsigned int i, n = 0;
	bool more;

	for (i = 0; main_ctx[i] != NULL; i++) {
		const char *h = main_ctx[i]->help_str, *end;
		int sl = syntax_len(h);

		if (match_tokens(main_ctx[i], line, &end, &more) != best)
			continue;
		if (pos + (size_t)sl + 16 >= len) {
			snprintf(buf + pos, len - pos, "; ...");
			pos = strlen(buf);
			break;
		}
		snprintf(buf + pos, len - pos, "%s%.*s",
			 n++ ? "; " : " (usage: ", sl, h);
		pos = strlen(buf);
	}
	if (n > 0 && pos + 1 < len)
		snprintf(buf + pos, len - pos, ")");
}

const char *
cli_explain(const char *line, int rc, char *buf, size_t len)
{
	const char *p = skip_blanks(line), *end = p, *e, *next;
	unsigned int i, best = 0, m;
	bool more, wanted = false;

	for (i = 0; main_ctx[i] != NULL; i++) {
		m = match_tokens(main_ctx[i], p, &e, &more);
		if (m > best) {
			best = m;
			end = e;
			wanted = false;
		}
		if (m == best && more)
			wanted = true;
	}
	if (best == 0) {
		snprintf(buf, len,
			 "'%.*s' is not a command (help lists the commands)",
			 (int)RTE_MIN(word_len(p), (size_t)64), p);
		return "unknown command";
	}
	next = skip_blanks(end);
	if (rc == CMDLINE_PARSE_AMBIGUOUS)
		snprintf(buf, len, "'%.*s' matches several commands",
			 (int)(end - p), p);
	else if (end_of_line(*next))
		snprintf(buf, len, "'%.*s' needs more arguments",
			 (int)(end - p), p);
	else if (wanted)
		snprintf(buf, len, "'%.*s' is not valid after '%.*s'",
			 (int)RTE_MIN(word_len(next), (size_t)64), next,
			 (int)(end - p), p);
	else
		snprintf(buf, len, "'%.*s' takes no more arguments ('%.*s')",
			 (int)(end - p), p,
			 (int)RTE_MIN(word_len(next), (size_t)64), next);
	usages(buf, len, p, best);
	return rc == CMDLINE_PARSE_AMBIGUOUS ? "ambiguous command"
					     : "bad arguments";
}
