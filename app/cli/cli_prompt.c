/* SPDX-License-Identifier: BSD-3-Clause
 * The interactive prompt (-i): rte_cmdline's line editor (rdline: keys,
 * history, tab completion from the command tables) on stdin, polled from
 * the control loop. Every byte available is taken at once (a paste of
 * many lines is instant), but fed to the editor one line at a time: a
 * command that completes later ("pause at") parks the prompt, and the
 * lines typed meanwhile wait for it.
 */
#include <ctype.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmdline_rdline.h>

#include "cli/cli_priv.h"
#include "herald.h"

/* rdline holds 512 bytes and drops what a longer line types: such a
 * line is refused, not run cut. */
#define PROMPT_LINE_MAX 511

static struct {
	struct rdline *rdl;
	struct herald_cli_source *src;
	struct termios saved;
	bool restore;
	char in[4096];
	size_t len, off;
	bool eof;
	bool newline_owed; /* the prompt, once the parked command is done */
	bool overlong;
} pr;

static int
write_char(struct rdline *rdl __rte_unused, char c)
{
	return write(STDOUT_FILENO, &c, 1) == 1 ? 0 : -1;
}

static void
prompt_out(void *ctx __rte_unused, const char *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
}

static void
prompt_err(void *ctx __rte_unused, const char *line)
{
	fflush(stdout);
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

static void
prompt_done(void *ctx __rte_unused, bool ok __rte_unused)
{
	fflush(stdout);
	if (pr.newline_owed) {
		pr.newline_owed = false;
		rdline_newline(pr.rdl, HERALD_CLI_PROMPT);
	}
}

static void
validate(struct rdline *rdl __rte_unused, const char *buf,
	 unsigned int size __rte_unused)
{
	size_t len = strlen(buf);

	fflush(stdout);
	if (pr.overlong) {
		pr.overlong = false;
		/* Refused whole: run as kept it would be another command. */
		cli_source_reject(pr.src, "the line is longer than the "
					  "prompt's 511 bytes");
		return;
	}
	cli_source_run(pr.src, buf, len);
}

static int
complete(struct rdline *rdl __rte_unused, const char *buf, char *dst,
	 unsigned int size, int *state)
{
	return cmdline_complete(herald_cli_parser, buf, state, dst, size);
}

int
cli_prompt_open(void)
{
	static const struct herald_cli_sink sink = {
		prompt_out,
		prompt_err,
		prompt_done,
		NULL,
	};
	struct termios t;

	pr.src = cli_source_add(CLI_SRC_PROMPT, &sink);
	pr.rdl = rdline_new(write_char, validate, complete, NULL);
	if (pr.src == NULL || pr.rdl == NULL)
		return -1;
	/* Raw keys, no echo (the editor echoes), signals kept off so that
	 * ^C edits the line, as rte_cmdline's own prompt does. */
	if (tcgetattr(STDIN_FILENO, &pr.saved) == 0) {
		t = pr.saved;
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
		pr.restore = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
	}
	fflush(stdout);
	rdline_newline(pr.rdl, HERALD_CLI_PROMPT);
	return 0;
}

void
cli_prompt_close(void)
{
	if (pr.restore)
		tcsetattr(STDIN_FILENO, TCSANOW, &pr.saved);
	pr.restore = false;
	if (pr.rdl != NULL)
		rdline_free(pr.rdl);
	pr.rdl = NULL;
	/* The source itself goes with the others. */
	pr.src = NULL;
}

/* Is this character dropped by a full editor line? */
static void
check_length(char c)
{
	const char *b;

	if (!isprint((unsigned char)c))
		return;
	b = rdline_get_buffer(pr.rdl);
	/* The buffer ends with the '\n' rdline_get_buffer adds. */
	if (strlen(b) > PROMPT_LINE_MAX)
		pr.overlong = true;
}

/* A line was validated: history, and the prompt unless it is parked. */
static void
validated(void)
{
	const char *b = rdline_get_buffer(pr.rdl);
	const char *last = rdline_get_history_item(pr.rdl, 0);
	size_t n = strlen(b);

	if (n > 1 && (last == NULL || strncmp(last, b, n - 1) != 0 ||
		      last[n - 1] != '\0'))
		rdline_add_history(pr.rdl, b);
	if (pr.src->busy)
		pr.newline_owed = true;
	else if (!herald.force_quit && !herald.stop_requested)
		rdline_newline(pr.rdl, HERALD_CLI_PROMPT);
}

void
cli_prompt_poll(void)
{
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	ssize_t n;
	int rc;

	if (pr.rdl == NULL)
		return;
	if (pr.off == pr.len && !pr.eof && !pr.src->busy &&
	    poll(&pfd, 1, 0) > 0) {
		n = read(STDIN_FILENO, pr.in, sizeof(pr.in));
		pr.off = 0;
		pr.len = n > 0 ? (size_t)n : 0;
		pr.eof = n <= 0;
	}
	while (pr.off < pr.len && !pr.src->busy && !herald.force_quit &&
	       !herald.stop_requested) {
		char c = pr.in[pr.off++];

		check_length(c);
		rc = rdline_char_in(pr.rdl, c);
		if (rc == RDLINE_RES_VALIDATED)
			validated();
		else if (rc == RDLINE_RES_EOF || rc == RDLINE_RES_EXITED)
			pr.eof = true;
	}
	/* End of input (or ^D on an empty line) stops herald as quit does,
	 * once what was typed before it is done. */
	if (pr.eof && !pr.src->busy && pr.off == pr.len)
		herald.stop_requested = true;
}
