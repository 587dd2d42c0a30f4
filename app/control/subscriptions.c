/* SPDX-License-Identifier: BSD-3-Clause
 * Subscription changes from the CLI (and later SUBSCRIBE frames).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "control/subscriptions.h"
#include "dataplane/udp_out.h"
#include "herald.h"
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
	return 0;
}

void
herald_subscriptions_free(void)
{
	if (herald.subs != NULL) {
		subtab_reclaim_all(herald.subs);
		subtab_free(herald.subs);
	}
	rte_free(herald.qsv);
	herald.subs = NULL;
	herald.qsv = NULL;
}

void
herald_sub_member(struct subtab_member *m, uint32_t subscriber, uint32_t ip,
		  uint16_t port, const struct rte_ether_addr *mac)
{
	const struct herald_config *cfg = &herald.cfg;
	uint16_t egress = cfg->egress_port;
	struct herald_udp_tmpl t;

	memset(m, 0, sizeof(*m));
	m->subscriber = subscriber;
	m->ip = ip;
	m->udp_port = port;
	m->egress_port = egress;
	m->mac = *mac;
	herald_udp_tmpl_build(&t, &herald.ports[egress].mac, mac, cfg->address,
			      cfg->udp_port, ip, port);
	RTE_BUILD_BUG_ON(sizeof(m->hdr) != sizeof(t.hdr));
	memcpy(m->hdr, t.hdr, sizeof(m->hdr));
	m->csum_ip = t.csum_ip;
	m->csum_udp = t.csum_udp;
}

int
herald_sub_add(uint64_t channel, uint32_t subscriber, uint32_t ip,
	       uint16_t port, const struct rte_ether_addr *mac,
	       const char **why)
{
	const struct herald_config *cfg = &herald.cfg;
	struct subtab_member m;
	int rc;

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
	herald_sub_member(&m, subscriber, ip, port, mac);
	rc = subtab_add(herald.subs, channel, &m);
	if (rc == -ENOSPC)
		*why = "table full (max_subscribers per channel or "
		       "max_subscribed_channels)";
	else if (rc < 0)
		*why = "out of memory";
	return rc;
}

int
herald_sub_del(uint64_t channel, uint32_t subscriber, uint32_t ip,
	       uint16_t port, const char **why)
{
	int rc = subtab_del(herald.subs, channel, subscriber, ip, port);

	if (rc == -ENOENT)
		*why = "no such subscription";
	return rc;
}
