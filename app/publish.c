/* SPDX-License-Identifier: BSD-3-Clause
 * Publisher sessions, allow-list and PUBACKs.
 */
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>

#include "csum.h"
#include "publish.h"
#include "tx.h"
#include "udp_out.h"

int
herald_allow_init(void)
{
	const struct herald_config *cfg = &herald.cfg;
	struct rte_lpm_config lc = {
		.max_rules = HERALD_MAX_PREFIXES,
		.number_tbl8s = 256,
	};
	unsigned int i;

	if (cfg->n_allow == 0)
		return 0;
	herald.allow =
		rte_lpm_create("herald_allow", (int)rte_socket_id(), &lc);
	if (herald.allow == NULL) {
		fprintf(stderr, "herald: cannot create allow-list: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	for (i = 0; i < cfg->n_allow; i++)
		if (rte_lpm_add(herald.allow, cfg->allow[i].ip,
				cfg->allow[i].depth, 1) < 0) {
			fprintf(stderr, "herald: cannot add allow prefix %u\n",
				i);
			return -1;
		}
	return 0;
}

void
herald_allow_free(void)
{
	rte_lpm_free(herald.allow);
	herald.allow = NULL;
}

int
herald_publish_worker_init(struct herald_worker *w)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.entries = RTE_MAX(herald.cfg.max_publisher_sessions,
				   HERALD_HASH_MIN_ENTRIES),
		.key_len = sizeof(struct herald_pub_key),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_lcore_to_socket_id(w->lcore_id),
		.name = name,
		/* Overflow buckets: the limit below, not a cuckoo path, is
		 * what makes the table full. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	snprintf(name, sizeof(name), "herald_pub%u", w->index);
	w->sessions = rte_hash_create(&hp);
	if (w->sessions == NULL)
		return -1;
	w->sess = rte_zmalloc_socket("herald_sessions",
				     sizeof(*w->sess) * hp.entries,
				     RTE_CACHE_LINE_SIZE, hp.socket_id);
	return w->sess == NULL ? -1 : 0;
}

void
herald_publish_worker_free(struct herald_worker *w)
{
	rte_hash_free(w->sessions);
	rte_free(w->sess);
	w->sessions = NULL;
	w->sess = NULL;
}

/* Fill and queue one PUBACK from a ready header template. */
static void
send_puback_tmpl(struct herald_worker *w, uint16_t port,
		 const struct herald_udp_tmpl *t, uint32_t publisher,
		 uint64_t acked_seq)
{
	struct hwp_puback ack = {
		.publisher = publisher,
		.epoch = herald.epoch,
		.acked_seq = acked_seq,
		.credit = herald.cfg.publisher_credit,
	};
	struct hwp_puback_words pw;
	struct rte_mbuf *m;
	uint8_t *p;

	m = rte_pktmbuf_alloc(herald.hdr_pool);
	if (unlikely(m == NULL)) {
		w->cnt.c[CNT_pubacks_nombuf]++;
		return;
	}
	p = rte_pktmbuf_mtod(m, uint8_t *);
	m->data_len = HERALD_L2L4_LEN + HWP_PUBACK_LEN;
	m->pkt_len = HERALD_L2L4_LEN + HWP_PUBACK_LEN;
	hwp_puback_words(&pw, &ack);
	rte_memcpy(p, t->hdr, HERALD_L2L4_LEN);
	hwp_words_store(p + HERALD_L2L4_LEN, pw.w, HWP_PUBACK_WORDS);
	herald_udp_finish(
		p, t->csum_ip, t->csum_udp, HWP_PUBACK_LEN,
		herald_csum_fold64(herald_csum_words(pw.w, HWP_PUBACK_WORDS)));
	w->cnt.c[CNT_pubacks]++;
	herald_tx_enqueue(w, port, m);
}

/* Headers of the PUBACKs to a publisher endpoint (section 6: to its
 * Ethernet source unless a next hop is configured). */
static void
puback_tmpl_build(struct herald_udp_tmpl *t, uint16_t port,
		  const struct rte_ether_addr *mac, uint32_t ip,
		  uint16_t udp_port)
{
	const struct herald_config *cfg = &herald.cfg;

	herald_udp_tmpl_build(t, &herald.ports[port].mac,
			      cfg->has_next_hop_mac ? &cfg->next_hop_mac : mac,
			      cfg->address, cfg->udp_port, ip, udp_port);
}

static void
queue_ack(struct herald_worker *w, struct herald_pub_session *s)
{
	if (s->ack_pending)
		return;
	if (unlikely(w->n_ack == HERALD_ACKS_PER_BURST))
		herald_publish_flush_acks(w);
	s->ack_pending = true;
	w->ack_list[w->n_ack++] = s;
}

void
herald_publish_flush_acks(struct herald_worker *w)
{
	unsigned int i;

	for (i = 0; i < w->n_ack; i++) {
		struct herald_pub_session *s = w->ack_list[i];

		s->ack_pending = false;
		send_puback_tmpl(w, s->rx_port, &s->ack_tmpl, s->key.publisher,
				 s->last_accepted);
	}
	w->n_ack = 0;
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
static struct herald_pub_session *
session_lookup(struct herald_worker *w, const struct herald_pub_key *key)
{
	struct herald_pub_session **c = &w->sess_cache[sess_cache_index(key)];
	int32_t pos;

	if (likely(*c != NULL && key_equal(&(*c)->key, key)))
		return *c;
	pos = rte_hash_lookup(w->sessions, key);
	if (pos < 0)
		return NULL;
	*c = &w->sess[pos];
	return *c;
}

static struct herald_pub_session *
session_open(struct herald_worker *w, const struct herald_pub_key *key,
	     uint16_t rx_port, const struct rte_ether_addr *mac)
{
	int32_t pos;
	struct herald_pub_session *s;

	if (w->n_sessions >= herald.cfg.max_publisher_sessions)
		return NULL;
	pos = rte_hash_add_key(w->sessions, key);
	if (pos < 0)
		return NULL;
	s = &w->sess[pos];
	s->key = *key;
	s->ack_pending = false;
	s->rx_port = rx_port;
	rte_ether_addr_copy(mac, &s->mac);
	puback_tmpl_build(&s->ack_tmpl, rx_port, mac, key->ip, key->port);
	w->sess_cache[sess_cache_index(key)] = s;
	w->n_sessions++;
	return s;
}

/* The publisher may come back through another port or router. */
static inline void
session_track_path(struct herald_pub_session *s, uint16_t rx_port,
		   const struct rte_ether_addr *mac)
{
	if (likely(s->rx_port == rx_port &&
		   rte_is_same_ether_addr(&s->mac, mac)))
		return;
	s->rx_port = rx_port;
	rte_ether_addr_copy(mac, &s->mac);
	puback_tmpl_build(&s->ack_tmpl, rx_port, mac, s->key.ip, s->key.port);
}

enum herald_frame_outcome
herald_publish_session(struct herald_worker *w, uint16_t rx_port,
		       const struct herald_rx_info *ri,
		       const struct hwp_frame *f, bool *unknown_acked,
		       struct herald_pub_session **sessp)
{
	const struct hwp_publish *pub = &f->u.publish;
	struct herald_pub_key key = {
		.publisher = pub->publisher,
		.ip = ri->src_ip,
		.port = ri->src_port,
	};
	struct herald_pub_session *s = session_lookup(w, &key);

	if (f->flags & HWP_F_START) {
		if (s == NULL) {
			s = session_open(w, &key, rx_port, ri->src_mac);
			if (unlikely(s == NULL))
				return FRAME_publish_session_full;
		}
		/* START (re)opens the session at this pub_seq. */
		s->last_accepted = pub->pub_seq - 1;
	} else if (s == NULL) {
		/* Tell the publisher to resend with START, once per
		 * datagram so a batch does not multiply the answers. */
		if (!*unknown_acked) {
			struct herald_udp_tmpl t;

			puback_tmpl_build(&t, rx_port, ri->src_mac, ri->src_ip,
					  ri->src_port);
			send_puback_tmpl(w, rx_port, &t, pub->publisher, 0);
		}
		*unknown_acked = true;
		return FRAME_publish_unknown_session;
	}
	session_track_path(s, rx_port, ri->src_mac);
	queue_ack(w, s);
	if (pub->pub_seq <= s->last_accepted)
		return FRAME_publish_duplicate;
	if (pub->pub_seq != s->last_accepted + 1)
		return FRAME_publish_ahead;
	s->last_accepted = pub->pub_seq;
	*sessp = s;
	return FRAME_publish_accepted;
}

void
herald_publish_unaccept(struct herald_pub_session *s)
{
	s->last_accepted--;
}
