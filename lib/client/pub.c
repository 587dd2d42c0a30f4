/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-client: the publisher (PROTOCOL.md 6, Publisher sessions).
 *
 * Messages wait in a ring of `window` entries from herald_pub_send until
 * a PUBACK covers them. Entry i of the ring is message id i (ids count
 * from 1 across sessions); its pub_seq in the current session is
 * id - id_base. Sending walks the ring from the first unsent entry as
 * far as credit allows (acked_seq + credit), packing frames into
 * datagrams; a resend (no progress for resend_ns, backing off) goes back
 * to the first unacknowledged entry: go-back-N.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hc_udp.h"
#include "hwp.h"

struct pub_entry {
	uint64_t channel;
	uint16_t len;
	uint8_t payload[HWP_MAX_PAYLOAD];
};

struct herald_pub {
	struct hc_udp udp;
	struct herald_pub_config cfg;
	herald_pub_event_cb cb;
	void *cb_arg;

	struct pub_entry *ring; /* window entries, by id % window */
	uint64_t next_id;	/* id of the next herald_pub_send */
	uint64_t acked_id;	/* every id <= it acknowledged */
	uint64_t send_id;	/* next id to put on the wire */
	uint64_t max_sent_id;	/* highest id sent in this session */

	/* The session. */
	uint32_t publisher;
	uint64_t id_base; /* pub_seq = id - id_base */
	uint32_t epoch;	  /* instance epoch seen (0: none yet) */
	uint32_t credit;
	bool start_next; /* the next frame sent carries START */

	uint64_t last_progress; /* when acked_id last moved (or first send) */
	uint64_t resend_wait;	/* current backoff */
	uint64_t oldest_unsent; /* when the first unsent message was queued */
	uint64_t last_reopen;	/* last go-back for a PUBACK of acked_seq 0 */
	uint32_t dup_acks;	/* PUBACKs in a row that acked nothing new */
	uint64_t recover_id;	/* last id in flight at a fast go-back (0:
				   none under way) */
	struct herald_pub_stats st;
};

static uint64_t
pub_seq_of(const struct herald_pub *p, uint64_t id)
{
	return id - p->id_base;
}

static struct pub_entry *
entry(const struct herald_pub *p, uint64_t id)
{
	return &p->ring[id % p->cfg.window];
}

static void
emit(struct herald_pub *p, enum herald_pub_event_type type, uint64_t id)
{
	struct herald_pub_event ev = {
		.type = type,
		.msg_id = id,
		.publisher_id = p->publisher,
		.instance_epoch = p->epoch,
	};

	if (p->cb != NULL)
		p->cb(p->cb_arg, &ev);
}

struct herald_pub *
herald_pub_new(const struct herald_pub_config *cfg, herald_pub_event_cb cb,
	       void *cb_arg)
{
	struct herald_pub *p;
	int rc;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->cfg = *cfg;
	if (p->cfg.window == 0)
		p->cfg.window = 4096;
	if (p->cfg.initial_credit == 0)
		p->cfg.initial_credit = 64;
	if (p->cfg.resend_ns == 0)
		p->cfg.resend_ns = 20000000;
	if (p->cfg.resend_max_ns == 0)
		p->cfg.resend_max_ns = 1000000000;
	if (p->cfg.resend_max_ns < p->cfg.resend_ns)
		p->cfg.resend_max_ns = p->cfg.resend_ns;
	rc = p->cfg.window > (1u << 20) ? -EINVAL : 0;
	if (rc == 0)
		rc = hc_udp_open(&p->udp, cfg->server, cfg->server_port,
				 cfg->bind_addr, cfg->bind_port,
				 cfg->max_datagram, 0, false, &cfg->impair);
	if (rc == 0 && p->udp.max_datagram < HWP_PUBLISH_LEN + HWP_MAX_PAYLOAD)
		rc = -EINVAL; /* every message must fit a datagram */
	if (rc == 0) {
		p->ring = malloc(sizeof(*p->ring) * p->cfg.window);
		if (p->ring == NULL)
			rc = -ENOMEM;
	}
	if (rc < 0) {
		hc_udp_close(&p->udp);
		free(p);
		errno = -rc;
		return NULL;
	}
	p->cb = cb;
	p->cb_arg = cb_arg;
	p->next_id = 1;
	p->send_id = 1;
	p->publisher = cfg->publisher_id ? cfg->publisher_id : hc_random_id();
	p->credit = p->cfg.initial_credit;
	p->start_next = true;
	p->resend_wait = p->cfg.resend_ns;
	p->st.sessions = 1;
	return p;
}

void
herald_pub_free(struct herald_pub *p)
{
	if (p == NULL)
		return;
	hc_udp_close(&p->udp);
	free(p->ring);
	free(p);
}

int
herald_pub_fd(const struct herald_pub *p)
{
	return p->udp.fd;
}

uint32_t
herald_pub_pending(const struct herald_pub *p)
{
	return (uint32_t)(p->next_id - 1 - p->acked_id);
}

