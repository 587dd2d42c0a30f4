/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-client: the subscriber endpoint (PROTOCOL.md 6): its
 * channels, SUBSCRIBE/UNSUBSCRIBE with resends, SUBACKs, keep-alives,
 * Herald restarts; each channel's ordering is in sub_chan.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hwp.h"
#include "sub_priv.h"

#define SUB_MAX_CHANNELS (1u << 22)

void
sub_emit(struct herald_sub *s, const struct herald_sub_event *ev)
{
	if (s->cb != NULL)
		s->cb(s->cb_arg, ev);
}

static void
ctl_commit(struct herald_sub *s)
{
	if (s->ctl_dg != NULL && s->ctl_used > 0)
		hc_udp_tx_commit(&s->udp, (uint16_t)s->ctl_used);
	s->ctl_dg = NULL;
	s->ctl_used = 0;
}

uint8_t *
sub_ctl_frame(struct herald_sub *s, unsigned int len)
{
	if (s->ctl_dg == NULL || s->ctl_used + len > s->udp.max_datagram) {
		ctl_commit(s);
		s->ctl_dg = hc_udp_tx_next(&s->udp);
	}
	s->ctl_used += len;
	return s->ctl_dg + s->ctl_used - len;
}

/* ---- the channel index ---- */

static uint32_t
chan_hash(uint64_t channel)
{
	channel ^= channel >> 33;
	channel *= 0xff51afd7ed558ccdull;
	channel ^= channel >> 33;
	return (uint32_t)channel;
}

static int
index_rebuild(struct herald_sub *s, uint32_t cap)
{
	uint32_t *idx = calloc(cap, sizeof(*idx));
	uint32_t i, h;

	if (idx == NULL)
		return -ENOMEM;
	for (i = 0; i < s->n_chans; i++) {
		h = chan_hash(s->chans[i]->channel) & (cap - 1);
		while (idx[h] != 0)
			h = (h + 1) & (cap - 1);
		idx[h] = i + 1;
	}
	free(s->index);
	s->index = idx;
	s->index_cap = cap;
	return 0;
}

/* The index entry of channel, or NULL. */
static uint32_t *
index_slot(const struct herald_sub *s, uint64_t channel)
{
	uint32_t h, v;

	if (s->index_cap == 0)
		return NULL;
	h = chan_hash(channel) & (s->index_cap - 1);
	while ((v = s->index[h]) != 0) {
		if (s->chans[v - 1]->channel == channel)
			return &s->index[h];
		h = (h + 1) & (s->index_cap - 1);
	}
	return NULL;
}

static struct sub_chan *
chan_find(const struct herald_sub *s, uint64_t channel)
{
	const uint32_t *e = index_slot(s, channel);

	return e != NULL ? s->chans[*e - 1] : NULL;
}

/* Empty index entry h, shifting back the entries of its probe run
 * (linear probing keeps no tombstones). */
static void
index_delete(struct herald_sub *s, uint32_t h)
{
	uint32_t mask = s->index_cap - 1, j = h, k;

	for (;;) {
		j = (j + 1) & mask;
		if (s->index[j] == 0)
			break;
		k = chan_hash(s->chans[s->index[j] - 1]->channel) & mask;
		/* Entry j may stay if its home k lies cyclically in (h, j]. */
		if (h <= j ? (h < k && k <= j) : (h < k || k <= j))
			continue;
		s->index[h] = s->index[j];
		h = j;
	}
	s->index[h] = 0;
}

