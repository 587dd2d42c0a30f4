/* SPDX-License-Identifier: BSD-3-Clause
 * herald-xdp: attach, configure and inspect Herald's XDP edge filter.
 *
 * Works without Herald running: attached alone, the program is a
 * standalone edge filter that drops invalid HWP/1 traffic and foreign
 * PUBLISH frames before the kernel sees them, and passes the rest.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "herald_xdp.h"
#include "inet_parse.h"

#define MAX_ALLOW 64

static const char usage_text[] =
	"usage: herald-xdp COMMAND IFACE [ARGS] [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  attach IFACE      load the filter, pin its maps, configure it and\n"
	"                    attach it to IFACE\n"
	"  detach IFACE      detach it from IFACE and remove its pins\n"
	"  adopt IFACE       pin the maps of the filter another process "
	"loaded\n"
	"                    (e.g. DPDK's af_xdp PMD with xdp_prog=), so "
	"the\n"
	"                    commands below work on it\n"
	"  status IFACE      attachment, config, allow-list, non-default "
	"slots\n"
	"  counters IFACE    drop/pass counters (non-zero ones; --all for "
	"every\n"
	"                    one), --slots adds the busiest slots\n"
	"  slot IFACE SLOT local|pass|node [IP MAC]\n"
	"                    steer a slot: LOCAL = Herald's AF_XDP socket of "
	"the\n"
	"                    rx queue (the kernel if none is bound), PASS = "
	"the\n"
	"                    kernel, NODE = rewrite to node IP/MAC and send "
	"back\n"
	"                    out (XDP_TX). SLOT is 0-4095, 'ctl' (HEARTBEAT\n"
	"                    channel 0) or 'all' (the 4096 slots)\n"
	"  allow IFACE add|del PREFIX\n"
	"                    edit the publisher allow-list (a.b.c.d[/len]);\n"
	"  allow IFACE list  an empty list allows no publisher (unless\n"
	"                    --allow-any)\n"
	"  config IFACE      change --port, --addr, --allow-any/--no-allow-any"
	"\n"
	"                    or --mac of an attached filter\n"
	"  slot-of CHANNEL   print the slot of a channel\n"
	"\n"
	"Options:\n"
	"  --pin DIR         bpffs directory of the pins (default\n"
	"                    " HERALD_XDP_PIN_ROOT "/IFACE; bpffs is mounted "
	"on\n"
	"                    /sys/fs/bpf when missing)\n"
	"  attach and config:\n"
	"  --port N          Herald's UDP port (default 7700)\n"
	"  --addr A          Herald's IPv4 address (default: any)\n"
	"  --allow PREFIX    (attach) add a publisher prefix (repeatable);\n"
	"                    without any, attach sets --allow-any\n"
	"  --allow-any       accept PUBLISH from anyone despite --allow\n"
	"  --no-allow-any    enforce the allow-list (empty: no publisher)\n"
	"  --mac MAC         Ethernet source of NODE frames (default: the\n"
	"                    frame's destination, i.e. this interface)\n"
	"  --mode native|skb (attach) XDP mode (default native)\n"
	"  --replace         (attach) replace another XDP program on IFACE\n"
	"  counters only:\n"
	"  --watch SEC       print deltas every SEC seconds until ^C\n"
	"  --count N         with --watch: stop after N reports\n"
	"  --all             print zero counters too\n"
	"  --slots           also print the slots that saw traffic\n"
	"  -h, --help        this text\n"
	"\n"
	"Numbers are decimal or 0x-hex, without leading zeros.\n"
	"Exit status: 0 ok, 1 failure, 2 usage error.\n";

struct cli {
	const char *cmd;
	const char *ifname;
	const char *args[4];
	int nargs;
	char pin_dir[256];
	bool pin_given;
	struct herald_xdp_config cfg;
	bool addr_given;
	bool allow_any_given;
	bool mac_given;
	const char *allow[MAX_ALLOW];
	int nallow;
	enum herald_xdp_mode mode;
	bool replace;
	unsigned int watch;
	unsigned int count;
	bool all;
	bool slots;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "herald-xdp: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'herald-xdp --help'.\n");
	return 2;
}

static int
fail(const char *what, int err)
{
	fprintf(stderr, "herald-xdp: %s: %s\n", what, strerror(-err));
	return 1;
}

static int
parse_options(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"pin", required_argument, NULL, 'P'},
		{"port", required_argument, NULL, 'p'},
		{"addr", required_argument, NULL, 'a'},
		{"allow", required_argument, NULL, 'A'},
		{"allow-any", no_argument, NULL, 'Y'},
		{"no-allow-any", no_argument, NULL, 'N'},
		{"mac", required_argument, NULL, 'm'},
		{"mode", required_argument, NULL, 'M'},
		{"replace", no_argument, NULL, 'R'},
		{"watch", required_argument, NULL, 'w'},
		{"count", required_argument, NULL, 'c'},
		{"all", no_argument, NULL, 'l'},
		{"slots", no_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint64_t v;
	int o;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'P':
			if (strlen(optarg) >= sizeof(c->pin_dir))
				return usage_error("pin dir too long: %s",
						   optarg);
			strcpy(c->pin_dir, optarg);
			c->pin_given = true;
			break;
		case 'p':
			if (inet_parse_u64(optarg, 1, 65535, &v) != 0)
				return usage_error("bad port: %s", optarg);
			c->cfg.port = (uint16_t)v;
			break;
		case 'a':
			if (inet_parse_ipv4(optarg, &c->cfg.addr) != 0)
				return usage_error("bad address: %s", optarg);
			c->addr_given = true;
			break;
		case 'A':
			if (c->nallow == MAX_ALLOW)
				return usage_error("too many --allow");
			c->allow[c->nallow++] = optarg;
			break;
		case 'Y':
			c->cfg.allow_any = true;
			c->allow_any_given = true;
			break;
		case 'N':
			c->cfg.allow_any = false;
			c->allow_any_given = true;
			break;
		case 'm':
			c->mac_given = true;
			if (inet_parse_mac(optarg, c->cfg.mac) != 0)
				return usage_error("bad MAC: %s", optarg);
			break;
		case 'M':
			if (strcmp(optarg, "native") == 0)
				c->mode = HERALD_XDP_MODE_NATIVE;
			else if (strcmp(optarg, "skb") == 0)
				c->mode = HERALD_XDP_MODE_SKB;
			else
				return usage_error("bad mode: %s", optarg);
			break;
		case 'R': c->replace = true; break;
		case 'w':
			if (inet_parse_u64(optarg, 1, 86400, &v) != 0)
				return usage_error("bad --watch: %s", optarg);
			c->watch = (unsigned int)v;
			break;
		case 'c':
			if (inet_parse_u64(optarg, 0, 1000000, &v) != 0)
				return usage_error("bad --count: %s", optarg);
			c->count = (unsigned int)v;
			break;
		case 'l': c->all = true; break;
		case 's': c->slots = true; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default: return 2;
		}
	}
	for (; optind < argc; optind++) {
		if (c->ifname == NULL) {
			c->ifname = argv[optind];
		} else if (c->nargs < 4) {
			c->args[c->nargs++] = argv[optind];
		} else {
			return usage_error("too many arguments at %s",
					   argv[optind]);
		}
	}
	return 0;
}

static int
resolve_pin_dir(struct cli *c)
{
	if (c->pin_given)
		return 0;
	if (herald_xdp_default_pin_dir(c->pin_dir, sizeof(c->pin_dir),
				       c->ifname) != 0)
		return usage_error("bad interface name: %s", c->ifname);
	return 0;
}

static int
open_instance(struct cli *c, struct herald_xdp **h)
{
	int ret = herald_xdp_open(h, c->ifname, c->pin_dir);

	if (ret == -ENOENT) {
		fprintf(stderr,
			"herald-xdp: no filter pinned in %s (not attached to "
			"%s?)\n",
			c->pin_dir, c->ifname);
		return 1;
	}
	if (ret == -EPROTO) {
		fprintf(stderr,
			"herald-xdp: pins in %s are from another build of the "
			"program\n",
			c->pin_dir);
		return 1;
	}
	if (ret != 0)
		return fail(c->pin_dir, ret);
	return 0;
}

static void
format_ipv4(uint32_t addr, char *buf)
{
	struct in_addr a = {.s_addr = htonl(addr)};

	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static int
attach_error(struct cli *c, struct herald_xdp *h, int ret)
{
	struct herald_xdp_status st;

	if (ret == -EBUSY || ret == -EEXIST) {
		if (herald_xdp_status(h, &st) == 0 && st.other_id != 0)
			fprintf(stderr,
				"herald-xdp: %s already has XDP program id "
				"%u; use --replace (or detach it)\n",
				c->ifname, st.other_id);
		else
			fprintf(stderr,
				"herald-xdp: %s already has an XDP program "
				"(in the other mode?)\n",
				c->ifname);
		return 1;
	}
	if (ret == -EOPNOTSUPP && c->mode == HERALD_XDP_MODE_NATIVE) {
		fprintf(stderr,
			"herald-xdp: %s has no native XDP; try --mode skb\n",
			c->ifname);
		return 1;
	}
	return fail("attach", ret);
}

static int
load_error(struct cli *c, int ret)
{
	if (ret == -EEXIST) {
		fprintf(stderr,
			"herald-xdp: %s already holds a filter; 'herald-xdp "
			"detach %s' first\n",
			c->pin_dir, c->ifname);
		return 1;
	}
	if (ret == -EMEDIUMTYPE) {
		fprintf(stderr, "herald-xdp: %s is not on a bpffs\n",
			c->pin_dir);
		return 1;
	}
	return fail("load", ret);
}

static int
cmd_attach(struct cli *c)
{
	struct herald_xdp_status st;
	struct herald_xdp *h;
	uint32_t addr;
	uint8_t plen;
	int i, ret;

	for (i = 0; i < c->nallow; i++)
		if (inet_parse_prefix(c->allow[i], &addr, &plen) != 0)
			return usage_error("bad prefix: %s", c->allow[i]);
	if (c->cfg.port == 0)
		c->cfg.port = HWP_DEFAULT_PORT;
	/*
	 * The list fails closed: without a prefix, any publisher is what an
	 * operator who gave none means (Herald's default too), said with
	 * the explicit flag unless --no-allow-any asks for no publisher.
	 */
	if (c->nallow == 0 && !c->allow_any_given)
		c->cfg.allow_any = true;
	ret = herald_xdp_load(&h, c->ifname, c->pin_dir);
	if (ret != 0)
		return load_error(c, ret);
	/* Configure before attaching: no window with a half config. */
	for (i = 0; i < c->nallow && ret == 0; i++) {
		inet_parse_prefix(c->allow[i], &addr, &plen);
		ret = herald_xdp_allow_add(h, addr, plen);
	}
	if (ret == 0)
		ret = herald_xdp_set_config(h, &c->cfg);
	if (ret != 0) {
		herald_xdp_detach(h);
		herald_xdp_close(h);
		return fail("configure", ret);
	}
	ret = herald_xdp_attach(h, c->mode,
				c->replace ? HERALD_XDP_ATTACH_REPLACE : 0);
	if (ret != 0) {
		ret = attach_error(c, h, ret);
		herald_xdp_detach(h);
		herald_xdp_close(h);
		return ret;
	}
	ret = herald_xdp_status(h, &st);
	printf("attached to %s: prog id %u, %s mode, port %u, pins in %s\n",
	       c->ifname, ret == 0 ? st.prog_id : 0,
	       c->mode == HERALD_XDP_MODE_SKB ? "skb" : "native", c->cfg.port,
	       c->pin_dir);
	herald_xdp_close(h);
	return 0;
}

