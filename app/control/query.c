/* SPDX-License-Identifier: BSD-3-Clause
 * What the control plane can tell of a channel or an endpoint: for the
 * CLI (on the control thread itself) and for other threads (rte_telemetry
 * runs a thread per client), which ask the control thread through a
 * mailbox instead of reading its tables: only it may. An asker waits at
 * most HERALD_QUERY_TIMEOUT_MS; the control loop answers between two of
 * its rounds.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "control/control.h"
#include "control/plane.h"
#include "dataplane/dataplane.h"
#include "herald.h"
#include "topn.h"

/* How long another thread waits for the control thread (ms). */
#define HERALD_QUERY_TIMEOUT_MS 1000

int
herald_control_channel(uint64_t channel, struct herald_channel_info *ci,
		       struct herald_member_info *m, uint32_t first,
		       uint32_t max)
{
	uint32_t pos = ctl_chan_find(channel), i, n = 0;
	const struct herald_lcore *owner;
	struct herald_dp_channel_view v;
	const struct ctl_chan *c;
	uint64_t span;

	memset(ci, 0, sizeof(*ci));
	ci->channel = channel;
	ci->slot = hwp_slot(channel);
	owner = herald_slot_lcore(ci->slot);
	ci->owner_lcore = owner->lcore_id;
	ci->has_state = herald_dp_channel_state(channel, &v);
	ci->last_seq = v.last_seq;
	ci->epoch = v.epoch;
	ci->last_msg_ns = v.last_msg_ns;
	ci->repair = v.rtx;
	span = v.last_msg_ns - v.created_ns;
	ci->mean_rate = span > 0 ? (double)v.last_seq * 1e9 / (double)span : 0;
	c = pos == CTL_NIL ? NULL : ctl_chan_at(pos);
	ci->n_members = c == NULL ? 0 : c->n;
	for (i = first; c != NULL && i < c->n && n < max; i++, n++) {
		const struct subtab_member *sm = &c->m[i];

		m[n].subscriber = sm->subscriber;
		m[n].ip = sm->ip;
		m[n].port = sm->udp_port;
		m[n].mac = sm->mac;
		m[n].operator_added =
			ctl_sub_at(c->sub[i])->origin == CTL_OPERATOR;
	}
	return (int)n;
}

/* Newest time the endpoint was heard from (its stamps and the workers'). */
static uint64_t
endpoint_last_seen(uint32_t pos)
{
	uint64_t t = ctl_ep_at(pos)->seen_ns, s;
	unsigned int w;

	for (w = 0; w < herald.n_workers; w++) {
		s = __atomic_load_n(&herald.lcores[w]->ep_seen[pos],
				    __ATOMIC_RELAXED);
		if (s > t)
			t = s;
	}
	return t;
}

int
herald_control_endpoint(uint32_t ip, uint16_t port,
			struct herald_endpoint_info *ei,
			struct herald_epsub_info *s, uint32_t first,
			uint32_t max)
{
	uint32_t pos = ctl_ep_find(ip, port), sp, i = 0, n = 0;
	const struct herald_endpoint *ep;

	memset(ei, 0, sizeof(*ei));
	ei->ip = ip;
	ei->port = port;
	if (pos == CTL_NIL)
		return -ENOENT;
	ep = ctl_ep_at(pos);
	herald_mac_from64(ep->mac64, &ei->mac);
	ei->n_subs = ep->n_subs;
	ei->n_network = ep->n_network;
	ei->last_seen_ns = endpoint_last_seen(pos);
	ei->timeout_ns = (uint64_t)herald.cfg.endpoint_timeout_ms * 1000000;
	herald_dp_endpoint_repair(pos, ep->gen, &ei->repair);
	for (sp = ep->first_sub; sp != CTL_NIL && n < max;
	     sp = ctl_sub_at(sp)->ep_next, i++) {
		const struct ctl_sub *cs = ctl_sub_at(sp);

		if (i < first)
			continue;
		s[n].channel = cs->channel;
		s[n].subscriber = cs->subscriber;
		s[n].operator_added = cs->origin == CTL_OPERATOR;
		s[n].passive = cs->passive != 0;
		n++;
	}
	return (int)n;
}

uint32_t
herald_control_endpoints(struct herald_endpoint_info *ei, uint32_t max)
{
	uint32_t pos, n = 0;

	for (pos = 0; pos < herald.ep_slots && n < max; pos++) {
		const struct herald_endpoint *ep = ctl_ep_at(pos);

		if (ep->live == 0)
			continue;
		herald_control_endpoint(ep->ip, ep->port, &ei[n], NULL, 0, 0);
		n++;
	}
	return n;
}

uint32_t
herald_control_n_endpoints(void)
{
	return ctl_n_endpoints();
}

/* ---- the mailbox ---- */

static struct {
	pthread_mutex_t ask;  /* one asker at a time */
	pthread_mutex_t lock; /* the fields below */
	pthread_cond_t done_cv;
	struct herald_query *pending; /* NULL: none */
	bool done;
} mb = {
	.ask = PTHREAD_MUTEX_INITIALIZER,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.done_cv = PTHREAD_COND_INITIALIZER,
};

