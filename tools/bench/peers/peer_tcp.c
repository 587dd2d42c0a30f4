/* SPDX-License-Identifier: BSD-3-Clause
 * bench-peer's adapters for NATS (its text protocol: CONNECT, PUB, SUB,
 * MSG, PING/PONG) and Redis pub/sub (RESP: PUBLISH, SUBSCRIBE, message
 * arrays) over TCP: the publisher pipelines many messages per write; each
 * subscriber connection is read in 64 KiB reads from one epoll.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_peer.h"

#define RBUF (256 * 1024)

struct conn {
	int fd;
	uint32_t id;
	bool ready;
	size_t len;
	uint8_t buf[RBUF];
};

static bool
is_nats(const struct bp_opts *o)
{
	return strcmp(o->system, "nats") == 0;
}

static int
tcp_connect(const struct bp_opts *o)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(o->port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || inet_pton(AF_INET, o->addr, &a.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int
write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			poll(&pfd, 1, 100);
			continue;
		}
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* NATS greets with INFO {...}\r\n: read it, answer CONNECT. */
static int
nats_hello(int fd)
{
	static const char hello[] =
		"CONNECT {\"verbose\":false,\"pedantic\":false}\r\n";
	char c, prev = 0;

	while (read(fd, &c, 1) == 1) {
		if (prev == '\r' && c == '\n')
			return write_all(fd, hello, sizeof(hello) - 1);
		prev = c;
	}
	return -1;
}

static size_t
encode_pub(const struct bp_opts *o, uint8_t *out)
{
	size_t n;

	if (is_nats(o))
		n = (size_t)sprintf((char *)out, "PUB ch%llu %u\r\n",
				    (unsigned long long)o->channel, o->size);
	else
		n = (size_t)sprintf(
			(char *)out,
			"*3\r\n$7\r\nPUBLISH\r\n$%d\r\nch%llu\r\n$%u\r\n",
			snprintf(NULL, 0, "ch%llu",
				 (unsigned long long)o->channel),
			(unsigned long long)o->channel, o->size);
	bp_payload(out + n, o->size);
	memcpy(out + n + o->size, "\r\n", 2);
	return n + o->size + 2;
}

/* Count Redis's integer replies (":N\r\n") to PUBLISH, answer NATS PINGs. */
static uint64_t
drain_replies(const struct bp_opts *o, int fd)
{
	uint8_t b[65536];
	uint64_t replies = 0;
	ssize_t n, i;

	while ((n = recv(fd, b, sizeof(b), MSG_DONTWAIT)) > 0) {
		for (i = 0; i < n; i++)
			if (b[i] == '\n')
				replies++;
		if (is_nats(o) && memmem(b, (size_t)n, "PING", 4) != NULL)
			write_all(fd, "PONG\r\n", 6);
	}
	return replies;
}