static int
cmd_adopt(struct cli *c)
{
	struct herald_xdp *h;
	int ret;

	ret = herald_xdp_adopt(&h, c->ifname, c->pin_dir);
	if (ret == -ENOENT) {
		fprintf(stderr, "herald-xdp: no XDP program on %s\n",
			c->ifname);
		return 1;
	}
	if (ret == -EPROTO) {
		fprintf(stderr,
			"herald-xdp: the program on %s is not Herald's "
			"filter\n",
			c->ifname);
		return 1;
	}
	if (ret != 0)
		return load_error(c, ret);
	herald_xdp_close(h);
	printf("adopted the filter on %s, pins in %s\n", c->ifname, c->pin_dir);
	return 0;
}

/* Changes the given settings of an attached filter, keeps the others. */
static int
cmd_config(struct cli *c)
{
	struct herald_xdp_config cfg;
	struct herald_xdp *h;
	int ret;

	ret = open_instance(c, &h);
	if (ret != 0)
		return ret;
	ret = herald_xdp_get_config(h, &cfg);
	if (ret == 0) {
		if (c->cfg.port != 0)
			cfg.port = c->cfg.port;
		if (c->addr_given)
			cfg.addr = c->cfg.addr;
		if (c->allow_any_given)
			cfg.allow_any = c->cfg.allow_any;
		if (c->mac_given)
			memcpy(cfg.mac, c->cfg.mac, sizeof(cfg.mac));
		ret = herald_xdp_set_config(h, &cfg);
	}
	herald_xdp_close(h);
	return ret != 0 ? fail("config", ret) : 0;
}

