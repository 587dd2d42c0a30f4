/* SPDX-License-Identifier: BSD-3-Clause
 * Telemetry: the same counters as "show stats" and the exit JSON, for
 * monitoring agents; a channel's and an endpoint's subscriptions, paged.
 * Callbacks run on telemetry threads and only read what workers publish
 * (64-bit counters), never RCU-protected tables; what the control plane
 * knows they ask the control thread for (control/query.c).
 */
#include <pthread.h>
#include <stdbool.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "control/control.h"
#include "herald.h"
#include "inet_parse.h"
#include "obs/latency.h"
#include "obs/stats.h"
#include "obs/telemetry.h"
#include "obs/top.h"

/*
 * rte_telemetry has no unregister: a client may poll while herald tears
 * down. Handlers run under the read side of this lock and answer nothing
 * once herald_telemetry_stop() (write side) has run, which teardown does
 * before it frees the workers whose counters the handlers read.
 */
/* Writer-preferring: the handlers of several clients polling back to
 * back would otherwise hold the read side without a gap, and the stop
 * (the one writer) could wait for tens of seconds (glibc's default
 * prefers readers; seen as a 20 s teardown under ASan). */
static pthread_rwlock_t tel_lock =
	PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
static bool tel_live;

static bool
tel_enter(struct rte_tel_data *d)
{
	pthread_rwlock_rdlock(&tel_lock);
	if (tel_live)
		return true;
	pthread_rwlock_unlock(&tel_lock);
	rte_tel_data_string(d, "herald is stopping");
	return false;
}

static void
tel_leave(void)
{
	pthread_rwlock_unlock(&tel_lock);
}

/* Telemetry names allow letters, digits and '_' only: group_name. */
static void
add_group(struct rte_tel_data *d, const char *group, const char *const *names,
	  const uint64_t *v, unsigned int first, unsigned int n)
{
	char key[RTE_TEL_MAX_STRING_LEN];
	unsigned int i;

	for (i = first; i < n; i++) {
		if (group != NULL)
			snprintf(key, sizeof(key), "%s_%s", group, names[i]);
		else
			snprintf(key, sizeof(key), "%s", names[i]);
		rte_tel_data_add_dict_u64(d, key, v[i]);
	}
}

static int
handle_stats(const char *cmd __rte_unused, const char *params __rte_unused,
	     struct rte_tel_data *d)
{
	struct herald_counters t;

	if (!tel_enter(d))
		return 0;
	herald_stats_totals(&t);
	tel_leave();
	rte_tel_data_start_dict(d);
	add_group(d, NULL, herald_counter_names, t.c, 0, CNT__COUNT);
	add_group(d, "frames", herald_frame_names, t.frame, 0, FRAME__COUNT);
	add_group(d, "nonhwp", herald_nonhwp_names, t.nonhwp, 0, NONHWP__COUNT);
	/* Index 0 is "ok", not a drop reason. */
	add_group(d, "invalid", herald_invalid_names, t.invalid, 1,
		  HWP_ERR__COUNT);
	add_group(d, "control", herald_control_names, herald.ctl_cnt.c, 0,
		  CTL__COUNT);
	return 0;
}

static int
handle_info(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	if (!tel_enter(d))
		return 0;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", HERALD_VERSION);
	rte_tel_data_add_dict_u64(d, "epoch", herald.epoch);
	rte_tel_data_add_dict_u64(d, "address", herald.cfg.address);
	rte_tel_data_add_dict_u64(d, "udp_port", herald.cfg.udp_port);
	rte_tel_data_add_dict_u64(d, "workers", herald.n_workers);
	rte_tel_data_add_dict_u64(d, "ports", herald.n_ports);
	tel_leave();
	return 0;
}

static int
handle_lcores(const char *cmd __rte_unused, const char *params __rte_unused,
	      struct rte_tel_data *d)
{
	const struct herald_lcore *lc;
	unsigned int i;

	if (!tel_enter(d))
		return 0;
	rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
	for (i = 0; (lc = herald_lcore_get(i)) != NULL; i++)
		rte_tel_data_add_array_u64(d, lc->lcore_id);
	tel_leave();
	return 0;
}