/* Worse first: more NACKs refused, then more retransmits. */
/* The count order ranks by. */
static uint64_t
order_key(const struct herald_rtx_stats *r, enum herald_sub_order order)
{
	switch (order) {
	case HERALD_SUB_BY_NACKS: return r->nacks;
	case HERALD_SUB_BY_RETRANSMITS: return r->retransmits;
	case HERALD_SUB_BY_GAPS: return r->gaps;
	case HERALD_SUB_BY_BUDGET: return r->over_budget;
	default: return r->over_budget + r->given_up;
	}
}

/* Endpoint a ranks before b in order *ctx (ties: retransmits). */
static bool
worse(const void *a, const void *b, const void *ctx)
{
	const struct herald_rtx_stats *ra =
		&((const struct herald_endpoint_info *)a)->repair;
	const struct herald_rtx_stats *rb =
		&((const struct herald_endpoint_info *)b)->repair;
	enum herald_sub_order order = *(const enum herald_sub_order *)ctx;
	uint64_t ka = order_key(ra, order), kb = order_key(rb, order);

	return ka != kb ? ka > kb : ra->retransmits > rb->retransmits;
}

/* Channel a has more messages this epoch than b. */
static bool
busier(const void *a, const void *b, const void *ctx __rte_unused)
{
	return ((const struct herald_channel_info *)a)->last_seq >
	       ((const struct herald_channel_info *)b)->last_seq;
}

uint32_t
herald_control_top_repair(struct herald_endpoint_info *top, uint32_t max,
			  enum herald_sub_order order, uint32_t *with_nacks,
			  uint32_t *ranked)
{
	struct herald_endpoint_info e;
	uint32_t pos, n = 0;

	*with_nacks = 0;
	*ranked = 0;
	for (pos = 0; pos < herald.ep_slots; pos++) {
		const struct herald_endpoint *ep = ctl_ep_at(pos);

		if (ep->live == 0)
			continue;
		herald_control_endpoint(ep->ip, ep->port, &e, NULL, 0, 0);
		*with_nacks += e.repair.nacks != 0;
		if (order == HERALD_SUB_BY_REPAIR
			    ? e.repair.nacks == 0
			    : order_key(&e.repair, order) == 0)
			continue;
		(*ranked)++;
		topn_offer(top, sizeof(*top), &n, max, &e, worse, &order);
	}
	return n;
}

uint32_t
herald_control_top_channels(struct herald_channel_info *top, uint32_t max,
			    uint32_t *live)
{
	struct herald_channel_info ci;
	uint32_t pos, n = 0;

	*live = 0;
	for (pos = 0; pos < ctl_chan_slots(); pos++) {
		const struct ctl_chan *c = ctl_chan_at(pos);

		if (c->n == 0)
			continue;
		(*live)++;
		herald_control_channel(c->channel, &ci, NULL, 0, 0);
		topn_offer(top, sizeof(*top), &n, max, &ci, busier, NULL);
	}
	return n;
}

static void
answer(struct herald_query *q)
{
	if (q->kind == HERALD_QUERY_TOP_CHANNELS)
		q->rc = (int)herald_control_top_channels(
			q->top_ch, HERALD_TOP_MAX, &q->first);
	else if (q->kind == HERALD_QUERY_TOP)
		q->rc = (int)herald_control_top_repair(q->top, HERALD_TOP_MAX,
						       q->order, &q->first,
						       &q->ranked);
	else if (q->kind == HERALD_QUERY_CHANNEL)
		q->rc = herald_control_channel(q->channel, &q->ci, q->members,
					       q->first, HERALD_QUERY_PAGE);
	else
		q->rc = herald_control_endpoint(q->ip, q->port, &q->ei, q->subs,
						q->first, HERALD_QUERY_PAGE);
}

void
herald_control_serve_queries(void)
{
	/* A cheap look first: askers are rare. */
	if (__atomic_load_n(&mb.pending, __ATOMIC_ACQUIRE) == NULL)
		return;
	pthread_mutex_lock(&mb.lock);
	if (mb.pending != NULL && !mb.done) {
		answer(mb.pending);
		mb.done = true;
		pthread_cond_signal(&mb.done_cv);
	}
	pthread_mutex_unlock(&mb.lock);
}

int
herald_control_ask(struct herald_query *q)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HERALD_QUERY_TIMEOUT_MS / 1000;
	until.tv_nsec += (HERALD_QUERY_TIMEOUT_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&mb.ask);
	pthread_mutex_lock(&mb.lock);
	mb.done = false;
	__atomic_store_n(&mb.pending, q, __ATOMIC_RELEASE);
	while (!mb.done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&mb.done_cv, &mb.lock, &until);
	/* Under the lock: the control thread answers this one or none. */
	rc = mb.done ? 0 : -ETIMEDOUT;
	__atomic_store_n(&mb.pending, NULL, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&mb.lock);
	pthread_mutex_unlock(&mb.ask);
	return rc;
}
