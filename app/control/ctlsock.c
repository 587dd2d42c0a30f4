/* SPDX-License-Identifier: BSD-3-Clause
 * The control socket: every client is a CLI source of its own, so the
 * answer to a line goes to the client that sent it and to nobody else.
 * Everything is non-blocking: a client's answers wait in its own buffer
 * (bounded); its next line waits while it leaves many unread, and a
 * client that reads nothing for HERALD_CTL_STALL_MS is disconnected and
 * counted. Framing: see ctlsock.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "cli/cli.h"
#include "control/ctlsock.h"
#include "herald.h"
#include "obs/stats.h"

/* Lines a client runs per poll: others get their turn. */
#define CTL_LINES_PER_POLL 256

struct ctl_client {
	int fd;
	struct herald_cli_source *src;
	char in[HERALD_CLI_LINE_MAX + 2];
	size_t in_len;
	bool skipping; /* the rest of a line too long to take */
	bool eof;      /* the client sent everything it will */
	char *out;
	size_t out_len, out_off, out_cap;
	bool mid_line; /* the last output byte did not end a line */
	bool cut;      /* the running answer outgrew HERALD_CTL_OUT_MAX */
	uint64_t progress_tsc; /* last write, while answers are unsent */
};

static struct {
	int fd;
	char path[sizeof(((struct sockaddr_un *)NULL)->sun_path)];
	dev_t dev;
	ino_t ino;
	struct ctl_client *clients[HERALD_CTL_MAX_CLIENTS];
	unsigned int n;
	uint64_t accepted, refused, dropped, cut, lines;
} cs = {.fd = -1};

/* ---- a client's answers ---- */

static size_t
pending(const struct ctl_client *c)
{
	return c->out_len - c->out_off;
}

/* Room for n more bytes; limit: whether the answer bound applies. */
static bool
reserve(struct ctl_client *c, size_t n, bool limit)
{
	size_t cap;
	char *nb;

	if (limit && pending(c) + n > HERALD_CTL_OUT_MAX)
		return false;
	if (c->out_off > 0 && c->out_len + n > c->out_cap) {
		memmove(c->out, c->out + c->out_off, pending(c));
		c->out_len = pending(c);
		c->out_off = 0;
	}
	if (c->out_len + n <= c->out_cap)
		return true;
	cap = RTE_MAX(RTE_MAX(c->out_cap * 2, c->out_len + n), (size_t)4096);
	nb = realloc(c->out, cap);
	if (nb == NULL)
		return false;
	c->out = nb;
	c->out_cap = cap;
	return true;
}

static void
put(struct ctl_client *c, const char *b, size_t n, bool limit)
{
	if (!reserve(c, n, limit)) {
		c->cut = true;
		return;
	}
	memcpy(c->out + c->out_len, b, n);
	c->out_len += n;
}

/* Status and error lines always fit: only output counts to the bound. */
static void
end_line(struct ctl_client *c)
{
	if (c->mid_line)
		put(c, "\n", 1, false);
	c->mid_line = false;
}

static void
sink_out(void *ctx, const char *buf, size_t len)
{
	struct ctl_client *c = ctx;

	while (len > 0 && !c->cut) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - buf) + 1 : len;

		if (!c->mid_line)
			put(c, "o ", 2, true);
		put(c, buf, n, true);
		c->mid_line = nl == NULL;
		buf += n;
		len -= n;
	}
}

static void
sink_err(void *ctx, const char *line)
{
	struct ctl_client *c = ctx;
	size_t i, n = strlen(line);

	end_line(c);
	put(c, "e ", 2, false);
	if (!reserve(c, n + 1, false))
		return;
	/* One line, whatever the message holds. */
	for (i = 0; i < n; i++)
		c->out[c->out_len++] = line[i] == '\n' ? ' ' : line[i];
	c->out[c->out_len++] = '\n';
}

static void
sink_done(void *ctx, bool ok)
{
	struct ctl_client *c = ctx;
	char why[96];

	end_line(c);
	if (c->cut) {
		c->cut = false;
		cs.cut++;
		ok = false;
		snprintf(why, sizeof(why),
			 "the answer is longer than %u bytes: cut",
			 HERALD_CTL_OUT_MAX);
		sink_err(c, why);
	}
	put(c, ok ? "= ok\n" : "= fail\n", ok ? 5 : 7, false);
}

/* ---- clients ---- */

static void
client_drop(unsigned int i)
{
	struct ctl_client *c = cs.clients[i];

	herald_cli_source_close(c->src);
	close(c->fd);
	free(c->out);
	free(c);
	cs.clients[i] = cs.clients[--cs.n];
	cs.clients[cs.n] = NULL;
}