int
bp_tcp_pub(const struct bp_opts *o)
{
	static uint8_t out[1 << 20];
	uint64_t start, now, sent = 0, replies = 0, end;
	int fd = tcp_connect(o);

	if (fd < 0 || (is_nats(o) && nats_hello(fd) < 0)) {
		perror("tcp pub");
		return -1;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	start = bp_mono_ns();
	end = start + (uint64_t)(o->duration * 1e9);
	for (now = start; now < end && !bp_stop; now = bp_mono_ns()) {
		uint64_t due = bp_pub_due(o, start, now, sent);
		size_t len = 0;

		while (sent < due && len + 1500 < sizeof(out)) {
			len += encode_pub(o, out + len);
			sent++;
		}
		if (len == 0) {
			usleep(100);
			continue;
		}
		if (write_all(fd, out, len) < 0)
			return -1;
		if (!is_nats(o))
			replies += drain_replies(o, fd);
	}
	/* Flush: NATS answers a PING after everything before it; Redis
	 * answers each PUBLISH. */
	if (is_nats(o))
		write_all(fd, "PING\r\n", 6);
	for (end = bp_mono_ns() + 10000000000ull; bp_mono_ns() < end;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		uint64_t r;

		poll(&pfd, 1, 10);
		r = drain_replies(o, fd);
		if (is_nats(o) ? r > 0 : (replies += r) >= sent)
			break;
	}
	bp_pub_report(o, sent, (double)(now - start) / 1e9, 0);
	close(fd);
	return 0;
}

/* One NATS message or control line at p (n bytes)? Its size, 0 if
 * incomplete. */
static size_t
nats_parse(struct conn *c, struct bp_sub_stats *st, const uint8_t *p, size_t n)
{
	const uint8_t *eol = memmem(p, n, "\r\n", 2);
	size_t line, plen;
	const char *sp;

	if (eol == NULL)
		return 0;
	line = (size_t)(eol - p) + 2;
	if (n >= 4 && memcmp(p, "MSG ", 4) == 0) {
		/* MSG <subject> <sid> [reply-to] <#bytes> */
		sp = memrchr(p, ' ', (size_t)(eol - p));
		plen = strtoul(sp + 1, NULL, 10);
		if (n < line + plen + 2)
			return 0;
		bp_sub_got(st, c->id, p + line, (uint32_t)plen, 0);
		return line + plen + 2;
	}
	if (n >= 4 && memcmp(p, "PING", 4) == 0)
		write_all(c->fd, "PONG\r\n", 6);
	else if (n >= 4 && memcmp(p, "PONG", 4) == 0)
		c->ready = true; /* the answer to the PING after SUB */
	return line;
}

/* One RESP bulk string at p: its data and the bytes it takes (0: not all
 * here). Integers (":N") too, with no data. */
static size_t
resp_item(const uint8_t *p, size_t n, const uint8_t **data, size_t *len)
{
	const uint8_t *eol = memmem(p, n, "\r\n", 2);
	size_t head;

	if (eol == NULL)
		return 0;
	head = (size_t)(eol - p) + 2;
	*data = NULL;
	*len = 0;
	if (p[0] != '$')
		return head;
	*len = strtoul((const char *)p + 1, NULL, 10);
	if (n < head + *len + 2)
		return 0;
	*data = p + head;
	return head + *len + 2;
}

/* One RESP array (*3: message, subscribe confirmation): its size. */
static size_t
redis_parse(struct conn *c, struct bp_sub_stats *st, const uint8_t *p, size_t n)
{
	const uint8_t *eol = memmem(p, n, "\r\n", 2), *d[3];
	size_t off, len[3], k, i;
	unsigned long items;

	if (eol == NULL)
		return 0;
	if (p[0] != '*')
		return (size_t)(eol - p) + 2;
	items = strtoul((const char *)p + 1, NULL, 10);
	off = (size_t)(eol - p) + 2;
	for (i = 0; i < items; i++) {
		k = resp_item(p + off, n - off, &d[i < 3 ? i : 2],
			      &len[i < 3 ? i : 2]);
		if (k == 0)
			return 0;
		off += k;
	}
	if (items == 3 && len[0] == 7 && memcmp(d[0], "message", 7) == 0)
		bp_sub_got(st, c->id, d[2], (uint32_t)len[2], 0);
	else if (items == 3 && len[0] == 9)
		c->ready = true; /* "subscribe" confirmed */
	return off;
}

static int
conn_read(const struct bp_opts *o, struct conn *c, struct bp_sub_stats *st)
{
	ssize_t r;
	size_t off = 0, k;

	while ((r = recv(c->fd, c->buf + c->len, RBUF - c->len, MSG_DONTWAIT)) >
	       0) {
		c->len += (size_t)r;
		off = 0;
		while (off < c->len &&
		       (k = is_nats(o) ? nats_parse(c, st, c->buf + off,
						    c->len - off)
				       : redis_parse(c, st, c->buf + off,
						     c->len - off)) > 0)
			off += k;
		memmove(c->buf, c->buf + off, c->len - off);
		c->len -= off;
	}
	return r == 0 ? -1 : 0;
}

static int
conn_open(const struct bp_opts *o, struct conn *c)
{
	char cmd[128];
	int n;

	c->fd = tcp_connect(o);
	if (c->fd < 0 || (is_nats(o) && nats_hello(c->fd) < 0))
		return -1;
	if (is_nats(o))
		n = snprintf(cmd, sizeof(cmd), "SUB ch%llu 1\r\nPING\r\n",
			     (unsigned long long)o->channel);
	else
		n = snprintf(cmd, sizeof(cmd),
			     "*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\nch%llu\r\n",
			     snprintf(NULL, 0, "ch%llu",
				      (unsigned long long)o->channel),
			     (unsigned long long)o->channel);
	return write_all(c->fd, cmd, (size_t)n);
}

int
bp_tcp_sub(const struct bp_opts *o, struct bp_sub_stats *st)
{
	struct conn *cs = calloc(o->conns, sizeof(*cs));
	struct epoll_event ev, evs[64];
	int ep = epoll_create1(0), n, i;
	uint64_t start, now;
	uint32_t c, ready;
	bool said_ready = false;

	if (cs == NULL || ep < 0)
		return -1;
	for (c = 0; c < o->conns; c++) {
		cs[c].id = c;
		if (conn_open(o, &cs[c]) < 0) {
			perror("tcp sub");
			return -1;
		}
		ev.events = EPOLLIN;
		ev.data.u32 = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, cs[c].fd, &ev);
	}
	start = bp_mono_ns();
	for (now = start; !bp_sub_done(o, st, start, now); now = bp_mono_ns()) {
		n = epoll_wait(ep, evs, 64, 10);
		for (i = 0; i < n; i++)
			if (conn_read(o, &cs[evs[i].data.u32], st) < 0) {
				fprintf(stderr,
					"bench-peer: %s closed a connection\n",
					o->system);
				bp_stop = 1;
			}
		if (!said_ready) {
			for (c = 0, ready = 0; c < o->conns; c++)
				ready += cs[c].ready;
			if (ready == o->conns) {
				said_ready = true;
				bp_ready();
			}
		}
	}
	for (c = 0; c < o->conns; c++)
		close(cs[c].fd);
	free(cs);
	return said_ready ? 0 : -1;
}
