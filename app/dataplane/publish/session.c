/* SPDX-License-Identifier: BSD-3-Clause
 * Publisher sessions: a worker-private rte_hash keyed by (publisher id,
 * source address, source port), with a direct-mapped cache in front.
 */
#include <stdio.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "dataplane/publish/publish.h"

int
herald_publish_lcore_init(struct herald_lcore *lc)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.entries = RTE_MAX(lc->conf.max_publisher_sessions,
				   HERALD_HASH_MIN_ENTRIES),
		.key_len = sizeof(struct herald_pub_key),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_lcore_to_socket_id(lc->lcore_id),
		.name = name,
		/* Overflow buckets: the limit below, not a cuckoo path, is
		 * what makes the table full. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	snprintf(name, sizeof(name), "herald_pub%u", lc->index);
	lc->sessions = rte_hash_create(&hp);
	if (lc->sessions == NULL)
		return -1;
	lc->sess = rte_zmalloc_socket("herald_sessions",
				      sizeof(*lc->sess) * hp.entries,
				      RTE_CACHE_LINE_SIZE, hp.socket_id);
	return lc->sess == NULL ? -1 : 0;
}

void
herald_publish_lcore_free(struct herald_lcore *lc)
{
	rte_hash_free(lc->sessions);
	rte_free(lc->sess);
	lc->sessions = NULL;
	lc->sess = NULL;
}

static inline unsigned int
sess_cache_index(const struct herald_pub_key *k)
{
	return (k->publisher * 0x9e3779b1u ^ k->ip ^ k->port) &
	       (HERALD_SESS_CACHE - 1);
}

static inline bool
key_equal(const struct herald_pub_key *a, const struct herald_pub_key *b)
{
	return a->publisher == b->publisher && a->ip == b->ip &&
	       a->port == b->port;
}

/* Sessions are never deleted, so cached pointers stay valid. */
struct herald_pub_session *
herald_session_lookup(struct herald_lcore *lc, const struct herald_pub_key *k)
{
	struct herald_pub_session **c = &lc->sess_cache[sess_cache_index(k)];
	int32_t pos;

	if (likely(*c != NULL && key_equal(&(*c)->key, k)))
		return *c;
	pos = rte_hash_lookup(lc->sessions, k);
	if (pos < 0)
		return NULL;
	*c = &lc->sess[pos];
	return *c;
}

struct herald_pub_session *
herald_session_open(struct herald_lcore *lc, const struct herald_pub_key *k,
		    uint16_t rx_port, const struct rte_ether_addr *mac)
{
	struct herald_pub_session *s;
	int32_t pos;

	if (lc->n_sessions >= lc->conf.max_publisher_sessions)
		return NULL;
	pos = rte_hash_add_key(lc->sessions, k);
	if (pos < 0)
		return NULL;
	s = &lc->sess[pos];
	s->key = *k;
	s->ack_pending = false;
	s->rx_port = rx_port;
	rte_ether_addr_copy(mac, &s->mac);
	herald_puback_tmpl(lc, &s->ack_tmpl, rx_port, mac, k->ip, k->port);
	lc->sess_cache[sess_cache_index(k)] = s;
	lc->n_sessions++;
	return s;
}

void
herald_session_track_path(struct herald_lcore *lc, struct herald_pub_session *s,
			  uint16_t rx_port, const struct rte_ether_addr *mac)
{
	if (likely(s->rx_port == rx_port &&
		   rte_is_same_ether_addr(&s->mac, mac)))
		return;
	s->rx_port = rx_port;
	rte_ether_addr_copy(mac, &s->mac);
	herald_puback_tmpl(lc, &s->ack_tmpl, rx_port, mac, s->key.ip,
			   s->key.port);
}
