/* SPDX-License-Identifier: BSD-3-Clause
 * Herald's side of the XDP layer (see xdp.h). Built only with -Dbpf=true;
 * without it af_xdp ports run with whatever program the PMD loads.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "herald.h"
#include "xdp.h"

#ifdef HERALD_HAVE_XDP
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "herald_xdp.h"

struct xdp_port {
	uint16_t port_id;
	char ifname[IF_NAMESIZE];
	char pin_dir[256];
	struct herald_xdp *h;
};

static struct xdp_port xports[HERALD_MAX_PORTS];
static unsigned int n_xports;

/* Pin the program attached to ifindex and every map it uses, by name,
 * so the control library can open them like any instance it loaded. */
static int
pin_attached(int ifindex, const char *dir)
{
	struct bpf_prog_info pinfo;
	uint32_t map_ids[16], len = sizeof(pinfo), prog_id = 0, i;
	char path[512];
	int pfd, rc = 0;

	if (bpf_xdp_query_id(ifindex, 0, &prog_id) != 0 || prog_id == 0)
		return -ENOENT;
	pfd = bpf_prog_get_fd_by_id(prog_id);
	if (pfd < 0)
		return -errno;
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.nr_map_ids = RTE_DIM(map_ids);
	pinfo.map_ids = (uint64_t)(uintptr_t)map_ids;
	if (bpf_obj_get_info_by_fd(pfd, &pinfo, &len) != 0) {
		rc = -errno;
		goto out;
	}
	for (i = 0; i < pinfo.nr_map_ids && i < RTE_DIM(map_ids); i++) {
		struct bpf_map_info minfo;
		uint32_t mlen = sizeof(minfo);
		int mfd = bpf_map_get_fd_by_id(map_ids[i]);

		if (mfd < 0)
			continue;
		memset(&minfo, 0, sizeof(minfo));
		if (bpf_obj_get_info_by_fd(mfd, &minfo, &mlen) == 0 &&
		    minfo.name[0] != '\0' && strchr(minfo.name, '.') == NULL) {
			snprintf(path, sizeof(path), "%s/%s", dir, minfo.name);
			unlink(path);
			if (bpf_obj_pin(mfd, path) != 0)
				rc = -errno;
		}
		close(mfd);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, HERALD_XDP_PIN_PROG);
	unlink(path);
	if (rc == 0 && bpf_obj_pin(pfd, path) != 0)
		rc = -errno;
out:
	close(pfd);
	return rc;
}

/* Pins need bpffs at /sys/fs/bpf: systemd mounts it, minimal hosts and
 * containers may not. */
static int
ensure_bpffs(void)
{
	struct statfs st;

	if (statfs("/sys/fs/bpf", &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") != 0)
		return -errno;
	return 0;
}

/* mkdir -p below the bpffs root. */
static int
make_dirs(const char *dir)
{
	char path[256];
	size_t i;

	if (ensure_bpffs() != 0)
		return -ENOTSUP;

	snprintf(path, sizeof(path), "%s", dir);
	for (i = 1; path[i] != '\0'; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -errno;
		path[i] = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void
unpin_dir(const char *dir)
{
	char cmd_path[512];
	const char *names[] = {
		HERALD_XDP_PIN_PROG,	    HERALD_XDP_MAP_XSKS,
		HERALD_XDP_MAP_CONFIG,	    HERALD_XDP_MAP_ALLOW,
		HERALD_XDP_MAP_SLOT_TARGET, HERALD_XDP_MAP_SLOT_STATS,
		HERALD_XDP_MAP_COUNTERS,
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(names); i++) {
		snprintf(cmd_path, sizeof(cmd_path), "%s/%s", dir, names[i]);
		unlink(cmd_path);
	}
	rmdir(dir);
}

/* Address, port, allow-list and every slot LOCAL (one node). */
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
	int rc;

	if (rte_eth_dev_info_get(port, &info) != 0 ||
	    strcmp(info.driver_name, "net_af_xdp") != 0 || info.if_index == 0)
		return 0;
	xp->port_id = port;
	if (if_indextoname(info.if_index, xp->ifname) == NULL)
		return -errno;
	herald_xdp_default_pin_dir(xp->pin_dir, sizeof(xp->pin_dir),
				   xp->ifname);
	unpin_dir(xp->pin_dir); /* stale pins of an earlier run */
	rc = make_dirs(xp->pin_dir);
	if (rc == 0)
		rc = pin_attached((int)info.if_index, xp->pin_dir);
	if (rc == 0)
		rc = herald_xdp_open(&xp->h, xp->ifname, xp->pin_dir);
	if (rc == 0)
		rc = configure(xp);
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

	for (i = 0; i < n_xports; i++) {
		herald_xdp_close(xports[i].h);
		unpin_dir(xports[i].pin_dir);
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
