/* SPDX-License-Identifier: BSD-3-Clause
 * bench-peer's Herald adapter: libherald-client, one publisher; conns
 * subscriber endpoints (each its own socket and session) in one epoll.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "bench_peer.h"
#include "herald/client.h"
#include "herald/token.h"

int
bp_herald_pub(const struct bp_opts *o)
{
	struct herald_pub_config cfg = {
		.server = o->addr,
		.server_port = o->port,
		.window = 8192,
	};
	struct herald_pub_stats hs;
	struct herald_pub *p = herald_pub_new(&cfg, NULL, NULL);
	uint8_t payload[1400];
	uint64_t start, now, sent = 0, end;

	if (p == NULL) {
		perror("herald_pub_new");
		return -1;
	}
	start = bp_mono_ns();
	end = start + (uint64_t)(o->duration * 1e9);
	for (now = start; now < end && !bp_stop; now = bp_mono_ns()) {
		struct pollfd pfd = {.fd = herald_pub_fd(p), .events = POLLIN};
		uint64_t due = bp_pub_due(o, start, now, sent), wait;

		while (sent < due) {
			bp_payload(payload, o->size);
			if (herald_pub_send(p, o->channel, payload, o->size) <
			    0)
				break;
			sent++;
		}
		herald_pub_process(p, now);
		wait = herald_pub_next_timeout(p, now);
		if (o->rate > 0 && wait > 1000000)
			wait = 1000000;
		if (sent < due && wait > 1000000)
			wait = 1000000; /* the window is full: acks will come */
		poll(&pfd, 1, (int)(wait / 1000000));
	}
	/* The last acknowledgements (for the count; 2 s at most). */
	for (end = bp_mono_ns() + 2000000000ull;
	     herald_pub_pending(p) > 0 && bp_mono_ns() < end;) {
		struct pollfd pfd = {.fd = herald_pub_fd(p), .events = POLLIN};

		herald_pub_process(p, bp_mono_ns());
		poll(&pfd, 1, 1);
	}
	herald_pub_get_stats(p, &hs);
	bp_pub_report(o, hs.acked, (double)(now - start) / 1e9, hs.resends);
	herald_pub_free(p);
	return 0;
}

struct hsub {
	struct herald_sub *s;
	struct bp_sub_stats *st;
	uint32_t conn;
	bool ok;
	uint64_t due; /* when herald_sub_next_timeout said to come back */
};

static void
on_sub_event(void *arg, const struct herald_sub_event *ev)
{
	struct hsub *h = arg;

	if (ev->type == HERALD_SUB_MESSAGE)
		bp_sub_got(h->st, h->conn, ev->payload, ev->len, ev->timestamp);
	else if (ev->type == HERALD_SUB_SUBACK && ev->status == 0)
		h->ok = true;
	else if (ev->type == HERALD_SUB_GAP)
		h->st->gaps += ev->count;
}

static int
subscribe(struct hsub *h, const struct bp_opts *o, const uint8_t *key,
	  int key_len)
{
	struct herald_sub_request req = {.channel = o->channel};
	uint32_t addr;
	uint16_t port;

	if (herald_sub_local(h->s, &addr, &port) < 0)
		return -1;
	req.expires = (uint64_t)time(NULL) + 3600;
	if (herald_token_mint(key, (size_t)key_len, req.channel,
			      herald_sub_id(h->s), req.expires, addr, port,
			      req.token) < 0)
		return -1;
	return herald_sub_subscribe(h->s, &req);
}

int
bp_herald_sub(const struct bp_opts *o, struct bp_sub_stats *st)
{
	struct herald_sub_config cfg = {
		.server = o->addr,
		.server_port = o->port,
	};
	struct epoll_event ev, evs[64];
	struct hsub *h = calloc(o->conns, sizeof(*h));
	uint8_t key[64];
	int key_len, ep = epoll_create1(0), n, i;
	uint64_t start, now;
	uint32_t c, ready = 0;
	bool said_ready = false;

	key_len = o->key_hex ? herald_token_key_from_hex(o->key_hex, key,
							 sizeof(key))
			     : -1;
	if (h == NULL || ep < 0 || key_len < 0) {
		fprintf(stderr, "bench-peer: herald sub needs --key\n");
		return -1;
	}
	for (c = 0; c < o->conns; c++) {
		h[c].st = st;
		h[c].conn = c;
		h[c].s = herald_sub_new(&cfg, on_sub_event, &h[c]);
		if (h[c].s == NULL || subscribe(&h[c], o, key, key_len) < 0) {
			perror("herald subscriber");
			return -1;
		}
		ev.events = EPOLLIN;
		ev.data.u32 = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, herald_sub_fd(h[c].s), &ev);
	}
	start = bp_mono_ns();
	for (now = start; !bp_sub_done(o, st, start, now); now = bp_mono_ns()) {
		n = epoll_wait(ep, evs, 64, 1);
		now = bp_mono_ns();
		for (i = 0; i < n; i++) {
			c = evs[i].data.u32;
			herald_sub_process(h[c].s, now);
			h[c].due = now + herald_sub_next_timeout(h[c].s, now);
		}
		/* Timers (keep-alives, NACKs, resends): only the endpoints
		 * whose next timeout has come, as an event loop does. */
		for (c = 0, ready = 0; c < o->conns; c++) {
			if (now >= h[c].due) {
				herald_sub_process(h[c].s, now);
				h[c].due = now +
					   herald_sub_next_timeout(h[c].s, now);
			}
			ready += h[c].ok;
		}
		if (!said_ready && ready == o->conns) {
			said_ready = true;
			bp_ready();
		}
		if (!said_ready)
			st->last_ns = 0, st->received = 0;
	}
	for (c = 0; c < o->conns; c++) {
		struct herald_sub_stats hs;

		herald_sub_get_stats(h[c].s, &hs);
		st->nacks += hs.nacks_sent;
		st->coalesced += hs.rx_coalesced;
		herald_sub_free(h[c].s);
	}
	free(h);
	return said_ready ? 0 : -1;
}