static int
cmd_detach(struct cli *c)
{
	struct herald_xdp *h;
	int ret;

	ret = open_instance(c, &h);
	if (ret != 0)
		return ret;
	ret = herald_xdp_detach(h);
	herald_xdp_close(h);
	if (ret != 0)
		return fail("detach", ret);
	printf("detached from %s, pins removed\n", c->ifname);
	return 0;
}

static void
print_prefix(uint32_t addr, unsigned int plen, void *arg)
{
	char buf[INET_ADDRSTRLEN];

	(void)arg;
	format_ipv4(addr, buf);
	printf("  %s/%u\n", buf, plen);
}

static const char *
action_name(uint32_t action)
{
	switch (action) {
	case HERALD_XDP_LOCAL: return "local";
	case HERALD_XDP_PASS: return "pass";
	case HERALD_XDP_NODE: return "node";
	default: return "?";
	}
}

static void
print_target(unsigned int slot, const struct herald_xdp_target *t)
{
	char ip[INET_ADDRSTRLEN];

	if (slot == HERALD_XDP_CTL_SLOT)
		printf("  ctl %s", action_name(t->action));
	else
		printf("  %u %s", slot, action_name(t->action));
	if (t->action == HERALD_XDP_NODE) {
		format_ipv4(t->ip, ip);
		printf(" %s %02x:%02x:%02x:%02x:%02x:%02x", ip, t->mac[0],
		       t->mac[1], t->mac[2], t->mac[3], t->mac[4], t->mac[5]);
	}
	printf("\n");
}

