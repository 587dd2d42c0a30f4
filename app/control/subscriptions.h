/* SPDX-License-Identifier: BSD-3-Clause
 * Control-plane side of the subscription table: builds each member's
 * header template and applies changes through lib/subtab (RCU).
 * Called from the control thread only.
 */
#ifndef HERALD_SUBSCRIPTIONS_H
#define HERALD_SUBSCRIPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

struct subtab_member;

/* The control plane's tables (before the workers' contexts), and what
 * needs the workers (after them). */
int herald_subscriptions_init(void);
int herald_subscriptions_lcores_ready(void);
void herald_subscriptions_free(void);

/*
 * Add (or refresh) a subscriber endpoint of a channel, active or passive
 * (its owner pulses it from the channel's next message on). mac may be
 * NULL when a next-hop MAC is configured. Returns 0 added, 1 replaced,
 * or a negative errno; *why gets a one-line reason on error.
 */
int herald_sub_add(uint64_t channel, uint32_t subscriber, uint32_t ip,
		   uint16_t port, const struct rte_ether_addr *mac,
		   bool passive, const char **why);
int herald_sub_del(uint64_t channel, uint32_t subscriber, uint32_t ip,
		   uint16_t port, const char **why);

struct herald_udp_tmpl;
/* Herald's Ethernet/IPv4/UDP headers to an endpoint at mac, on the
 * egress port, with partial checksums (DELIVERs and SUBACKs alike). */
void herald_endpoint_tmpl(struct herald_udp_tmpl *t, uint32_t ip, uint16_t port,
			  const struct rte_ether_addr *mac);

/* A member entry for an endpoint: its Ethernet/IPv4/UDP header template
 * to mac on the egress port, with partial checksums. */
void herald_sub_member(struct subtab_member *m, uint32_t subscriber,
		       uint32_t ip, uint16_t port,
		       const struct rte_ether_addr *mac);

#endif /* HERALD_SUBSCRIPTIONS_H */