/* "ID[,PAGE]": 0 or -1. */
static int
parse_page(const char *s, uint32_t *page)
{
	uint64_t v = 0;

	*page = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (inet_parse_u64(s, 0, UINT32_MAX, &v) < 0)
		return -1;
	*page = (uint32_t)v;
	return 0;
}

static void
fmt_ip(char *buf, size_t n, uint32_t ip, uint16_t port)
{
	snprintf(buf, n, "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff, port);
}

/* Pages of HERALD_QUERY_PAGE entries (a reply is at most 16 KiB). */
static void
add_paging(struct rte_tel_data *d, uint32_t total, uint32_t page)
{
	rte_tel_data_add_dict_u64(d, "page", page);
	rte_tel_data_add_dict_u64(d, "pages",
				  (total + HERALD_QUERY_PAGE - 1) /
					  HERALD_QUERY_PAGE);
	rte_tel_data_add_dict_u64(d, "page_size", HERALD_QUERY_PAGE);
}

static int
ask(struct herald_query *q, struct rte_tel_data *d)
{
	if (herald_control_ask(q) == 0)
		return 0;
	rte_tel_data_string(d, "the control thread did not answer");
	return -1;
}

static void
channel_reply(struct rte_tel_data *d, const struct herald_query *q,
	      uint32_t page)
{
	struct rte_tel_data *subs = rte_tel_data_alloc();
	char ep[32], item[RTE_TEL_MAX_STRING_LEN];
	int i;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "channel", q->ci.channel);
	rte_tel_data_add_dict_u64(d, "slot", q->ci.slot);
	rte_tel_data_add_dict_u64(d, "owner_lcore", q->ci.owner_lcore);
	rte_tel_data_add_dict_u64(d, "last_seq", q->ci.last_seq);
	rte_tel_data_add_dict_u64(d, "epoch", q->ci.epoch);
	rte_tel_data_add_dict_u64(d, "subscribers", q->ci.n_members);
	add_paging(d, q->ci.n_members, page);
	if (subs == NULL)
		return;
	rte_tel_data_start_array(subs, RTE_TEL_STRING_VAL);
	for (i = 0; i < q->rc; i++) {
		const struct herald_member_info *m = &q->members[i];

		fmt_ip(ep, sizeof(ep), m->ip, m->port);
		snprintf(item, sizeof(item),
			 "%u %s %02x:%02x:%02x:%02x:%02x:%02x%s", m->subscriber,
			 ep, m->mac.addr_bytes[0], m->mac.addr_bytes[1],
			 m->mac.addr_bytes[2], m->mac.addr_bytes[3],
			 m->mac.addr_bytes[4], m->mac.addr_bytes[5],
			 m->operator_added ? " operator" : "");
		rte_tel_data_add_array_string(subs, item);
	}
	rte_tel_data_add_dict_container(d, "members", subs, 0);
}

/* /herald/channel,ID[,PAGE] */
static int
handle_channel(const char *cmd __rte_unused, const char *params,
	       struct rte_tel_data *d)
{
	struct herald_query *q;
	char id[32], *comma;
	uint32_t page;
	uint64_t ch;

	if (params == NULL ||
	    snprintf(id, sizeof(id), "%s", params) >= (int)sizeof(id)) {
		rte_tel_data_string(d, "usage: /herald/channel,ID[,PAGE]");
		return 0;
	}
	comma = strchr(id, ',');
	if (comma != NULL)
		*comma++ = '\0';
	if (inet_parse_u64(id, 1, UINT64_MAX, &ch) < 0 ||
	    parse_page(comma, &page) < 0) {
		rte_tel_data_string(d, "usage: /herald/channel,ID[,PAGE] "
				       "(ID a channel, not 0)");
		return 0;
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL || !tel_enter(d)) {
		free(q);
		return 0;
	}
	q->kind = HERALD_QUERY_CHANNEL;
	q->channel = ch;
	q->first = page * HERALD_QUERY_PAGE;
	if (ask(q, d) == 0)
		channel_reply(d, q, page);
	tel_leave();
	free(q);
	return 0;
}

