/* SPDX-License-Identifier: BSD-3-Clause
 * Publisher sessions: a worker-private rte_hash keyed by (publisher id,
 * source address, source port), with a direct-mapped cache in front, a
 * coarse LRU by silence for the session timeout, and a count per source
 * address so that one host cannot take the table (PROTOCOL.md section 6,
 * Bounded state).
 */
#include <stdio.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "dataplane/publish/publish.h"

static uint32_t
ip_hash(const void *key, uint32_t key_len __rte_unused, uint32_t init)
{
	return rte_hash_crc_4byte(*(const uint32_t *)key, init);
}

int
herald_publish_lcore_init(struct herald_lcore *lc)
{
	char name[RTE_HASH_NAMESIZE], src_name[RTE_HASH_NAMESIZE];
	uint32_t n = herald_pub_session_entries(lc);
	struct rte_hash_parameters hp = {
		.entries = n,
		.key_len = sizeof(struct herald_pub_key),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_lcore_to_socket_id(lc->lcore_id),
		.name = name,
		/* Overflow buckets: the limit below, not a cuckoo path, is
		 * what makes the table full. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash_parameters sp = hp;

	/* The PUBACK path tests win_tick beside what it reads anyway. */
	RTE_BUILD_BUG_ON(offsetof(struct herald_pub_session, win_tick) >=
			 RTE_CACHE_LINE_SIZE);

	snprintf(name, sizeof(name), "herald_pub%u", lc->index);
	snprintf(src_name, sizeof(src_name), "herald_src%u", lc->index);
	sp.name = src_name;
	sp.key_len = sizeof(uint32_t);
	sp.hash_func = ip_hash;
	herald_lru_init(&lc->sess_lru);
	lc->sessions = rte_hash_create(&hp);
	lc->sources = rte_hash_create(&sp);
	if (lc->sessions == NULL || lc->sources == NULL)
		return -1;
	lc->sess = rte_zmalloc_socket("herald_sessions", sizeof(*lc->sess) * n,
				      RTE_CACHE_LINE_SIZE, hp.socket_id);
	lc->source_sessions = rte_zmalloc_socket(
		"herald_sources", sizeof(*lc->source_sessions) * n,
		RTE_CACHE_LINE_SIZE, hp.socket_id);
	return lc->sess == NULL || lc->source_sessions == NULL ? -1 : 0;
}

void
herald_publish_lcore_free(struct herald_lcore *lc)
{
	rte_hash_free(lc->sessions);
	rte_hash_free(lc->sources);
	rte_free(lc->sess);
	rte_free(lc->source_sessions);
	lc->sessions = NULL;
	lc->sources = NULL;
	lc->sess = NULL;
	lc->source_sessions = NULL;
}

struct herald_pub_session *
herald_session_lookup_slow(struct herald_lcore *lc,
			   const struct herald_pub_key *k)
{
	struct herald_pub_session **c =
		&lc->sess_cache[herald_sess_cache_index(k)];
	struct herald_pub_session *s;
	int32_t pos;

	pos = rte_hash_lookup(lc->sessions, k);
	if (pos < 0)
		return NULL;
	s = &lc->sess[pos];
	*c = s;
	if (unlikely(herald_session_silent(lc, s))) {
		herald_session_close(lc, s);
		lc->cnt.c[CNT_sessions_expired]++;
		return NULL;
	}
	return s;
}

/* Sessions held by source ip (0 if none). */
static uint32_t
source_sessions(const struct herald_lcore *lc, uint32_t ip)
{
	int32_t pos = rte_hash_lookup(lc->sources, &ip);

	return pos < 0 ? 0 : lc->source_sessions[pos];
}

enum herald_frame_outcome
herald_session_room(struct herald_lcore *lc, uint32_t ip)
{
	/* Expired sessions are not state: make room before refusing. */
	if (lc->n_sessions >= lc->conf.max_publisher_sessions)
		herald_session_expire(lc, UINT32_MAX);
	if (lc->n_sessions >= lc->conf.max_publisher_sessions)
		return FRAME_publish_session_full;
	if (source_sessions(lc, ip) >= lc->conf.max_sessions_per_source) {
		herald_session_expire(lc, UINT32_MAX);
		if (source_sessions(lc, ip) >= lc->conf.max_sessions_per_source)
			return FRAME_publish_source_limit;
	}
	return FRAME_publish_accepted;
}

static int
source_add(struct herald_lcore *lc, uint32_t ip, int delta)
{
	int32_t pos = rte_hash_add_key(lc->sources, &ip);

	if (pos < 0)
		return -1;
	lc->source_sessions[pos] += delta;
	if (lc->source_sessions[pos] == 0)
		rte_hash_del_key(lc->sources, &ip);
	return 0;
}

struct herald_pub_session *
herald_session_open(struct herald_lcore *lc, const struct herald_pub_key *k,
		    uint16_t rx_port, const struct rte_ether_addr *mac,
		    uint64_t base)
{
	struct herald_pub_session *s;
	int32_t pos;

	pos = rte_hash_add_key(lc->sessions, k);
	if (pos < 0)
		return NULL;
	if (source_add(lc, k->ip, 1) < 0) {
		rte_hash_del_key(lc->sessions, k);
		return NULL;
	}
	s = &lc->sess[pos];
	herald_pub_stats_reset(lc, s, k, base);
	s->ack_pending = false;
	s->rx_port = rx_port;
	s->last_seen_ns = lc->clock_ns;
	rte_ether_addr_copy(mac, &s->mac);
	herald_puback_tmpl(lc, &s->ack_tmpl, rx_port, mac, k->ip, k->port);
	herald_lru_append(&lc->sess_lru, lc->sess, (uint32_t)pos, lru,
			  lc->clock_ns);
	lc->sess_cache[herald_sess_cache_index(k)] = s;
	lc->n_sessions++;
	return s;
}

/* A session owed a PUBACK for this burst gets it before it goes: its
 * frames were handled (the clock may jump within a burst of a capture). */
static void
settle_ack(struct herald_lcore *lc, struct herald_pub_session *s)
{
	unsigned int i;

	herald_puback_session(lc, s, herald_publish_credit(lc));
	s->ack_pending = false;
	for (i = 0; i < lc->n_ack; i++)
		if (lc->ack_list[i] == s)
			lc->ack_list[i] = NULL;
}

void
herald_session_close(struct herald_lcore *lc, struct herald_pub_session *s)
{
	struct herald_pub_key k = s->key;

	if (unlikely(s->ack_pending))
		settle_ack(lc, s);

	herald_lru_unlink(&lc->sess_lru, lc->sess, (uint32_t)(s - lc->sess),
			  lru);
	source_add(lc, k.ip, -1);
	rte_hash_del_key(lc->sessions, &k);
	/* Cached pointers to it now miss: no key has publisher 0. */
	s->key.publisher = 0;
	lc->n_sessions--;
}

/*
 * The walk stops at the first linked-long-ago session that is still
 * alive: it was touched within an eighth of the timeout after being
 * linked (else the touch would have re-linked it), so it expires soon
 * and what lies behind it waits at most that long. A lookup forgets an
 * expired session exactly at the timeout in any case.
 */
unsigned int
herald_session_expire(struct herald_lcore *lc, uint32_t budget)
{
	uint64_t timeout = lc->conf.session_timeout_ns;
	unsigned int n = 0;

	while (budget-- > 0 && herald_lru_due(&lc->sess_lru, lc->sess, lru,
					      lc->clock_ns, timeout)) {
		struct herald_pub_session *s = &lc->sess[lc->sess_lru.head];

		if (!herald_session_silent(lc, s))
			break;
		herald_session_close(lc, s);
		lc->cnt.c[CNT_sessions_expired]++;
		n++;
	}
	return n;
}

void
herald_session_move(struct herald_lcore *lc, struct herald_pub_session *s,
		    uint16_t rx_port, const struct rte_ether_addr *mac)
{
	s->rx_port = rx_port;
	rte_ether_addr_copy(mac, &s->mac);
	herald_puback_tmpl(lc, &s->ack_tmpl, rx_port, mac, s->key.ip,
			   s->key.port);
}