static struct sub_chan *
chan_add(struct herald_sub *s, uint64_t channel)
{
	struct sub_chan *c, **arr;
	uint32_t cap, h;

	if (s->n_chans >= SUB_MAX_CHANNELS)
		return NULL;
	if (s->n_chans == s->cap_chans) {
		cap = s->cap_chans ? s->cap_chans * 2 : 16;
		arr = realloc(s->chans, cap * sizeof(*arr));
		if (arr == NULL)
			return NULL;
		s->chans = arr;
		s->cap_chans = cap;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->channel = channel;
	s->chans[s->n_chans++] = c;
	if (2 * s->n_chans >= s->index_cap) {
		if (index_rebuild(s, s->index_cap ? s->index_cap * 2 : 64) <
		    0) {
			s->n_chans--;
			free(c);
			return NULL;
		}
		return c;
	}
	h = chan_hash(channel) & (s->index_cap - 1);
	while (s->index[h] != 0)
		h = (h + 1) & (s->index_cap - 1);
	s->index[h] = s->n_chans;
	return c;
}

static void
chan_remove(struct herald_sub *s, struct sub_chan *c)
{
	uint32_t *e = index_slot(s, c->channel);
	uint32_t i, last = s->n_chans - 1;

	if (e == NULL)
		return;
	i = *e - 1;
	index_delete(s, (uint32_t)(e - s->index));
	if (i != last) {
		/* The last channel moves into the hole. */
		*index_slot(s, s->chans[last]->channel) = i + 1;
		s->chans[i] = s->chans[last];
	}
	s->n_chans--;
	chan_release(c);
	free(c);
}

/* ---- life cycle ---- */

static void
defaults(struct herald_sub_config *c)
{
	if (c->keepalive_ns == 0)
		c->keepalive_ns = 1000000000;
	if (c->server_timeout_ns == 0)
		c->server_timeout_ns = 5000000000ull;
	if (c->nack_delay_ns == 0)
		c->nack_delay_ns = 100000;
	if (c->nack_retry_ns == 0)
		c->nack_retry_ns = 20000000;
	if (c->nack_retry_max_ns < c->nack_retry_ns)
		c->nack_retry_max_ns = c->nack_retry_ns > 1000000000
					       ? c->nack_retry_ns
					       : 1000000000;
	if (c->reorder_window == 0)
		c->reorder_window = 16384;
	if (c->subscribe_retry_ns == 0)
		c->subscribe_retry_ns = 200000000;
	if (c->subscribe_tries == 0)
		c->subscribe_tries = 8;
}

struct herald_sub *
herald_sub_new(const struct herald_sub_config *cfg, herald_sub_event_cb cb,
	       void *cb_arg)
{
	struct herald_sub *s;
	int rc;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cfg = *cfg;
	defaults(&s->cfg);
	rc = s->cfg.reorder_window > (1u << 24) ? -EINVAL : 0;
	if (rc == 0)
		rc = hc_udp_open(&s->udp, cfg->server, cfg->server_port,
				 cfg->bind_addr, cfg->bind_port, 0, cfg->rcvbuf,
				 !cfg->no_udp_gro, &cfg->impair);
	if (rc < 0) {
		free(s);
		errno = -rc;
		return NULL;
	}
	s->cb = cb;
	s->cb_arg = cb_arg;
	s->id = cfg->subscriber_id ? cfg->subscriber_id : hc_random_id();
	s->rng = ((uint64_t)hc_random_id() << 32) | s->id;
	return s;
}

void
herald_sub_free(struct herald_sub *s)
{
	uint32_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_chans; i++) {
		chan_release(s->chans[i]);
		free(s->chans[i]);
	}
	free(s->chans);
	free(s->index);
	hc_udp_close(&s->udp);
	free(s);
}

int
herald_sub_fd(const struct herald_sub *s)
{
	return s->udp.fd;
}

uint32_t
herald_sub_id(const struct herald_sub *s)
{
	return s->id;
}

int
herald_sub_local(const struct herald_sub *s, uint32_t *addr, uint16_t *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(s->udp.fd, (struct sockaddr *)&a, &len) < 0)
		return -errno;
	*addr = ntohl(a.sin_addr.s_addr);
	*port = ntohs(a.sin_port);
	return 0;
}

uint64_t
herald_sub_last_seq(const struct herald_sub *s, uint64_t channel)
{
	const struct sub_chan *c = chan_find(s, channel);

	return c != NULL && c->synced && c->next > 0 ? c->next - 1 : 0;
}

/* ---- SUBSCRIBE / UNSUBSCRIBE ---- */

static void
ctl_start(struct sub_chan *c, enum chan_state st)
{
	c->state = st;
	c->ctl_at = 1; /* due at the next process call */
	c->ctl_tries = 0;
	c->ctl_wait = 0;
}

int
herald_sub_subscribe(struct herald_sub *s, const struct herald_sub_request *req)
{
	struct sub_chan *c;

	if (req == NULL || req->channel == 0 ||
	    (req->flags & ~HERALD_SUB_PASSIVE))
		return -EINVAL;
	c = chan_find(s, req->channel);
	if (c == NULL && (c = chan_add(s, req->channel)) == NULL)
		return -ENOSPC;
	c->req = *req;
	c->want_passive = (req->flags & HERALD_SUB_PASSIVE) != 0;
	ctl_start(c, CH_SUBSCRIBING);
	return 0;
}

int
herald_sub_unsubscribe(struct herald_sub *s, uint64_t channel)
{
	struct sub_chan *c = chan_find(s, channel);

	if (c == NULL)
		return -ENOENT;
	ctl_start(c, CH_UNSUBSCRIBING);
	return 0;
}