static void
endpoint_reply(struct rte_tel_data *d, const struct herald_query *q,
	       uint32_t page)
{
	struct rte_tel_data *subs;
	char item[RTE_TEL_MAX_STRING_LEN];
	uint64_t now = herald_clock_system_ns(&herald_clock);
	int i;

	if (q->rc < 0) {
		rte_tel_data_string(d, "no such subscriber endpoint");
		return;
	}
	rte_tel_data_start_dict(d);
	fmt_ip(item, sizeof(item), q->ei.ip, q->ei.port);
	rte_tel_data_add_dict_string(d, "endpoint", item);
	rte_tel_data_add_dict_u64(d, "subscriptions", q->ei.n_subs);
	rte_tel_data_add_dict_u64(d, "network_subscriptions", q->ei.n_network);
	rte_tel_data_add_dict_u64(d, "last_heard_ms_ago",
				  now > q->ei.last_seen_ns
					  ? (now - q->ei.last_seen_ns) / 1000000
					  : 0);
	add_paging(d, q->ei.n_subs, page);
	subs = rte_tel_data_alloc();
	if (subs == NULL)
		return;
	rte_tel_data_start_array(subs, RTE_TEL_STRING_VAL);
	for (i = 0; i < q->rc; i++) {
		snprintf(item, sizeof(item),
			 "channel %" PRIu64 " subscriber %u%s%s",
			 q->subs[i].channel, q->subs[i].subscriber,
			 q->subs[i].operator_added ? " operator" : "",
			 q->subs[i].passive ? " passive" : "");
		rte_tel_data_add_array_string(subs, item);
	}
	rte_tel_data_add_dict_container(d, "channels", subs, 0);
}

/* /herald/subscriber,IP:PORT[,PAGE] */
static int
handle_subscriber(const char *cmd __rte_unused, const char *params,
		  struct rte_tel_data *d)
{
	struct herald_query *q;
	char ep[48], *colon, *comma;
	uint32_t page, ip;
	uint64_t port;

	if (params == NULL ||
	    snprintf(ep, sizeof(ep), "%s", params) >= (int)sizeof(ep))
		goto usage;
	comma = strchr(ep, ',');
	if (comma != NULL)
		*comma++ = '\0';
	colon = strchr(ep, ':');
	if (colon == NULL)
		goto usage;
	*colon++ = '\0';
	if (inet_parse_ipv4(ep, &ip) < 0 ||
	    inet_parse_u64(colon, 1, UINT16_MAX, &port) < 0 ||
	    parse_page(comma, &page) < 0)
		goto usage;
	q = calloc(1, sizeof(*q));
	if (q == NULL || !tel_enter(d)) {
		free(q);
		return 0;
	}
	q->kind = HERALD_QUERY_ENDPOINT;
	q->ip = ip;
	q->port = (uint16_t)port;
	q->first = page * HERALD_QUERY_PAGE;
	if (ask(q, d) == 0)
		endpoint_reply(d, q, page);
	tel_leave();
	free(q);
	return 0;
usage:
	rte_tel_data_string(d, "usage: /herald/subscriber,IP:PORT[,PAGE]");
	return 0;
}

/* Writes entry i of a top-N list as one string. */
typedef void (*tel_top_item)(const void *ctx, unsigned int i, char *buf,
			     size_t n);

/* Add the list's n entries to dict d as "top", strings that item
 * writes from ctx. */
static void
add_top(struct rte_tel_data *d, const void *ctx, unsigned int n,
	tel_top_item item)
{
	struct rte_tel_data *list = rte_tel_data_alloc();
	char buf[RTE_TEL_MAX_STRING_LEN];
	unsigned int i;

	if (list == NULL)
		return;
	rte_tel_data_start_array(list, RTE_TEL_STRING_VAL);
	for (i = 0; i < n; i++) {
		item(ctx, i, buf, sizeof(buf));
		rte_tel_data_add_array_string(list, buf);
	}
	rte_tel_data_add_dict_container(d, "top", list, 0);
}

/* One top-N list (a control-thread query of kind) as a dict: the count
 * under count_key, and the entries as strings that item writes. */