static int
print_slots(struct herald_xdp *h)
{
	struct herald_xdp_target t;
	unsigned int slot, n = 0;
	int ret;

	printf("slots not local:\n");
	for (slot = 0; slot < HERALD_XDP_NUM_TGTS; slot++) {
		ret = herald_xdp_slot_get(h, slot, &t);
		if (ret != 0)
			return ret;
		if (t.action == HERALD_XDP_LOCAL)
			continue;
		print_target(slot, &t);
		n++;
	}
	if (n == 0)
		printf("  (none: every slot goes to the local socket)\n");
	return 0;
}

static int
print_status(struct cli *c, struct herald_xdp *h)
{
	struct herald_xdp_config cfg;
	struct herald_xdp_status st;
	char addr[INET_ADDRSTRLEN];
	int n, ret;

	ret = herald_xdp_status(h, &st);
	if (ret == -ENODEV)
		printf("interface %s: gone\n", c->ifname);
	else if (ret != 0)
		return ret;
	else if (st.attached)
		printf("interface %s: attached, prog id %u, %s mode\n",
		       c->ifname, st.prog_id,
		       st.mode == HERALD_XDP_MODE_SKB ? "skb" : "native");
	else
		printf("interface %s: NOT attached (prog id %u pinned, "
		       "other program %u)\n",
		       c->ifname, st.prog_id, st.other_id);
	printf("pins: %s\n", c->pin_dir);
	ret = herald_xdp_get_config(h, &cfg);
	if (ret != 0)
		return ret;
	format_ipv4(cfg.addr, addr);
	printf("herald: %s port %u%s\n", cfg.addr == 0 ? "any" : addr, cfg.port,
	       cfg.port == 0 ? " (filter off)" : "");
	printf("publisher allow-list%s:\n",
	       cfg.allow_any ? " (overridden: allow any)" : "");
	n = herald_xdp_allow_list(h, print_prefix, NULL);
	if (n < 0)
		return n;
	if (n == 0)
		printf("  (empty: %s)\n",
		       cfg.allow_any ? "any publisher, by allow-any"
				     : "no publisher");
	return print_slots(h);
}