static void
send_ctl(struct herald_sub *s, struct sub_chan *c)
{
	struct hwp_frame f = {
		.type = c->state == CH_UNSUBSCRIBING ? HWP_T_UNSUBSCRIBE
						     : HWP_T_SUBSCRIBE,
		.u.subscribe =
			{
				.channel = c->channel,
				.subscriber = s->id,
				.expires = c->req.expires,
			},
	};

	if (c->state == CH_SUBSCRIBING) {
		f.u.subscribe.from_seq = c->req.from_seq;
		f.flags = c->want_passive ? HWP_F_PASSIVE : 0;
	}
	memcpy(f.u.subscribe.token, c->req.token, HWP_TOKEN_LEN);
	hwp_encode_frame(sub_ctl_frame(s, HWP_SUBSCRIBE_LEN), HWP_SUBSCRIBE_LEN,
			 &f);
}

static void
emit_simple(struct herald_sub *s, enum herald_sub_event_type type,
	    uint64_t channel, uint32_t epoch)
{
	struct herald_sub_event ev = {
		.type = type,
		.channel = channel,
		.epoch = epoch,
	};

	sub_emit(s, &ev);
}

/* A SUBSCRIBE/UNSUBSCRIBE resend is due; past the tries, give up. */
static void
ctl_due(struct herald_sub *s, struct sub_chan *c)
{
	if (c->ctl_tries >= s->cfg.subscribe_tries) {
		c->ctl_at = 0;
		emit_simple(s, HERALD_SUB_SUBSCRIBE_TIMEOUT, c->channel,
			    c->epoch);
		if (c->state == CH_UNSUBSCRIBING || !c->synced)
			chan_remove(s, c);
		else
			c->state = CH_LIVE; /* the live subscription stays */
		return;
	}
	send_ctl(s, c);
	c->ctl_tries++;
	c->ctl_wait = c->ctl_wait ? c->ctl_wait * 2 : s->cfg.subscribe_retry_ns;
	c->ctl_at = s->now + c->ctl_wait;
}

static void
on_suback(struct herald_sub *s, const struct hwp_suback *a)
{
	struct sub_chan *c = chan_find(s, a->channel);
	struct herald_sub_event ev = {
		.type = HERALD_SUB_SUBACK,
		.channel = a->channel,
		.seq = a->next_seq,
		.epoch = a->epoch,
		.status = a->status,
	};

	if (c == NULL || a->subscriber != s->id)
		return;
	if (c->state == CH_UNSUBSCRIBING) {
		if (a->status != HWP_SUBACK_OK &&
		    a->status != HWP_SUBACK_NOT_SUBSCRIBED)
			return; /* resent until Herald agrees, or tries end */
		sub_emit(s, &ev);
		chan_remove(s, c);
		return;
	}
	if (c->state != CH_SUBSCRIBING)
		return; /* the answer to a resend already answered */
	c->ctl_at = 0;
	if (a->status != HWP_SUBACK_OK) {
		sub_emit(s, &ev);
		if (c->synced)
			c->state = CH_LIVE; /* a failed change: it stays */
		else
			chan_remove(s, c);
		return;
	}
	c->state = CH_LIVE;
	sub_emit(s, &ev);
	chan_synced(s, c, a->next_seq, a->epoch);
}

/* Subscribe every channel again (from the next message): the answers
 * tell whether Herald still knows them (same channel epochs: nothing
 * changes) or restarted (new epochs: each channel resets and is filled
 * from seq 1 by NACKs, chan_synced). */
static void
resubscribe_all(struct herald_sub *s)
{
	uint32_t i;

	for (i = 0; i < s->n_chans; i++) {
		struct sub_chan *c = s->chans[i];

		if (c->state != CH_LIVE)
			continue; /* already being resent */
		c->req.from_seq = 0;
		ctl_start(c, CH_SUBSCRIBING);
	}
	s->resubscribed = true;
	s->st.resubscribes++;
}

static void
on_keepalive_answer(struct herald_sub *s, const struct hwp_heartbeat *hb)
{
	if (hb->subscriber != s->id)
		return;
	s->last_answer = s->now;
	s->server_lost = false;
	if (s->instance_epoch != 0 && hb->epoch != s->instance_epoch) {
		/* Herald restarted and holds none of this endpoint's
		 * subscriptions (unless the silence already made us
		 * subscribe again: that is why it answers). */
		if (!s->resubscribed)
			resubscribe_all(s);
		emit_simple(s, HERALD_SUB_SERVER_RESTARTED, 0, hb->epoch);
	}
	s->instance_epoch = hb->epoch;
	s->resubscribed = false;
}