static int
top_reply(struct rte_tel_data *d, int kind, int order, const char *count_key,
	  tel_top_item item)
{
	struct herald_query *q;

	q = calloc(1, sizeof(*q));
	if (q == NULL || !tel_enter(d)) {
		free(q);
		return 0;
	}
	q->kind = kind;
	q->order = (enum herald_sub_order)order;
	if (ask(q, d) == 0) {
		rte_tel_data_start_dict(d);
		rte_tel_data_add_dict_u64(d, count_key, q->first);
		if (kind == HERALD_QUERY_TOP) {
			rte_tel_data_add_dict_string(
				d, "order",
				herald_top_sub_order_name(q->order));
			rte_tel_data_add_dict_u64(d, "ranked", q->ranked);
		}
		add_top(d, q, (unsigned int)q->rc, item);
	}
	tel_leave();
	free(q);
	return 0;
}

static void
top_endpoint(const void *ctx, unsigned int i, char *buf, size_t n)
{
	const struct herald_query *q = ctx;
	const struct herald_rtx_stats *r = &q->top[i].repair;
	char ep[32];

	fmt_ip(ep, sizeof(ep), q->top[i].ip, q->top[i].port);
	snprintf(buf, n,
		 "%s nacks %" PRIu64 " over_budget %" PRIu64
		 " given_up %" PRIu64 " retransmits %" PRIu64 " gaps %" PRIu64,
		 ep, r->nacks, r->over_budget, r->given_up, r->retransmits,
		 r->gaps);
}

static void
top_channel(const void *ctx, unsigned int i, char *buf, size_t n)
{
	const struct herald_query *q = ctx;
	const struct herald_channel_info *ci = &q->top_ch[i];

	snprintf(buf, n,
		 "%" PRIu64 " messages %" PRIu64
		 " mean_rate %.1f subscribers %u lcore %u",
		 ci->channel, ci->last_seq, ci->mean_rate, ci->n_members,
		 ci->owner_lcore);
}

/* The 32 endpoints that cost the most repair, or (parameter) most
 * NACKs, retransmits, GAPs, budget refusals. */
static int
handle_top(const char *cmd __rte_unused, const char *params,
	   struct rte_tel_data *d)
{
	int order = params == NULL || *params == '\0'
			    ? HERALD_SUB_BY_REPAIR
			    : herald_top_sub_order(params);

	if (order < 0)
		return -EINVAL;
	return top_reply(d, HERALD_QUERY_TOP, order, "with_nacks",
			 top_endpoint);
}

/* The 32 busiest subscribed channels. */
static int
handle_top_channels(const char *cmd __rte_unused,
		    const char *params __rte_unused, struct rte_tel_data *d)
{
	return top_reply(d, HERALD_QUERY_TOP_CHANNELS, 0, "subscribed_channels",
			 top_channel);
}

static void
top_publisher(const void *ctx, unsigned int i, char *buf, size_t n)
{
	const struct herald_publisher_info *p =
		(const struct herald_publisher_info *)ctx + i;
	char ep[32];

	fmt_ip(ep, sizeof(ep), p->ip, p->port);
	snprintf(buf, n,
		 "%u %s rate %.1f messages %" PRIu64 " duplicates %" PRIu64
		 " ahead %" PRIu64 " over_credit %" PRIu64,
		 p->publisher, ep, p->rate, p->messages, p->duplicates,
		 p->ahead, p->over_credit);
}

/* The 32 publisher sessions by rate, or (parameter "duplicates") by
 * duplicate frames: read from the workers' tables, no control query. */
static int
handle_top_publishers(const char *cmd __rte_unused, const char *params,
		      struct rte_tel_data *d)
{
	static struct herald_publisher_info top[HERALD_TOP_MAX];
	int order = params == NULL || *params == '\0'
			    ? HERALD_PUB_BY_RATE
			    : herald_top_pub_order(params);
	uint32_t n, total;

	if (order < 0)
		return -EINVAL;
	if (!tel_enter(d))
		return 0;
	n = herald_publish_top(top, HERALD_TOP_MAX,
			       (enum herald_pub_order)order, &total);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(
		d, order == HERALD_PUB_BY_RATE ? "sessions" : "with_duplicates",
		total);
	add_top(d, top, n, top_publisher);
	tel_leave();
	return 0;
}

static void
top_slot(const void *ctx, unsigned int i, char *buf, size_t n)
{
	const struct herald_slot_row *r =
		(const struct herald_slot_row *)ctx + i;

	snprintf(buf, n, "%u worker %u messages %" PRIu64, r->slot, r->worker,
		 r->messages);
}

