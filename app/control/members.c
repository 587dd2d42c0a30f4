/* SPDX-License-Identifier: BSD-3-Clause
 * Subscriptions and each subscribed channel's membership, as the control
 * thread edits them (control/plane.h). A channel's members are kept in
 * subtab's own form, so that publishing a batch copies one array; a
 * member leaves by swapping the last one into its place, so that n
 * changes cost O(n) in all, not O(n^2). Limits are checked here, in one
 * order (docs/CONTROL.md), before anything changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "control/plane.h"
#include "control/subscriptions.h"
#include "herald.h"
#include "hwp_token.h"

/* Key of the subscription index. */
struct sub_key {
	uint64_t channel;
	uint32_t ip;
	uint32_t subscriber;
	uint16_t port;
	uint16_t pad[3];
};

static struct {
	struct rte_hash *sub_index;  /* sub_key -> position in subs */
	struct ctl_sub *subs;	     /* by position */
	uint32_t n_subs;	     /* live */
	struct rte_hash *chan_index; /* channel -> position in chans */
	struct ctl_chan *chans;	     /* by position */
	uint32_t n_chans;	     /* with at least one member */
	uint32_t chan_slots, sub_slots;
	/* Passive subscriptions: live, and the free ids (a stack). */
	uint32_t n_passive;
	uint32_t *passive_free, n_passive_free, passive_ids;
} T;

static uint32_t
key_hash(const void *key, uint32_t key_len, uint32_t init)
{
	return rte_hash_crc(key, key_len, init);
}

