/* SPDX-License-Identifier: BSD-3-Clause
 * Herald's side of the XDP layer (see xdp.h). Built only with -Dbpf=true;
 * without it af_xdp ports run with whatever program the PMD loads.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "herald.h"
#include "xdp/xdp.h"

#ifdef HERALD_HAVE_XDP

#include "herald_xdp.h"

struct xdp_port {
	uint16_t port_id;
	char ifname[IF_NAMESIZE];
	char pin_dir[256];
	struct herald_xdp *h;
};

static struct xdp_port xports[HERALD_MAX_PORTS];
static unsigned int n_xports;

/*
 * Address, port, allow-list and every slot LOCAL (one node). The
 * program's list fails closed, so "any publisher" is said with the
 * explicit flag: when the config has no [publishers] allow (Herald's
 * default: any) or one of its prefixes is 0.0.0.0/0.
 */
static int
configure(struct xdp_port *xp)
{
	const struct herald_config *cfg = &herald.cfg;
	struct herald_xdp_config xc = {
		.addr = cfg->address,
		.port = cfg->udp_port,
		.allow_any = cfg->n_allow == 0,
	};
	struct herald_xdp_target local = {.action = HERALD_XDP_LOCAL};
	unsigned int i;
	int rc;

	memcpy(xc.mac, herald.ports[xp->port_id].mac.addr_bytes, 6);
	for (i = 0; i < cfg->n_allow; i++) {
		if (cfg->allow[i].depth == 0)
			xc.allow_any = true;
		rc = herald_xdp_allow_add(xp->h, cfg->allow[i].ip,
					  cfg->allow[i].depth);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < HERALD_XDP_NUM_TGTS; i++) {
		rc = herald_xdp_slot_set(xp->h, i, &local);
		if (rc != 0)
			return rc;
	}
	/* The config last: until it names our port everything passes. */
	return herald_xdp_set_config(xp->h, &xc);
}

static int
adopt_port(uint16_t port)
{
	struct rte_eth_dev_info info;
	struct xdp_port *xp = &xports[n_xports];
	char ifname[IF_NAMESIZE];
	int rc;

	if (rte_eth_dev_info_get(port, &info) != 0 ||
	    strcmp(info.driver_name, "net_af_xdp") != 0 || info.if_index == 0)
		return 0;
	xp->port_id = port;
	if (if_indextoname(info.if_index, ifname) == NULL)
		return -errno;
	memcpy(xp->ifname, ifname, sizeof(xp->ifname));
	if (snprintf(xp->pin_dir, sizeof(xp->pin_dir), "%s/%s",
		     herald.cfg.xdp_pin_root,
		     ifname) >= (int)sizeof(xp->pin_dir))
		return -ENAMETOOLONG;
	herald_xdp_unpin(xp->pin_dir); /* stale pins of an earlier run */
	rc = herald_xdp_adopt(&xp->h, xp->ifname, xp->pin_dir);
	if (rc == 0) {
		rc = configure(xp);
		/* Not counted in n_xports: nothing else would free them. */
		if (rc != 0) {
			herald_xdp_release(xp->h);
			xp->h = NULL;
		}
	}
	if (rc != 0) {
		fprintf(stderr,
			"herald: port %u (%s): cannot adopt its XDP program "
			"(vdev xdp_prog=.../herald_xdp.bpf.o?): %s\n",
			port, xp->ifname, strerror(-rc));
		return rc;
	}
	printf("  port %u: XDP filter on %s, maps pinned in %s\n", port,
	       xp->ifname, xp->pin_dir);
	n_xports++;
	return 0;
}

int
herald_xdp_ports_init(void)
{
	uint16_t port;

	RTE_ETH_FOREACH_DEV(port)
	{
		if (adopt_port(port) != 0)
			return -1;
	}
	return 0;
}

void
herald_xdp_ports_close(void)
{
	unsigned int i;

	/* The PMD detaches the program when the port closes. */
	for (i = 0; i < n_xports; i++) {
		herald_xdp_release(xports[i].h);
		xports[i].h = NULL;
	}
	n_xports = 0;
}

void
herald_xdp_show(FILE *f)
{
	struct herald_xdp_counters c;
	unsigned int i, k;

	if (n_xports == 0)
		fprintf(f, "  no port with Herald's XDP program\n");
	for (i = 0; i < n_xports; i++) {
		fprintf(f, "  ######## XDP on port %u (%s) ########\n",
			xports[i].port_id, xports[i].ifname);
		if (herald_xdp_read_counters(xports[i].h, &c) != 0) {
			fprintf(f, "  cannot read counters\n");
			continue;
		}
		for (k = 0; k < HERALD_XDP_C__COUNT; k++)
			if (c.c[k] != 0)
				fprintf(f, "  %-28s %" PRIu64 "\n",
					herald_xdp_counter_name(k), c.c[k]);
	}
}

int
herald_xdp_slot(unsigned int slot, const char *action, uint32_t ip,
		const uint8_t *mac, const char **why)
{
	struct herald_xdp_target t = {.ip = ip};
	unsigned int i;
	int rc;

	if (slot >= HWP_NUM_SLOTS) {
		*why = "slot must be 0 to 4095";
		return -EINVAL;
	}
	if (strcmp(action, "local") == 0) {
		t.action = HERALD_XDP_LOCAL;
	} else if (strcmp(action, "pass") == 0) {
		t.action = HERALD_XDP_PASS;
	} else if (strcmp(action, "node") == 0 && mac != NULL) {
		t.action = HERALD_XDP_NODE;
		memcpy(t.mac, mac, 6);
	} else {
		*why = "action is local, pass or node <ip> <mac>";
		return -EINVAL;
	}
	if (n_xports == 0) {
		*why = "no port with Herald's XDP program";
		return -ENODEV;
	}
	for (i = 0; i < n_xports; i++) {
		rc = herald_xdp_slot_set(xports[i].h, slot, &t);
		if (rc != 0) {
			*why = "map update failed";
			return rc;
		}
	}
	return 0;
}

#else /* !HERALD_HAVE_XDP */

int
herald_xdp_ports_init(void)
{
	return 0;
}

void
herald_xdp_ports_close(void)
{
}

void
herald_xdp_show(FILE *f)
{
	fprintf(f, "  built without XDP support (-Dbpf=false)\n");
}

int
herald_xdp_slot(unsigned int slot __rte_unused, const char *action __rte_unused,
		uint32_t ip __rte_unused, const uint8_t *mac __rte_unused,
		const char **why)
{
	*why = "built without XDP support (-Dbpf=false)";
	return -ENOTSUP;
}
#endif