/* Send what the socket takes; -1 once the client is gone. */
static int
flush(struct ctl_client *c, uint64_t now)
{
	while (pending(c) > 0) {
		ssize_t n = send(c->fd, c->out + c->out_off, pending(c),
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			c->out_off += (size_t)n;
			c->progress_tsc = now;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		return -1;
	}
	if (pending(c) == 0) {
		c->out_off = 0;
		c->out_len = 0;
		c->progress_tsc = 0;
	} else if (c->progress_tsc == 0) {
		c->progress_tsc = now;
	}
	return 0;
}

static int
read_input(struct ctl_client *c)
{
	size_t room = sizeof(c->in) - c->in_len;
	ssize_t n;

	if (room == 0 || c->eof)
		return 0;
	n = recv(c->fd, c->in + c->in_len, room, MSG_DONTWAIT);
	if (n > 0)
		c->in_len += (size_t)n;
	else if (n == 0)
		c->eof = true;
	else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		return -1;
	return 0;
}

static void
too_long(struct ctl_client *c)
{
	sink_err(c, "the line is longer than 1023 bytes");
	sink_done(c, false);
}

/* Complete lines, one at a time, while the client keeps up. */
static void
run_lines(struct ctl_client *c)
{
	unsigned int n;

	for (n = 0; n < CTL_LINES_PER_POLL; n++) {
		char *nl;
		size_t len;

		if (herald_cli_source_busy(c->src) ||
		    pending(c) >= HERALD_CTL_OUT_LOW || herald.force_quit ||
		    herald.stop_requested)
			return;
		nl = memchr(c->in, '\n', c->in_len);
		if (nl == NULL && c->in_len == sizeof(c->in)) {
			/* No room for its end: refused once its end comes. */
			c->skipping = true;
			c->in_len = 0;
			return;
		}
		if (nl == NULL && !c->eof)
			return;
		if (nl == NULL && c->in_len == 0 && !c->skipping)
			return;
		/* A last line without its newline runs all the same. */
		len = nl != NULL ? (size_t)(nl - c->in) : c->in_len;
		if (c->skipping) {
			c->skipping = false;
			too_long(c);
		} else {
			cs.lines++;
			herald_cli_source_line(c->src, c->in, len);
		}
		len = nl != NULL ? len + 1 : len;
		memmove(c->in, c->in + len, c->in_len - len);
		c->in_len -= len;
	}
}

static void
accept_clients(void)
{
	static const char busy[] =
		"! too many control clients (at most " RTE_STR(
			HERALD_CTL_MAX_CLIENTS) ")\n";
	struct herald_cli_sink sink = {sink_out, sink_err, sink_done, NULL};
	struct ctl_client *c;
	int fd;

	while ((fd = accept4(cs.fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (cs.n == HERALD_CTL_MAX_CLIENTS) {
			if (send(fd, busy, sizeof(busy) - 1,
				 MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
				/* It learns from the closed socket. */
				errno = 0;
			close(fd);
			cs.refused++;
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (c != NULL) {
			sink.ctx = c;
			c->src = herald_cli_source_new(&sink);
		}
		if (c == NULL || c->src == NULL) {
			free(c);
			close(fd);
			cs.refused++;
			continue;
		}
		c->fd = fd;
		cs.clients[cs.n++] = c;
		cs.accepted++;
	}
}

void
herald_ctlsock_poll(void)
{
	uint64_t now = rte_get_tsc_cycles();
	uint64_t stall = rte_get_tsc_hz() / 1000 * HERALD_CTL_STALL_MS;
	unsigned int i;

	/* The startup command file first: nobody may change what it sets
	 * up before it is done. */
	if (cs.fd < 0 || herald_cli_starting())
		return;
	accept_clients();
	for (i = 0; i < cs.n;) {
		struct ctl_client *c = cs.clients[i];

		if (flush(c, now) < 0) {
			client_drop(i);
			continue;
		}
		if (pending(c) > 0 && now - c->progress_tsc > stall) {
			cs.dropped++;
			client_drop(i);
			continue;
		}
		if (!herald_cli_source_busy(c->src) &&
		    pending(c) < HERALD_CTL_OUT_LOW && read_input(c) < 0) {
			client_drop(i);
			continue;
		}
		run_lines(c);
		if (flush(c, now) < 0 ||
		    (c->eof && c->in_len == 0 && !c->skipping &&
		     !herald_cli_source_busy(c->src) && pending(c) == 0)) {
			client_drop(i);
			continue;
		}
		i++;
	}
}

/* ---- the socket ---- */

static int
sock_error(const char *fmt, const char *a, const char *b)
{
	char why[PATH_MAX + 128];

	snprintf(why, sizeof(why), fmt, a, b);
	return herald_config_error(&herald.cfg, "control", "socket", "%s", why);
}

/* The socket's directory, made if missing (one level, mode 0700). */
static int
make_dir(const char *path)
{
	char copy[sizeof(cs.path)];
	const char *dir;
	struct stat st;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (stat(dir, &st) == 0)
		return 0;
	if (errno == ENOENT && mkdir(dir, 0700) == 0)
		return 0;
	return sock_error("cannot make directory %s: %s", dir, strerror(errno));
}

/* A socket already at path: refused if a herald serves it, removed if
 * nobody does (left by a herald that died). */
static int
clear_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0
				       : sock_error("%s: %s", sa->sun_path,
						    strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return sock_error("%s exists and is not a socket%s",
				  sa->sun_path, "");
	/* Non-blocking: a herald that stopped reading must not stop this
	 * one's start (its full backlog answers EAGAIN: in use). */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sock_error("socket: %s%s", strerror(errno), "");
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (rc == 0 || errno == EAGAIN)
		return sock_error("%s is served by a running herald (another "
				  "instance? set [control] socket to a path "
				  "of its own%s)",
				  sa->sun_path, ", or none");
	if (errno != ECONNREFUSED)
		return sock_error("%s: %s", sa->sun_path, strerror(errno));
	if (unlink(sa->sun_path) < 0 && errno != ENOENT)
		return sock_error("cannot remove the stale socket %s: %s",
				  sa->sun_path, strerror(errno));
	return 0;
}

int
herald_ctlsock_open(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	mode_t mask;
	int fd, rc;

	if (herald.cfg.ctl_socket[0] == '\0')
		return 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", herald.cfg.ctl_socket);
	if (make_dir(sa.sun_path) < 0 || clear_stale(&sa) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sock_error("socket: %s%s", strerror(errno), "");
	/* Nobody else may connect, not even between bind and chmod. */
	mask = umask(0177);
	rc = bind(fd, (const struct sockaddr *)&sa, sizeof(sa));
	umask(mask);
	if (rc < 0 || chmod(sa.sun_path, 0600) < 0 ||
	    listen(fd, HERALD_CTL_MAX_CLIENTS) < 0 ||
	    stat(sa.sun_path, &st) < 0) {
		rc = errno;
		close(fd);
		return sock_error("%s: %s", sa.sun_path, strerror(rc));
	}
	cs.fd = fd;
	cs.dev = st.st_dev;
	cs.ino = st.st_ino;
	snprintf(cs.path, sizeof(cs.path), "%s", sa.sun_path);
	return 0;
}

void
herald_ctlsock_close(void)
{
	static const char bye[] = "! herald is stopping\n";
	uint64_t now = rte_get_tsc_cycles();
	struct stat st;

	while (cs.n > 0) {
		struct ctl_client *c = cs.clients[cs.n - 1];

		/* What fits in the socket now; herald waits for nobody. */
		put(c, bye, sizeof(bye) - 1, false);
		if (flush(c, now) < 0)
			errno = 0;
		client_drop(cs.n - 1);
	}
	if (cs.fd < 0)
		return;
	close(cs.fd);
	cs.fd = -1;
	/* Only the file this herald made: a later herald may own the path. */
	if (stat(cs.path, &st) == 0 && st.st_dev == cs.dev &&
	    st.st_ino == cs.ino)
		unlink(cs.path);
}

void
herald_ctlsock_show(FILE *f, bool json)
{
	if (json) {
		fprintf(f, "{\"socket\": ");
		if (cs.fd >= 0)
			herald_json_string(f, cs.path);
		else
			fprintf(f, "null");
		fprintf(f,
			", \"clients\": %u, \"max_clients\": %u, "
			"\"accepted\": %" PRIu64 ", \"refused\": %" PRIu64
			", \"disconnected_not_reading\": %" PRIu64
			", \"answers_cut\": %" PRIu64 ", \"lines\": %" PRIu64
			"}\n",
			cs.n, HERALD_CTL_MAX_CLIENTS, cs.accepted, cs.refused,
			cs.dropped, cs.cut, cs.lines);
		return;
	}
	if (cs.fd < 0) {
		fprintf(f, "  control socket: none ([control] socket)\n");
		return;
	}
	fprintf(f, "  control socket %s: %u client(s) connected (at most %u)\n",
		cs.path, cs.n, HERALD_CTL_MAX_CLIENTS);
	fprintf(f,
		"  accepted %" PRIu64 ", refused (too many) %" PRIu64
		", disconnected (not reading) %" PRIu64
		", answers cut (over %u bytes) %" PRIu64 ", lines run %" PRIu64
		"\n",
		cs.accepted, cs.refused, cs.dropped, HERALD_CTL_OUT_MAX, cs.cut,
		cs.lines);
}
