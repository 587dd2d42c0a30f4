/* SPDX-License-Identifier: BSD-3-Clause
 * Subscriber endpoints (address, port): the table workers read for
 * keep-alives (a lock-free rte_hash whose key positions come back only
 * after an RCU grace period, rte_hash's own defer queue), the reverse
 * index endpoint -> its subscriptions, and liveness: an endpoint heard
 * from by no worker (their stamps, by position) and by no SUBSCRIBE for
 * endpoint_timeout_ms loses every subscription it made from the
 * network (PROTOCOL.md 6, Liveness). The sweep looks at a slice of the
 * table per call, so its cost per tick is bounded.
 */
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "control/plane.h"
#include "herald.h"

/* Positions looked at per sweep call (every loop of the control thread:
 * the whole table about every 100 loops, whatever its size). */
#define SWEEP_MIN 1024u
#define SWEEP_DIV 100u

static struct {
	uint32_t n;   /* live endpoints */
	uint32_t gen; /* the last record's generation */
	uint32_t sweep_pos;
} E;

static uint32_t
ep_hash(const void *key, uint32_t key_len __rte_unused, uint32_t init)
{
	return rte_hash_crc_8byte(*(const uint64_t *)key, init);
}

int
ctl_endpoints_init(void)
{
	uint32_t max = herald.cfg.max_endpoints;
	/* Room for positions that wait for their grace period. */
	uint32_t slots = RTE_MAX(max + max / 8 + 64, HERALD_HASH_MIN_ENTRIES);
	struct rte_hash_parameters p = {
		.name = "herald_endpoints",
		.entries = slots,
		.key_len = sizeof(struct herald_endpoint_key),
		.hash_func = ep_hash,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash_rcu_config rcu = {
		.v = herald.qsv,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		/* Reclaim on every delete (a non-blocking check). */
		.trigger_reclaim_limit = 0,
	};

	RTE_BUILD_BUG_ON(sizeof(struct herald_endpoint_key) != 8);
	E.n = 0;
	E.sweep_pos = 0;
	herald.endpoints = rte_hash_create(&p);
	if (herald.endpoints == NULL ||
	    rte_hash_rcu_qsbr_add(herald.endpoints, &rcu) != 0)
		return -1;
	herald.ep_slots = slots;
	herald.ep = rte_zmalloc("herald_ep", sizeof(*herald.ep) * slots,
				RTE_CACHE_LINE_SIZE);
	return herald.ep == NULL ? -1 : 0;
}

void
ctl_endpoints_free(void)
{
	rte_hash_free(herald.endpoints);
	rte_free(herald.ep);
	herald.endpoints = NULL;
	herald.ep = NULL;
}

uint32_t
ctl_n_endpoints(void)
{
	return E.n;
}

struct herald_endpoint *
ctl_ep_at(uint32_t pos)
{
	return &herald.ep[pos];
}

uint32_t
ctl_ep_find(uint32_t ip, uint16_t port)
{
	struct herald_endpoint_key k = {.ip = ip, .port = port};
	int32_t pos = rte_hash_lookup(herald.endpoints, &k);

	return pos < 0 || herald.ep[pos].live == 0 ? CTL_NIL : (uint32_t)pos;
}

uint32_t
ctl_ep_get(uint32_t ip, uint16_t port, uint64_t now_ns)
{
	struct herald_endpoint_key k = {.ip = ip, .port = port};
	struct herald_endpoint *ep;
	uint32_t w;
	int32_t pos;

	pos = rte_hash_lookup(herald.endpoints, &k);
	if (pos >= 0)
		return (uint32_t)pos;
	if (E.n >= herald.cfg.max_endpoints)
		return CTL_NIL;
	pos = rte_hash_add_key(herald.endpoints, &k);
	if (pos < 0)
		return CTL_NIL;
	ep = &herald.ep[pos];
	ep->first_sub = CTL_NIL;
	ep->mac64 = 0;
	ep->seen_ns = now_ns;
	ep->ip = ip;
	ep->port = port;
	ep->n_subs = 0;
	ep->n_network = 0;
	ep->settled = 0;
	E.gen = E.gen == UINT32_MAX ? 1 : E.gen + 1;
	ep->gen = E.gen;
	/* A previous holder's stamps are older than this endpoint. */
	for (w = 0; w < herald.n_workers; w++)
		herald.lcores[w]->ep_seen[pos] = 0;
	/* Workers read the record once they see live. */
	__atomic_store_n(&ep->live, 1, __ATOMIC_RELEASE);
	E.n++;
	return (uint32_t)pos;
}

void
ctl_ep_release(uint32_t pos)
{
	struct herald_endpoint *ep = &herald.ep[pos];
	struct herald_endpoint_key k = {.ip = ep->ip, .port = ep->port};

	__atomic_store_n(&ep->live, 0, __ATOMIC_RELEASE);
	/* The position comes back after a grace period (defer queue). */
	rte_hash_del_key(herald.endpoints, &k);
	E.n--;
}

/* Newest time the endpoint was heard from. */
static uint64_t
ep_last_seen(uint32_t pos)
{
	uint64_t t = herald.ep[pos].seen_ns, s;
	unsigned int w;

	for (w = 0; w < herald.n_workers; w++) {
		s = __atomic_load_n(&herald.lcores[w]->ep_seen[pos],
				    __ATOMIC_RELAXED);
		if (s > t)
			t = s;
	}
	return t;
}

/* Every network subscription of a silent endpoint goes; the endpoint
 * goes with its last subscription (an operator's keep it). */
static void
ep_expire(uint32_t pos)
{
	struct herald_endpoint *ep = &herald.ep[pos];
	uint32_t s = ep->first_sub, next, n = 0;

	while (s != CTL_NIL && ep->live) {
		next = ctl_sub_at(s)->ep_next;
		if (ctl_sub_at(s)->origin == CTL_NETWORK) {
			/* A passive one needs room to tell its owner: the
			 * rest waits for a later sweep. */
			if (!ctl_sub_remove(s)) {
				herald.ctl_cnt.c[CTL_passive_drops_deferred]++;
				break;
			}
			n++;
		}
		s = next;
	}
	herald.ctl_cnt.c[CTL_subscriptions_expired] += n;
	if (s == CTL_NIL || !ep->live)
		herald.ctl_cnt.c[CTL_endpoints_expired]++;
}

static void
sweep_range(uint32_t from, uint32_t to, uint64_t now_ns)
{
	uint64_t timeout = (uint64_t)herald.cfg.endpoint_timeout_ms * 1000000;
	uint32_t pos;

	for (pos = from; pos < to; pos++) {
		struct herald_endpoint *ep = &herald.ep[pos];
		uint64_t last;

		if (ep->live == 0 || ep->n_network == 0)
			continue;
		last = ep_last_seen(pos);
		if (now_ns > last && now_ns - last > timeout)
			ep_expire(pos);
	}
}

void
ctl_ep_sweep(uint64_t now_ns)
{
	uint32_t slots = herald.ep_slots;
	uint32_t n = RTE_MIN(slots, RTE_MAX(SWEEP_MIN, slots / SWEEP_DIV));
	uint32_t end = E.sweep_pos + n;

	if (E.n == 0)
		return;
	sweep_range(E.sweep_pos, RTE_MIN(end, slots), now_ns);
	if (end >= slots) {
		sweep_range(0, end - slots, now_ns);
		end -= slots;
	}
	E.sweep_pos = end;
}

void
ctl_ep_sweep_all(uint64_t now_ns)
{
	if (E.n != 0)
		sweep_range(0, herald.ep_slots, now_ns);
}