static int
cmd_status(struct cli *c)
{
	struct herald_xdp *h;
	int ret;

	ret = open_instance(c, &h);
	if (ret != 0)
		return ret;
	ret = print_status(c, h);
	herald_xdp_close(h);
	return ret != 0 ? fail("status", ret) : 0;
}

static void
print_counters(const struct herald_xdp_counters *now,
	       const struct herald_xdp_counters *before, bool all)
{
	static const char *const kinds[] = {"pass", "drop", "redirect", "tx"};
	uint64_t total[4] = {0};
	unsigned int i;

	for (i = 0; i < HERALD_XDP_C__COUNT; i++) {
		uint64_t v = now->c[i] - (before ? before->c[i] : 0);

		total[herald_xdp_counter_kind(i)] += v;
		if (v != 0 || all)
			printf("%-22s %" PRIu64 "\n",
			       herald_xdp_counter_name(i), v);
	}
	printf("total: ");
	for (i = 0; i < 4; i++)
		printf("%s %" PRIu64 "%s", kinds[i], total[i],
		       i < 3 ? ", " : "\n");
}

static int
print_slot_stats(struct herald_xdp *h)
{
	struct herald_xdp_slot_stats *st;
	unsigned int i;
	int ret;

	st = calloc(HERALD_XDP_NUM_TGTS, sizeof(*st));
	if (st == NULL)
		return -ENOMEM;
	ret = herald_xdp_read_slots(h, st);
	if (ret == 0) {
		printf("slot packets bytes:\n");
		for (i = 0; i < HERALD_XDP_NUM_TGTS; i++) {
			if (st[i].packets == 0)
				continue;
			if (i == HERALD_XDP_CTL_SLOT)
				printf("  ctl");
			else
				printf("  %u", i);
			printf(" %llu %llu\n",
			       (unsigned long long)st[i].packets,
			       (unsigned long long)st[i].bytes);
		}
	}
	free(st);
	return ret;
}

static int
watch_counters(struct cli *c, struct herald_xdp *h)
{
	struct herald_xdp_counters before, now;
	unsigned int n = 0;
	int ret;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = herald_xdp_read_counters(h, &before);
	while (ret == 0 && !stop && (c->count == 0 || n < c->count)) {
		struct timespec ts = {.tv_sec = c->watch};

		/* A signal cuts the sleep short; then stop quietly. */
		if (nanosleep(&ts, NULL) != 0)
			break;
		ret = herald_xdp_read_counters(h, &now);
		if (ret != 0)
			break;
		printf("--- last %u s on %s\n", c->watch, c->ifname);
		print_counters(&now, &before, c->all);
		fflush(stdout);
		before = now;
		n++;
	}
	return ret;
}

static int
cmd_counters(struct cli *c)
{
	struct herald_xdp_counters now;
	struct herald_xdp *h;
	int ret;

	ret = open_instance(c, &h);
	if (ret != 0)
		return ret;
	if (c->watch != 0) {
		ret = watch_counters(c, h);
	} else {
		ret = herald_xdp_read_counters(h, &now);
		if (ret == 0)
			print_counters(&now, NULL, c->all);
		if (ret == 0 && c->slots)
			ret = print_slot_stats(h);
	}
	herald_xdp_close(h);
	return ret != 0 ? fail("counters", ret) : 0;
}

static int
parse_target(struct cli *c, struct herald_xdp_target *t)
{
	const char *act = c->args[1];

	memset(t, 0, sizeof(*t));
	if (strcmp(act, "local") == 0) {
		t->action = HERALD_XDP_LOCAL;
	} else if (strcmp(act, "pass") == 0) {
		t->action = HERALD_XDP_PASS;
	} else if (strcmp(act, "node") == 0) {
		t->action = HERALD_XDP_NODE;
		if (c->nargs != 4)
			return usage_error("node needs IP and MAC");
		if (inet_parse_ipv4(c->args[2], &t->ip) != 0 || t->ip == 0)
			return usage_error("bad node address: %s", c->args[2]);
		if (inet_parse_mac(c->args[3], t->mac) != 0)
			return usage_error("bad node MAC: %s", c->args[3]);
		return 0;
	} else {
		return usage_error("bad target: %s (local|pass|node)", act);
	}
	if (c->nargs != 2)
		return usage_error("too many arguments for %s", act);
	return 0;
}

