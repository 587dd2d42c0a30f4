/* SPDX-License-Identifier: BSD-3-Clause
 * The control plane's tables, set up and torn down together: the RCU
 * variable, the published subscription table, the endpoints, the control
 * thread's own indexes, the token key; and the operator's changes (CLI,
 * command files), which go through the same tables as SUBSCRIBE frames
 * and are published with the next batch.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "control/plane.h"
#include "control/subscriptions.h"
#include "dataplane/udp_out.h"
#include "herald.h"
#include "hwp_token.h"
#include "subtab.h"

#ifdef HERALD_DEBUG
/*
 * Debug builds: a snapshot is overwritten the moment it is freed, so a
 * worker still reading it after its grace period (a use-after-free ASan
 * cannot see in DPDK's memory) delivers to garbage and trips the
 * channel assert in the fan-out, instead of working by luck.
 */
static void
poison_snapshot(struct subtab_channel *c, void *arg __rte_unused)
{
	size_t n = sizeof(*c) + (size_t)c->n_members * sizeof(c->members[0]);

	memset(c, 0xdb, n);
}
#endif

int
herald_subscriptions_init(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(HERALD_RCU_THREADS);
	struct subtab_params p = {
		.name = "herald_subs",
		.max_channels = herald.cfg.max_subscribed_channels,
		.max_members = herald.cfg.max_subscribers,
		.socket_id = (int)rte_socket_id(),
	};

	herald.qsv = rte_zmalloc("herald_qsv", sz, RTE_CACHE_LINE_SIZE);
	if (herald.qsv == NULL ||
	    rte_rcu_qsbr_init(herald.qsv, HERALD_RCU_THREADS) != 0 ||
	    rte_rcu_qsbr_thread_register(herald.qsv, HERALD_RCU_CONTROL_ID) !=
		    0)
		return -1;
	p.qsv = herald.qsv;
	herald.subs = subtab_create(&p);
	if (herald.subs == NULL) {
		fprintf(stderr,
			"herald: cannot create subscription table: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
#ifdef HERALD_DEBUG
	subtab_set_free_hook(herald.subs, poison_snapshot, NULL);
#endif
	if (herald.cfg.token_key_len > 0) {
		herald.token_key = hwp_token_key_new(
			herald.cfg.token_key, (size_t)herald.cfg.token_key_len);
		if (herald.token_key == NULL) {
			fprintf(stderr,
				"herald: cannot prepare the token key\n");
			return -1;
		}
	} else {
		printf("herald: no token_key configured: every SUBSCRIBE and "
		       "UNSUBSCRIBE is answered BAD_TOKEN\n");
	}
	if (ctl_endpoints_init() < 0 || ctl_tables_init() < 0 ||
	    ctl_replies_init() < 0) {
		fprintf(stderr,
			"herald: cannot create the control plane's tables "
			"(max_subscriptions, max_endpoints: memory)\n");
		return -1;
	}
	return 0;
}

int
herald_subscriptions_lcores_ready(void)
{
	return ctl_batch_init();
}

void
herald_subscriptions_free(void)
{
	ctl_replies_free();
	ctl_batch_free();
	ctl_tables_free();
	ctl_endpoints_free();
	hwp_token_key_free(herald.token_key);
	herald.token_key = NULL;
	if (herald.subs != NULL) {
		subtab_reclaim_all(herald.subs);
		subtab_free(herald.subs);
	}
	rte_free(herald.qsv);
	herald.subs = NULL;
	herald.qsv = NULL;
}

void
herald_endpoint_tmpl(struct herald_udp_tmpl *t, uint32_t ip, uint16_t port,
		     const struct rte_ether_addr *mac)
{
	const struct herald_config *cfg = &herald.cfg;

	herald_udp_tmpl_build(t, &herald.ports[cfg->egress_port].mac, mac,
			      cfg->address, cfg->udp_port, ip, port);
}

void
herald_sub_member(struct subtab_member *m, uint32_t subscriber, uint32_t ip,
		  uint16_t port, const struct rte_ether_addr *mac)
{
	uint16_t egress = herald.cfg.egress_port;
	struct herald_udp_tmpl t;

	memset(m, 0, sizeof(*m));
	m->subscriber = subscriber;
	m->ip = ip;
	m->udp_port = port;
	m->egress_port = egress;
	m->mac = *mac;
	herald_endpoint_tmpl(&t, ip, port, mac);
	RTE_BUILD_BUG_ON(sizeof(m->hdr) != sizeof(t.hdr));
	memcpy(m->hdr, t.hdr, sizeof(m->hdr));
	m->csum_ip = t.csum_ip;
	m->csum_udp = t.csum_udp;
}

/* An operator's change of (channel, subscriber, endpoint). */
static void
operator_change(struct ctl_change *ch, uint64_t channel, uint32_t subscriber,
		uint32_t ip, uint16_t port, const struct rte_ether_addr *mac)
{
	memset(ch, 0, sizeof(*ch));
	ch->channel = channel;
	ch->subscriber = subscriber;
	ch->ip = ip;
	ch->port = port;
	if (mac != NULL)
		ch->mac = *mac;
	ch->now_ns = ctl_now_ns();
	ch->origin = CTL_OPERATOR;
}

/* An operator's passive subscription, for its owner to keep (no
 * SUBACK: pulses from the channel's next message on). Room was
 * checked. */
static void
passive_tell_owner(const struct ctl_change *ch, uint32_t passive_id)
{
	struct herald_udp_tmpl t;

	herald_endpoint_tmpl(&t, ch->ip, ch->port, &ch->mac);
	if (!ctl_batch_passive_only(ch->channel, ch->subscriber, passive_id,
				    HERALD_PASSIVE_ADD, ch->now_ns, &t))
		RTE_VERIFY(0);
}

int
herald_sub_add(uint64_t channel, uint32_t subscriber, uint32_t ip,
	       uint16_t port, const struct rte_ether_addr *mac, bool passive,
	       const char **why)
{
	const struct herald_config *cfg = &herald.cfg;
	struct ctl_change ch;
	uint32_t pos, passive_id;
	enum ctl_result r;

	if (channel == 0 || subscriber == 0) {
		*why = "channel and subscriber must not be 0";
		return -EINVAL;
	}
	if (cfg->has_next_hop_mac)
		mac = &cfg->next_hop_mac;
	if (mac == NULL) {
		*why = "no MAC given and no next_hop_mac configured";
		return -EINVAL;
	}
	pos = ctl_sub_find(channel, subscriber, ip, port);
	if (pos != CTL_NIL && (ctl_sub_at(pos)->passive != 0) != passive) {
		/* Turning one over is the subscriber's (a SUBACK says where
		 * it takes effect), not the operator's. */
		*why = passive ? "that endpoint's subscription is active (sub "
				 "del it first)"
			       : "that endpoint's subscription is passive "
				 "(sub del it first)";
		return -EEXIST;
	}
	if (passive && ctl_batch_room() == 0) {
		*why = "the owner's request ring is full; try again";
		return -EBUSY;
	}
	operator_change(&ch, channel, subscriber, ip, port, mac);
	ch.passive = passive;
	r = ctl_sub_add(&ch, false, &pos, &passive_id);
	if (passive && (r == CTL_ADDED || r == CTL_REFRESHED))
		passive_tell_owner(&ch, passive_id);
	switch (r) {
	case CTL_ADDED: herald.ctl_cnt.c[CTL_operator_adds]++; return 0;
	case CTL_REFRESHED: return 1;
	case CTL_LIMIT_PASSIVE:
		*why = "table full (max_passive_subscriptions)";
		return -ENOSPC;
	case CTL_LIMIT_SUBSCRIBERS:
		*why = "table full (max_subscribers per channel)";
		return -ENOSPC;
	case CTL_LIMIT_CHANNELS:
		*why = "table full (max_subscribed_channels)";
		return -ENOSPC;
	case CTL_LIMIT_SUBSCRIPTIONS:
		*why = "table full (max_subscriptions)";
		return -ENOSPC;
	case CTL_LIMIT_ENDPOINTS:
		*why = "table full (max_endpoints)";
		return -ENOSPC;
	default: *why = "out of memory"; return -ENOMEM;
	}
}

int
herald_sub_del(uint64_t channel, uint32_t subscriber, uint32_t ip,
	       uint16_t port, const char **why)
{
	uint32_t pos = ctl_sub_find(channel, subscriber, ip, port);

	if (pos == CTL_NIL) {
		*why = "no such subscription";
		return -ENOENT;
	}
	if (!ctl_sub_remove(pos)) {
		*why = "the owner's request ring is full; try again";
		return -EBUSY;
	}
	herald.ctl_cnt.c[CTL_operator_dels]++;
	return 0;
}