/* The 32 busiest slots since clear stats. */
static int
handle_top_slots(const char *cmd __rte_unused, const char *params __rte_unused,
		 struct rte_tel_data *d)
{
	struct herald_slot_row rows[HERALD_TOP_MAX];

	if (!tel_enter(d))
		return 0;
	rte_tel_data_start_dict(d);
	add_top(d, rows, herald_slots_busiest(rows, HERALD_TOP_MAX), top_slot);
	tel_leave();
	return 0;
}

/* Per latency kind, all workers: count, p50..p999 and max in ns. */
static int
handle_latency(const char *cmd __rte_unused, const char *params __rte_unused,
	       struct rte_tel_data *d)
{
	struct herald_latency_summary s;
	char key[RTE_TEL_MAX_STRING_LEN];
	unsigned int k, q;

	if (!tel_enter(d))
		return 0;
	rte_tel_data_start_dict(d);
	for (k = 0; k < LAT__COUNT; k++) {
		struct rte_tel_data *one = rte_tel_data_alloc();

		if (one == NULL)
			break;
		herald_latency_summary(k, &s);
		rte_tel_data_start_dict(one);
		rte_tel_data_add_dict_u64(one, "count", s.count);
		for (q = 0; q < HERALD_LATENCY_QUANTILES; q++) {
			snprintf(key, sizeof(key), "%s_ns",
				 herald_latency_quantile_names[q]);
			rte_tel_data_add_dict_u64(one, key, s.q_ns[q]);
		}
		rte_tel_data_add_dict_u64(one, "max_ns", s.max_ns);
		rte_tel_data_add_dict_container(d, herald_latency_names[k], one,
						0);
	}
	tel_leave();
	return 0;
}

void
herald_telemetry_stop(void)
{
	pthread_rwlock_wrlock(&tel_lock);
	tel_live = false;
	pthread_rwlock_unlock(&tel_lock);
}

/* Herald's telemetry commands (help under RTE_TEL_MAX_STRING_LEN). */
static const struct {
	const char *path;
	telemetry_cb fn;
	const char *help;
} tel_cmds[] = {
	{"/herald/stats", handle_stats,
	 "Every Herald counter, absolute since start. No parameters"},
	{"/herald/info", handle_info,
	 "Version, epoch, address, port, workers, ports. No parameters"},
	{"/herald/lcores", handle_lcores, "Worker lcore ids. No parameters"},
	{"/herald/latency", handle_latency,
	 "Latency per kind, all workers, since start: count, "
	 "p50/p90/p99/p999/max in ns. No parameters"},
	{"/herald/channel", handle_channel,
	 "A channel: owner, last seq, epoch, members (128 a page). "
	 "Parameters: ID[,PAGE]"},
	{"/herald/subscriber", handle_subscriber,
	 "A subscriber endpoint: its subscriptions (128 a page), last "
	 "heard. Parameters: IP:PORT[,PAGE]"},
	{"/herald/subscribers/top", handle_top,
	 "The 32 endpoints by NACKs refused, then retransmits. Parameter: "
	 "nacks, retransmits, gaps or budget, to rank by that"},
	{"/herald/channels/top", handle_top_channels,
	 "The 32 subscribed channels with the most messages this epoch. "
	 "No parameters"},
	{"/herald/slots/top", handle_top_slots,
	 "The 32 slots with the most messages since clear stats, with "
	 "their owner. No parameters"},
	{"/herald/publishers/top", handle_top_publishers,
	 "The 32 publisher sessions with the highest rate (messages/s); "
	 "parameter duplicates: those with the most duplicate frames"},
};

void
herald_telemetry_init(void)
{
	unsigned int i;

	tel_live = true;
	for (i = 0; i < RTE_DIM(tel_cmds); i++)
		/* The library refuses a help of RTE_TEL_MAX_STRING_LEN or
		 * more: say so rather than answer null. */
		if (rte_telemetry_register_cmd(tel_cmds[i].path, tel_cmds[i].fn,
					       tel_cmds[i].help) != 0)
			fprintf(stderr,
				"herald: telemetry command %s not registered\n",
				tel_cmds[i].path);
}