int64_t
herald_pub_send(struct herald_pub *p, uint64_t channel, const void *payload,
		size_t len)
{
	struct pub_entry *e;

	if (channel == 0 || len > HWP_MAX_PAYLOAD ||
	    (len > 0 && payload == NULL))
		return -EINVAL;
	if (herald_pub_pending(p) >= p->cfg.window)
		return -EAGAIN;
	e = entry(p, p->next_id);
	e->channel = channel;
	e->len = (uint16_t)len;
	memcpy(e->payload, payload, len);
	if (p->send_id == p->next_id)
		p->oldest_unsent = 0; /* stamped by the next process call */
	p->st.sent++;
	return (int64_t)p->next_id++;
}

/* Write message id's PUBLISH frame at buf; its length. */
static unsigned int
encode_entry(struct herald_pub *p, uint64_t id, uint8_t *buf)
{
	const struct pub_entry *e = entry(p, id);
	struct hwp_publish f = {
		.channel = e->channel,
		.publisher = p->publisher,
		.pub_seq = pub_seq_of(p, id),
	};
	uint8_t flags = 0;

	if (p->start_next) {
		flags = HWP_F_START;
		p->start_next = false;
	}
	return (unsigned int)hwp_encode_publish(buf, HWP_PUBLISH_LEN + e->len,
						flags, &f, e->payload, e->len);
}

/* Send ids [send_id, limit) packed into datagrams. */
static void
send_range(struct herald_pub *p, uint64_t limit)
{
	uint8_t *dg = NULL;
	unsigned int used = 0;

	while (p->send_id < limit) {
		unsigned int need = HWP_PUBLISH_LEN + entry(p, p->send_id)->len;

		if (dg == NULL || used + need > p->udp.max_datagram) {
			if (dg != NULL) {
				hc_udp_tx_commit(&p->udp, (uint16_t)used);
				p->st.datagrams_sent++;
			}
			dg = hc_udp_tx_next(&p->udp);
			used = 0;
		}
		used += encode_entry(p, p->send_id, dg + used);
		if (p->send_id > p->max_sent_id)
			p->max_sent_id = p->send_id;
		else
			p->st.resends++;
		p->send_id++;
		p->st.frames_sent++;
	}
	if (dg != NULL) {
		hc_udp_tx_commit(&p->udp, (uint16_t)used);
		p->st.datagrams_sent++;
	}
	hc_udp_flush(&p->udp);
}

/* The first id past what credit allows. */
static uint64_t
credit_limit(const struct herald_pub *p)
{
	uint64_t limit = p->acked_id + 1 + p->credit;

	return limit < p->next_id ? limit : p->next_id;
}

int
herald_pub_flush(struct herald_pub *p, uint64_t now)
{
	uint64_t limit = credit_limit(p);

	if (p->send_id >= p->next_id)
		return 0;
	if (p->send_id >= limit) {
		p->st.credit_stalls++;
		return 0;
	}
	if (p->send_id == p->acked_id + 1)
		p->last_progress = now; /* the resend clock starts */
	send_range(p, limit);
	return 0;
}

/* Go back to the first unacknowledged message (go-back-N): it is sent
 * again next, with START if it opens the session. */
static void
go_back(struct herald_pub *p)
{
	p->send_id = p->acked_id + 1;
	if (pub_seq_of(p, p->send_id) == 1)
		p->start_next = true;
}

/* The resend timer runs: frames in flight, or paused by credit 0 with
 * messages waiting (the probe). */
static bool
resend_armed(const struct herald_pub *p)
{
	return p->send_id > p->acked_id + 1 ||
	       (p->credit == 0 && p->next_id > p->send_id);
}

/* A new session: fresh id, the unacknowledged messages renumbered from 1
 * and sent again. */
static void
restart_session(struct herald_pub *p)
{
	uint32_t old = p->publisher;

	do
		p->publisher = hc_random_id();
	while (p->publisher == old);
	p->id_base = p->acked_id;
	p->send_id = p->acked_id + 1;
	p->max_sent_id = p->acked_id;
	p->start_next = true;
	p->credit = p->cfg.initial_credit;
	p->resend_wait = p->cfg.resend_ns;
	p->dup_acks = 0;
	p->recover_id = 0;
	p->st.sessions++;
	emit(p, HERALD_PUB_SESSION_RESTARTED, p->acked_id);
}

/*
 * Herald answers every frame of a known session, those ahead of a lost
 * one too, with the same acked_seq: three such duplicate PUBACKs while
 * frames are in flight mean a loss. Go back at once instead of waiting
 * for the resend timer, once per flight (until everything in flight
 * then is acknowledged: the resent frames' own answers are duplicates
 * too).
 */
static void
fast_resend_check(struct herald_pub *p, uint64_t acked_seq, uint64_t sent_seq)
{
	if (sent_seq <= acked_seq || p->recover_id != 0)
		return;
	if (++p->dup_acks < 3)
		return;
	p->dup_acks = 0;
	p->recover_id = p->max_sent_id;
	p->st.fast_resends++;
	go_back(p);
}