static struct rte_hash *
index_create(const char *name, uint32_t entries, uint32_t key_len)
{
	struct rte_hash_parameters p = {
		.name = name,
		.entries = RTE_MAX(entries, HERALD_HASH_MIN_ENTRIES),
		.key_len = key_len,
		.hash_func = key_hash,
		.socket_id = (int)rte_socket_id(),
		/* Fills to its size: only the counts below say "full". */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	return rte_hash_create(&p);
}

int
ctl_tables_init(void)
{
	const struct herald_config *cfg = &herald.cfg;
	uint32_t i;

	T.sub_slots =
		RTE_MAX(cfg->max_subscriptions + cfg->max_passive_subscriptions,
			HERALD_HASH_MIN_ENTRIES);
	T.passive_ids = herald_passive_id_space(cfg->max_passive_subscriptions,
						cfg->request_ring_size,
						herald.n_workers);
	T.passive_free = ctl_bigmem_alloc(sizeof(uint32_t) * T.passive_ids);
	if (T.passive_free == NULL)
		return -1;
	for (i = 0; i < T.passive_ids; i++)
		T.passive_free[i] = T.passive_ids - 1 - i;
	T.n_passive_free = T.passive_ids;
	T.chan_slots =
		RTE_MAX(cfg->max_subscribed_channels, HERALD_HASH_MIN_ENTRIES);
	/* A channel emptied in a batch keeps its record until the batch is
	 * published, while others may take new ones: twice the limit. */
	T.chan_slots *= 2;
	T.sub_index = index_create("herald_subidx", T.sub_slots,
				   sizeof(struct sub_key));
	T.chan_index =
		index_create("herald_chanidx", T.chan_slots, sizeof(uint64_t));
	/* Control-thread memory, touched as it fills. */
	T.subs = ctl_bigmem_alloc(sizeof(*T.subs) * T.sub_slots);
	T.chans = ctl_bigmem_alloc(sizeof(*T.chans) * T.chan_slots);
	if (T.sub_index == NULL || T.chan_index == NULL || T.subs == NULL ||
	    T.chans == NULL)
		return -1;
	return 0;
}

void
ctl_tables_free(void)
{
	uint32_t i;

	for (i = 0; T.chans != NULL && i < T.chan_slots; i++) {
		rte_free(T.chans[i].m);
		rte_free(T.chans[i].sub);
	}
	rte_hash_free(T.sub_index);
	rte_hash_free(T.chan_index);
	ctl_bigmem_free(T.subs, sizeof(*T.subs) * T.sub_slots);
	ctl_bigmem_free(T.chans, sizeof(*T.chans) * T.chan_slots);
	ctl_bigmem_free(T.passive_free, sizeof(uint32_t) * T.passive_ids);
	memset(&T, 0, sizeof(T));
}

const struct ctl_sub *
ctl_sub_at(uint32_t pos)
{
	return &T.subs[pos];
}

struct ctl_chan *
ctl_chan_at(uint32_t pos)
{
	return &T.chans[pos];
}

uint32_t
ctl_n_subs(void)
{
	return T.n_subs;
}

void
ctl_passive_id_release(uint32_t id)
{
	RTE_VERIFY(T.n_passive_free < T.passive_ids);
	T.passive_free[T.n_passive_free++] = id;
}

/* An id for a new passive subscription (CTL_NIL: none, which the id
 * space's size rules out). */
static uint32_t
passive_id_take(void)
{
	return T.n_passive_free == 0 ? CTL_NIL
				     : T.passive_free[--T.n_passive_free];
}

uint32_t
ctl_n_channels(void)
{
	return T.n_chans;
}

uint32_t
ctl_chan_slots(void)
{
	return T.chan_slots;
}

uint32_t
ctl_chan_find(uint64_t channel)
{
	int32_t pos = rte_hash_lookup(T.chan_index, &channel);

	return pos < 0 ? CTL_NIL : (uint32_t)pos;
}

static inline struct sub_key
sub_key_of(uint64_t channel, uint32_t subscriber, uint32_t ip, uint16_t port)
{
	struct sub_key k;

	memset(&k, 0, sizeof(k));
	k.channel = channel;
	k.subscriber = subscriber;
	k.ip = ip;
	k.port = port;
	return k;
}

/* The change's subscription: as the caller found it, or looked up. */
static inline int32_t
sub_lookup(const struct ctl_change *ch, const struct sub_key *k)
{
	if (ch->sub_known)
		return ch->sub_pos == CTL_NIL ? -ENOENT : (int32_t)ch->sub_pos;
	return rte_hash_lookup(T.sub_index, k);
}

void
ctl_sub_prefetch(const struct herald_ctl_item *it, unsigned int n)
{
	struct sub_key k[CTL_PREFETCH_MAX];
	const void *kp[CTL_PREFETCH_MAX];
	int32_t pos[CTL_PREFETCH_MAX];
	unsigned int i;

	n = RTE_MIN(n, (unsigned int)CTL_PREFETCH_MAX);
	for (i = 0; i < n; i++) {
		k[i] = sub_key_of(it[i].channel, it[i].subscriber, it[i].src_ip,
				  it[i].src_port);
		kp[i] = &k[i];
	}
	/* rte_hash's pipelined lookup brings the buckets and keys in; the
	 * answers may be stale by the time each item is handled (an
	 * earlier one may change them), so only the cache keeps them. */
	if (n == 0 || rte_hash_lookup_bulk(T.sub_index, kp, n, pos) != 0)
		return;
	for (i = 0; i < n; i++)
		if (pos[i] >= 0)
			rte_prefetch0(&T.subs[pos[i]]);
}

bool
ctl_sub_token_is(uint32_t pos, uint64_t expires,
		 const uint8_t token[HWP_TOKEN_LEN])
{
	const struct ctl_sub *s = &T.subs[pos];

	return s->has_token && s->token_expires == expires &&
	       hwp_token_equal(s->token, token);
}

void
ctl_sub_token_keep(uint32_t pos, uint64_t expires,
		   const uint8_t token[HWP_TOKEN_LEN])
{
	struct ctl_sub *s = &T.subs[pos];

	s->has_token = 1;
	s->token_expires = expires;
	memcpy(s->token, token, HWP_TOKEN_LEN);
}

/* A channel's record, new and empty if it had none (CTL_NIL: no room). */
static uint32_t
chan_get(uint64_t channel)
{
	uint32_t pos = ctl_chan_find(channel);
	struct ctl_chan *c;
	int32_t p;

	if (pos != CTL_NIL)
		return pos;
	p = rte_hash_add_key(T.chan_index, &channel);
	if (p == -ENOSPC) {
		/* Records of channels emptied in this batch go once it is
		 * published: publish it now. */
		ctl_batch_publish();
		p = rte_hash_add_key(T.chan_index, &channel);
	}
	if (p < 0)
		return CTL_NIL;
	c = &T.chans[p];
	c->channel = channel;
	c->n = 0;
	c->dirty = false;
	c->dirty_next = CTL_NIL;
	c->req_head = c->req_tail = CTL_NIL;
	return (uint32_t)p;
}

void
ctl_chan_release(uint32_t chan_pos)
{
	struct ctl_chan *c = &T.chans[chan_pos];

	if (c->n != 0 || c->dirty)
		return;
	rte_hash_del_key(T.chan_index, &c->channel);
	rte_free(c->m);
	rte_free(c->sub);
	memset(c, 0, sizeof(*c));
}

/* Room for one more member. */
static int
chan_reserve(struct ctl_chan *c)
{
	uint32_t cap = c->cap == 0 ? 4 : c->cap * 2;
	struct subtab_member *m;
	uint32_t *sub;

	if (c->n < c->cap)
		return 0;
	cap = RTE_MIN(cap, herald.cfg.max_subscribers);
	/* DPDK's heap: huge pages when herald has them (no 4 KiB faults as
	 * the channel grows). */
	m = rte_realloc(c->m, sizeof(*m) * cap, 0);
	if (m == NULL)
		return -ENOMEM;
	c->m = m;
	sub = rte_realloc(c->sub, sizeof(*sub) * cap, 0);
	if (sub == NULL)
		return -ENOMEM;
	c->sub = sub;
	c->cap = cap;
	return 0;
}

/* The endpoint's list of subscriptions. */
static void
ep_link(uint32_t ep_pos, uint32_t sub_pos)
{
	struct herald_endpoint *ep = ctl_ep_at(ep_pos);
	struct ctl_sub *s = &T.subs[sub_pos];

	s->ep_prev = CTL_NIL;
	s->ep_next = ep->first_sub;
	if (ep->first_sub != CTL_NIL)
		T.subs[ep->first_sub].ep_prev = sub_pos;
	ep->first_sub = sub_pos;
	ep->n_subs++;
	ep->n_network += s->origin == CTL_NETWORK;
}

static void
ep_unlink(uint32_t sub_pos)
{
	struct ctl_sub *s = &T.subs[sub_pos];
	struct herald_endpoint *ep = ctl_ep_at(s->ep);

	if (s->ep_prev != CTL_NIL)
		T.subs[s->ep_prev].ep_next = s->ep_next;
	else
		ep->first_sub = s->ep_next;
	if (s->ep_next != CTL_NIL)
		T.subs[s->ep_next].ep_prev = s->ep_prev;
	ep->n_subs--;
	ep->n_network -= s->origin == CTL_NETWORK;
}

/* Which limit, if any, a new active subscription would break. */
static enum ctl_result
limits_check(uint32_t chan_pos, uint32_t ep_pos)
{
	const struct herald_config *cfg = &herald.cfg;
	uint32_t n = chan_pos == CTL_NIL ? 0 : T.chans[chan_pos].n;

	if (n >= cfg->max_subscribers)
		return CTL_LIMIT_SUBSCRIBERS;
	if (n == 0 && T.n_chans >= cfg->max_subscribed_channels)
		return CTL_LIMIT_CHANNELS;
	if (T.n_subs >= cfg->max_subscriptions)
		return CTL_LIMIT_SUBSCRIPTIONS;
	if (ep_pos == CTL_NIL && ctl_n_endpoints() >= cfg->max_endpoints)
		return CTL_LIMIT_ENDPOINTS;
	return CTL_ADDED;
}

/* The same for a passive one: limits of their own (PROTOCOL.md 6). */
static enum ctl_result
passive_limits_check(uint32_t ep_pos)
{
	const struct herald_config *cfg = &herald.cfg;

	if (T.n_passive >= cfg->max_passive_subscriptions)
		return CTL_LIMIT_PASSIVE;
	if (ep_pos == CTL_NIL && ctl_n_endpoints() >= cfg->max_endpoints)
		return CTL_LIMIT_ENDPOINTS;
	return CTL_ADDED;
}

static inline void
ep_mac_store(uint32_t ep_pos, const struct rte_ether_addr *mac)
{
	__atomic_store_n(&ctl_ep_at(ep_pos)->mac64, herald_mac_to64(mac),
			 __ATOMIC_RELAXED);
}

/* The subscription at pos joins its channel's members (room reserved). */
static void
member_link(uint32_t pos, uint32_t chan_pos, const struct ctl_change *ch)
{
	struct ctl_chan *c = &T.chans[chan_pos];
	struct ctl_sub *s = &T.subs[pos];

	ctl_batch_mark(chan_pos);
	s->chan = chan_pos;
	s->member = c->n;
	herald_sub_member(&c->m[c->n], ch->subscriber, ch->ip, ch->port,
			  &ch->mac);
	c->sub[c->n] = pos;
	if (c->n++ == 0)
		T.n_chans++;
	T.n_subs++;
}

/* It leaves them: the last member takes its place. */
static void
member_unlink(uint32_t pos)
{
	struct ctl_sub *s = &T.subs[pos];
	struct ctl_chan *c = &T.chans[s->chan];
	uint32_t last = c->n - 1;

	ctl_batch_mark(s->chan);
	if (s->member != last) {
		c->m[s->member] = c->m[last];
		c->sub[s->member] = c->sub[last];
		T.subs[c->sub[s->member]].member = s->member;
	}
	if (--c->n == 0)
		T.n_chans--;
	T.n_subs--;
	s->chan = CTL_NIL;
	s->member = CTL_NIL;
}

/* A channel record with room for one more member (CTL_NIL: none). */
static uint32_t
chan_with_room(uint64_t channel)
{
	uint32_t chan_pos = chan_get(channel);

	if (chan_pos == CTL_NIL)
		return CTL_NIL;
	if (chan_reserve(&T.chans[chan_pos]) < 0) {
		ctl_chan_release(chan_pos);
		return CTL_NIL;
	}
	return chan_pos;
}

/* A live subscription asked again: the latest MAC, the stronger origin
 * (an operator's is not subject to liveness). */
static enum ctl_result
sub_refresh(const struct ctl_change *ch, uint32_t pos, bool dry_run)
{
	struct ctl_sub *s = &T.subs[pos];
	struct herald_endpoint *ep = ctl_ep_at(s->ep);

	if (dry_run)
		return CTL_REFRESHED;
	if (ch->origin == CTL_OPERATOR && s->origin == CTL_NETWORK) {
		s->origin = CTL_OPERATOR;
		ep->n_network--;
	}
	if (!s->passive) {
		struct subtab_member *m = &T.chans[s->chan].m[s->member];

		if (!rte_is_same_ether_addr(&m->mac, &ch->mac)) {
			ctl_batch_mark(s->chan);
			herald_sub_member(m, ch->subscriber, ch->ip, ch->port,
					  &ch->mac);
		}
	}
	ep_mac_store(s->ep, &ch->mac);
	return CTL_REFRESHED;
}

/* A passive subscription turns active: a member from now on, its
 * passive id for the owner to drop. */
static enum ctl_result
sub_promote(const struct ctl_change *ch, uint32_t pos, bool dry_run,
	    uint32_t *passive_id)
{
	struct ctl_sub *s = &T.subs[pos];
	uint32_t chan_pos = ctl_chan_find(ch->channel);
	enum ctl_result r = limits_check(chan_pos, s->ep);

	if (r != CTL_ADDED || dry_run)
		return r == CTL_ADDED ? CTL_PROMOTED : r;
	chan_pos = chan_with_room(ch->channel);
	if (chan_pos == CTL_NIL)
		return CTL_NO_MEMORY;
	*passive_id = s->member;
	s->passive = 0;
	T.n_passive--;
	member_link(pos, chan_pos, ch);
	ep_mac_store(s->ep, &ch->mac);
	return CTL_PROMOTED;
}

/* An active subscription turns passive: out of the members, a passive
 * id for the owner to add. */
static enum ctl_result
sub_demote(const struct ctl_change *ch, uint32_t pos, bool dry_run,
	   uint32_t *passive_id)
{
	struct ctl_sub *s = &T.subs[pos];
	enum ctl_result r = passive_limits_check(s->ep);
	uint32_t id;

	if (r != CTL_ADDED || dry_run)
		return r == CTL_ADDED ? CTL_DEMOTED : r;
	id = passive_id_take();
	if (id == CTL_NIL)
		return CTL_NO_MEMORY;
	member_unlink(pos);
	s->passive = 1;
	s->member = id;
	T.n_passive++;
	*passive_id = id;
	ep_mac_store(s->ep, &ch->mac);
	return CTL_DEMOTED;
}

/* A subscription that exists, asked for again. */
static enum ctl_result
sub_again(const struct ctl_change *ch, uint32_t pos, bool dry_run,
	  uint32_t *passive_id)
{
	const struct ctl_sub *s = &T.subs[pos];

	if (s->passive && !ch->passive)
		return sub_promote(ch, pos, dry_run, passive_id);
	if (!s->passive && ch->passive)
		return sub_demote(ch, pos, dry_run, passive_id);
	if (s->passive)
		*passive_id = s->member; /* pulses from the new next_seq */
	return sub_refresh(ch, pos, dry_run);
}

/* Undo what a failed add created. */
static void
add_undo(uint32_t chan_pos, uint32_t ep_pos)
{
	if (chan_pos != CTL_NIL)
		ctl_chan_release(chan_pos);
	if (ctl_ep_at(ep_pos)->n_subs == 0)
		ctl_ep_release(ep_pos);
}

enum ctl_result
ctl_sub_add(const struct ctl_change *ch, bool dry_run, uint32_t *sub_pos,
	    uint32_t *passive_id)
{
	struct sub_key k =
		sub_key_of(ch->channel, ch->subscriber, ch->ip, ch->port);
	uint32_t chan_pos = CTL_NIL, ep_pos, id = CTL_NIL, unused;
	enum ctl_result r;
	struct ctl_sub *s;
	int32_t pos;

	if (passive_id == NULL)
		passive_id = &unused;
	*passive_id = CTL_NIL;
	pos = sub_lookup(ch, &k);
	if (pos >= 0) {
		*sub_pos = (uint32_t)pos;
		return sub_again(ch, (uint32_t)pos, dry_run, passive_id);
	}
	ep_pos = ctl_ep_find(ch->ip, ch->port);
	if (ch->passive) {
		r = passive_limits_check(ep_pos);
	} else {
		chan_pos = ctl_chan_find(ch->channel);
		r = limits_check(chan_pos, ep_pos);
	}
	if (r != CTL_ADDED || dry_run)
		return r;
	/* An endpoint in the table is live: create only a missing one. */
	if (ep_pos == CTL_NIL)
		ep_pos = ctl_ep_get(ch->ip, ch->port, ch->now_ns);
	if (ep_pos == CTL_NIL)
		return CTL_LIMIT_ENDPOINTS; /* positions not yet reclaimed */
	if (ch->passive)
		id = passive_id_take();
	else
		chan_pos = chan_with_room(ch->channel);
	if ((ch->passive ? id : chan_pos) == CTL_NIL ||
	    (pos = rte_hash_add_key(T.sub_index, &k)) < 0) {
		if (id != CTL_NIL)
			ctl_passive_id_release(id);
		add_undo(chan_pos, ep_pos);
		return CTL_NO_MEMORY;
	}
	s = &T.subs[pos];
	s->channel = ch->channel;
	s->subscriber = ch->subscriber;
	s->ep = ep_pos;
	s->origin = (uint8_t)ch->origin;
	if (ch->passive) {
		s->passive = 1;
		s->chan = CTL_NIL;
		s->member = id;
		T.n_passive++;
		*passive_id = id;
	} else {
		member_link((uint32_t)pos, chan_pos, ch);
	}
	ep_link(ep_pos, (uint32_t)pos);
	ep_mac_store(ep_pos, &ch->mac);
	*sub_pos = (uint32_t)pos;
	return CTL_ADDED;
}

/* The subscription at pos goes from every table (its passive id, if
 * any, is the caller's to hand on). */
static void
sub_drop(uint32_t sub_pos)
{
	struct ctl_sub *s = &T.subs[sub_pos];
	uint32_t ep_pos = s->ep;
	struct herald_endpoint *ep = ctl_ep_at(ep_pos);
	struct sub_key k;

	if (s->passive)
		T.n_passive--;
	else
		member_unlink(sub_pos);
	ep_unlink(sub_pos);
	k = sub_key_of(s->channel, s->subscriber, ep->ip, ep->port);
	rte_hash_del_key(T.sub_index, &k);
	memset(s, 0, sizeof(*s));
	if (ep->n_subs == 0)
		ctl_ep_release(ep_pos);
}

bool
ctl_sub_remove(uint32_t sub_pos)
{
	const struct ctl_sub *s = &T.subs[sub_pos];

	if (s->passive &&
	    !ctl_batch_passive_only(s->channel, s->subscriber, s->member,
				    HERALD_PASSIVE_DEL, 0, NULL))
		return false;
	sub_drop(sub_pos);
	return true;
}

const struct subtab_member *
ctl_sub_member(uint32_t pos)
{
	const struct ctl_sub *s = &T.subs[pos];

	return &T.chans[s->chan].m[s->member];
}

enum ctl_result
ctl_sub_del(const struct ctl_change *ch, uint32_t *chan_pos,
	    struct subtab_member *gone, uint32_t *passive_id)
{
	struct sub_key k =
		sub_key_of(ch->channel, ch->subscriber, ch->ip, ch->port);
	int32_t pos = sub_lookup(ch, &k);
	const struct ctl_sub *s;

	if (pos < 0)
		return CTL_NOT_SUBSCRIBED;
	s = &T.subs[pos];
	*passive_id = s->passive ? s->member : CTL_NIL;
	*chan_pos = s->passive ? ctl_chan_find(ch->channel) : s->chan;
	if (gone != NULL && !s->passive)
		*gone = *ctl_sub_member((uint32_t)pos);
	sub_drop((uint32_t)pos);
	return CTL_REMOVED;
}

uint32_t
ctl_sub_find(uint64_t channel, uint32_t subscriber, uint32_t ip, uint16_t port)
{
	struct sub_key k = sub_key_of(channel, subscriber, ip, port);
	int32_t pos = rte_hash_lookup(T.sub_index, &k);

	return pos < 0 ? CTL_NIL : (uint32_t)pos;
}