static int
cmd_slot(struct cli *c)
{
	struct herald_xdp_target t;
	unsigned int first, last, s;
	struct herald_xdp *h;
	uint64_t v;
	int ret;

	if (c->nargs < 2)
		return usage_error("usage: slot IFACE SLOT local|pass|node "
				   "[IP MAC]");
	if (strcmp(c->args[0], "ctl") == 0) {
		first = last = HERALD_XDP_CTL_SLOT;
	} else if (strcmp(c->args[0], "all") == 0) {
		first = 0;
		last = HWP_NUM_SLOTS - 1;
	} else if (inet_parse_u64(c->args[0], 0, HWP_NUM_SLOTS - 1, &v) == 0) {
		first = last = (unsigned int)v;
	} else {
		return usage_error("bad slot: %s (0-4095, ctl, all)",
				   c->args[0]);
	}
	ret = parse_target(c, &t);
	if (ret != 0)
		return ret;
	ret = open_instance(c, &h);
	if (ret != 0)
		return ret;
	for (s = first; s <= last && ret == 0; s++)
		ret = herald_xdp_slot_set(h, s, &t);
	herald_xdp_close(h);
	return ret != 0 ? fail("slot", ret) : 0;
}

static int
cmd_allow(struct cli *c)
{
	struct herald_xdp *h;
	uint32_t addr = 0;
	uint8_t plen = 0;
	bool add, del;
	int ret;

	add = c->nargs == 2 && strcmp(c->args[0], "add") == 0;
	del = c->nargs == 2 && strcmp(c->args[0], "del") == 0;
	if (!add && !del && !(c->nargs == 1 && strcmp(c->args[0], "list") == 0))
		return usage_error("usage: allow IFACE add|del PREFIX | allow "
				   "IFACE list");
	if ((add || del) && inet_parse_prefix(c->args[1], &addr, &plen) != 0)
		return usage_error("bad prefix: %s", c->args[1]);
	ret = open_instance(c, &h);
	if (ret != 0)
		return ret;
	if (add)
		ret = herald_xdp_allow_add(h, addr, plen);
	else if (del)
		ret = herald_xdp_allow_del(h, addr, plen);
	else
		ret = herald_xdp_allow_list(h, print_prefix, NULL);
	herald_xdp_close(h);
	if (ret == -ENOENT && del) {
		fprintf(stderr, "herald-xdp: %s is not in the allow-list\n",
			c->args[1]);
		return 1;
	}
	return ret < 0 ? fail("allow", ret) : 0;
}

static int
cmd_slot_of(struct cli *c)
{
	uint64_t ch;

	if (inet_parse_u64(c->ifname, 0, UINT64_MAX, &ch) != 0)
		return usage_error("bad channel: %s", c->ifname);
	printf("%u\n", hwp_slot(ch));
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *c);
	} cmds[] = {
		{"attach", cmd_attach},	  {"detach", cmd_detach},
		{"status", cmd_status},	  {"counters", cmd_counters},
		{"slot", cmd_slot},	  {"allow", cmd_allow},
		{"slot-of", cmd_slot_of}, {"adopt", cmd_adopt},
		{"config", cmd_config},
	};
	struct cli c;
	unsigned int i;
	int ret;

	memset(&c, 0, sizeof(c));
	if (argc < 2)
		return usage_error("missing command");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	c.cmd = argv[1];
	ret = parse_options(&c, argc - 1, argv + 1);
	if (ret != 0)
		return ret;
	if (c.ifname == NULL)
		return usage_error("%s needs an argument", c.cmd);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(c.cmd, cmds[i].name) != 0)
			continue;
		if (cmds[i].fn != cmd_slot_of) {
			ret = resolve_pin_dir(&c);
			if (ret != 0)
				return ret;
		}
		return cmds[i].fn(&c);
	}
	return usage_error("unknown command: %s", c.cmd);
}