static void
on_frame(struct herald_sub *s, const struct hwp_frame *f)
{
	struct sub_chan *c;

	switch (f->type) {
	case HWP_T_DELIVER:
		s->st.delivers_rx++;
		if (f->flags & HWP_F_RETRANSMIT)
			s->st.retransmits_rx++;
		c = chan_find(s, f->u.deliver.channel);
		if (c != NULL && c->state != CH_UNSUBSCRIBING)
			chan_on_deliver(s, c, f);
		break;
	case HWP_T_GAP:
		c = chan_find(s, f->u.gap.channel);
		if (c != NULL && c->state != CH_UNSUBSCRIBING)
			chan_on_gap(s, c, &f->u.gap);
		break;
	case HWP_T_HEARTBEAT:
		s->st.heartbeats_rx++;
		if (f->u.heartbeat.channel == 0) {
			on_keepalive_answer(s, &f->u.heartbeat);
			break;
		}
		c = chan_find(s, f->u.heartbeat.channel);
		if (c != NULL && c->state != CH_UNSUBSCRIBING)
			chan_on_heartbeat(s, c, &f->u.heartbeat);
		break;
	case HWP_T_SUBACK: on_suback(s, &f->u.suback); break;
	default: break; /* PUBACK: not for a subscriber */
	}
}

static void
on_datagram(void *arg, const uint8_t *buf, unsigned int len)
{
	struct herald_sub *s = arg;
	struct hwp_frame fr[8];
	unsigned int n, i;

	if (hwp_parse(buf, len, HWP_DIR_FROM_HERALD, fr, 8, &n, NULL) !=
	    HWP_ERR_OK) {
		s->st.rx_invalid++;
		return;
	}
	for (i = 0; i < n; i++)
		on_frame(s, &fr[i]);
}

/* ---- timers ---- */

static void
keepalive(struct herald_sub *s)
{
	struct hwp_heartbeat hb = {.subscriber = s->id};

	if (s->n_chans == 0 || s->now < s->keepalive_at)
		return;
	if (s->last_answer == 0)
		s->last_answer = s->now; /* the timeout counts from here */
	hwp_encode_heartbeat(sub_ctl_frame(s, HWP_HEARTBEAT_LEN),
			     HWP_HEARTBEAT_LEN, &hb);
	s->st.keepalives_sent++;
	s->keepalive_at = s->now + s->cfg.keepalive_ns;
	/* Herald answers keep-alives only while it holds a subscription of
	 * ours: after a restart it is silent. Two and a half periods without
	 * an answer: subscribe again, which settles it either way. */
	if (s->now - s->last_answer > s->cfg.keepalive_ns * 5 / 2 &&
	    s->now - s->resubscribed_at > s->cfg.keepalive_ns * 2) {
		s->resubscribed_at = s->now;
		resubscribe_all(s);
	}
	if (!s->server_lost &&
	    s->now - s->last_answer > s->cfg.server_timeout_ns) {
		s->server_lost = true;
		emit_simple(s, HERALD_SUB_SERVER_LOST, 0, s->instance_epoch);
	}
}

int
herald_sub_process(struct herald_sub *s, uint64_t now)
{
	uint32_t i;

	s->now = now;
	hc_udp_recv(&s->udp, on_datagram, s);
	/* Backwards: a channel removed is replaced by one already seen. */
	for (i = s->n_chans; i-- > 0;) {
		struct sub_chan *c = s->chans[i];

		if (c->ctl_at != 0 && now >= c->ctl_at) {
			ctl_due(s, c);
			continue;
		}
		if (c->nack_at != 0 && now >= c->nack_at)
			chan_nack_due(s, c);
	}
	keepalive(s);
	ctl_commit(s);
	hc_udp_flush(&s->udp);
	return 0;
}

uint64_t
herald_sub_next_timeout(const struct herald_sub *s, uint64_t now)
{
	uint64_t due = UINT64_MAX;
	uint32_t i;

	if (s->n_chans > 0)
		due = s->keepalive_at;
	for (i = 0; i < s->n_chans; i++) {
		const struct sub_chan *c = s->chans[i];

		if (c->ctl_at != 0 && c->ctl_at < due)
			due = c->ctl_at;
		if (c->nack_at != 0 && c->nack_at < due)
			due = c->nack_at;
	}
	/* Datagrams the impairment holds back are let go on an idle read. */
	if (s->udp.imp.n_rx_held > 0 && now + 1000000 < due)
		due = now + 1000000;
	if (due == UINT64_MAX)
		return due;
	return due <= now ? 0 : due - now;
}

void
herald_sub_get_stats(const struct herald_sub *s, struct herald_sub_stats *st)
{
	*st = s->st;
	st->instance_epoch = s->instance_epoch;
	st->subscriber_id = s->id;
	st->rx_coalesced = s->udp.rx_coalesced;
	st->impair = s->udp.imp.st;
}