static void
on_puback(struct herald_pub *p, const struct hwp_puback *a, uint64_t now)
{
	uint64_t acked_seq_now = p->acked_id - p->id_base;
	/* The highest pub_seq ever sent in this session: after a go-back,
	 * PUBACKs of frames sent before it may ack past send_id. */
	uint64_t sent_seq = p->max_sent_id - p->id_base;

	p->st.pubacks++;
	if (a->publisher != p->publisher)
		return; /* a late answer to an earlier session */
	if (p->epoch != 0 && a->epoch != p->epoch) {
		/* Herald restarted: its new instance knows no session. */
		p->epoch = a->epoch;
		restart_session(p);
		return;
	}
	p->epoch = a->epoch;
	if (a->acked_seq > sent_seq) {
		/* Another publisher holds this id. */
		restart_session(p);
		return;
	}
	p->credit = a->credit;
	if (a->acked_seq == 0) {
		/* Herald does not know the session (the START was lost, or
		 * the session forgotten): reopen it with START at the first
		 * unacked frame. Once per resend_ns/4, since every datagram
		 * in flight is answered so. A stale PUBACK does no harm: on
		 * a known session START is ignored. */
		if (now - p->last_reopen >= p->cfg.resend_ns / 4 ||
		    p->last_reopen == 0) {
			p->send_id = p->acked_id + 1;
			p->start_next = true;
			p->last_reopen = now;
		}
		return;
	}
	if (a->acked_seq < acked_seq_now)
		return; /* a late PUBACK */
	if (a->acked_seq == acked_seq_now) {
		fast_resend_check(p, acked_seq_now, sent_seq);
		return;
	}
	p->acked_id = a->acked_seq + p->id_base;
	if (p->send_id <= p->acked_id)
		p->send_id = p->acked_id + 1; /* resent ones already taken */
	p->dup_acks = 0;
	if (p->recover_id != 0 && p->acked_id >= p->recover_id)
		p->recover_id = 0; /* all that was in flight then is acked */
	p->last_progress = now;
	p->resend_wait = p->cfg.resend_ns;
	emit(p, HERALD_PUB_ACKED, p->acked_id);
}

struct rx_ctx {
	struct herald_pub *p;
	uint64_t now;
};

static void
on_datagram(void *arg, const uint8_t *buf, unsigned int len)
{
	struct rx_ctx *rx = arg;
	struct hwp_frame fr[8];
	unsigned int n, i;

	if (hwp_parse(buf, len, HWP_DIR_FROM_HERALD, fr, 8, &n, NULL) !=
	    HWP_ERR_OK) {
		rx->p->st.rx_invalid++;
		return;
	}
	for (i = 0; i < n; i++)
		if (fr[i].type == HWP_T_PUBACK)
			on_puback(rx->p, &fr[i].u.puback, rx->now);
}

/* No progress for resend_wait: go back to the first unacked frame. */
static void
maybe_resend(struct herald_pub *p, uint64_t now)
{
	if (!resend_armed(p) || now - p->last_progress < p->resend_wait)
		return;
	go_back(p);
	p->last_progress = now;
	p->resend_wait *= 2;
	if (p->resend_wait > p->cfg.resend_max_ns)
		p->resend_wait = p->cfg.resend_max_ns;
	/* Paused by credit 0: one frame is the probe Herald answers with
	 * the credit it has now. */
	if (p->credit == 0)
		send_range(p, p->send_id + 1);
}

int
herald_pub_process(struct herald_pub *p, uint64_t now)
{
	struct rx_ctx rx = {.p = p, .now = now};

	hc_udp_recv(&p->udp, on_datagram, &rx);
	maybe_resend(p, now);
	if (p->send_id < p->next_id) {
		if (p->oldest_unsent == 0)
			p->oldest_unsent = now;
		/* Fill datagrams for up to linger_ns, unless full ones wait. */
		if (now - p->oldest_unsent >= p->cfg.linger_ns ||
		    p->next_id - p->send_id >= 16) {
			herald_pub_flush(p, now);
			p->oldest_unsent = 0;
		}
	}
	return 0;
}

uint64_t
herald_pub_next_timeout(const struct herald_pub *p, uint64_t now)
{
	uint64_t due = UINT64_MAX, t;

	if (p->send_id < p->next_id && p->send_id < credit_limit(p)) {
		t = p->oldest_unsent + p->cfg.linger_ns;
		due = p->oldest_unsent == 0 || t <= now ? 0 : t - now;
	}
	if (resend_armed(p)) {
		t = p->last_progress + p->resend_wait;
		t = t <= now ? 0 : t - now;
		if (t < due)
			due = t;
	}
	return due;
}

void
herald_pub_get_stats(const struct herald_pub *p, struct herald_pub_stats *st)
{
	*st = p->st;
	st->acked = p->acked_id;
	st->credit = p->credit;
	st->instance_epoch = p->epoch;
	st->publisher_id = p->publisher;
	st->impair = p->udp.imp.st;
}
