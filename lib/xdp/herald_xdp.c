/* SPDX-License-Identifier: BSD-3-Clause
 * Control library of Herald's XDP edge filter: load, pin, attach,
 * configure and read the program described in herald_xdp_abi.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "herald_xdp_priv.h"
#include "herald_xdp.skel.h"

const char *const hx_map_names[HX_MAP__COUNT] = {
	[HX_MAP_XSKS] = HERALD_XDP_MAP_XSKS,
	[HX_MAP_CONFIG] = HERALD_XDP_MAP_CONFIG,
	[HX_MAP_ALLOW] = HERALD_XDP_MAP_ALLOW,
	[HX_MAP_SLOT_TGT] = HERALD_XDP_MAP_SLOT_TARGET,
	[HX_MAP_SLOT_STATS] = HERALD_XDP_MAP_SLOT_STATS,
	[HX_MAP_COUNTERS] = HERALD_XDP_MAP_COUNTERS,
};

/* Value sizes, checked when opening pins made by another build. */
static const uint32_t map_value_size[HX_MAP__COUNT] = {
	[HX_MAP_XSKS] = sizeof(uint32_t),
	[HX_MAP_CONFIG] = sizeof(struct herald_xdp_cfg),
	[HX_MAP_ALLOW] = sizeof(uint8_t),
	[HX_MAP_SLOT_TGT] = sizeof(struct herald_xdp_tgt),
	[HX_MAP_SLOT_STATS] = sizeof(struct herald_xdp_slot_stats),
	[HX_MAP_COUNTERS] = sizeof(uint64_t),
};

/*
 * Entry counts, checked likewise: a counter map of a build with other
 * counters would be read under the wrong names.
 */
static const uint32_t map_max_entries[HX_MAP__COUNT] = {
	[HX_MAP_XSKS] = HERALD_XDP_MAX_QUEUES,
	[HX_MAP_CONFIG] = 1,
	[HX_MAP_ALLOW] = HERALD_XDP_MAX_ALLOW,
	[HX_MAP_SLOT_TGT] = HERALD_XDP_NUM_TGTS,
	[HX_MAP_SLOT_STATS] = HERALD_XDP_NUM_TGTS,
	[HX_MAP_COUNTERS] = HERALD_XDP_C__COUNT,
};

static const struct {
	const char *name;
	int kind;
} counter_info[HERALD_XDP_C__COUNT] = {
#define HX_CNT_INFO(name, str, kind) [HERALD_XDP_C_##name] = {str, kind},
	HERALD_XDP_COUNTERS(HX_CNT_INFO)
#undef HX_CNT_INFO
};

const char *
herald_xdp_counter_name(unsigned int idx)
{
	if (idx >= HERALD_XDP_C__COUNT)
		return "unknown";
	return counter_info[idx].name;
}

int
herald_xdp_counter_kind(unsigned int idx)
{
	if (idx >= HERALD_XDP_C__COUNT)
		return -EINVAL;
	return counter_info[idx].kind;
}

int
herald_xdp_counter_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < HERALD_XDP_C__COUNT; i++)
		if (strcmp(counter_info[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

static struct herald_xdp *
handle_new(const char *ifname)
{
	struct herald_xdp *h = calloc(1, sizeof(*h));
	unsigned int i;

	if (h == NULL)
		return NULL;
	h->prog_fd = -1;
	for (i = 0; i < HX_MAP__COUNT; i++)
		h->fd[i] = -1;
	if (ifname != NULL)
		snprintf(h->ifname, sizeof(h->ifname), "%s", ifname);
	return h;
}

int
herald_xdp_load(struct herald_xdp **hp, const char *ifname, const char *pin_dir)
{
	struct herald_xdp *h;
	unsigned int i;
	int ret;

	if (ifname != NULL && strlen(ifname) >= IF_NAMESIZE)
		return -EINVAL;
	if (pin_dir != NULL && strlen(pin_dir) >= sizeof(h->pin_dir))
		return -ENAMETOOLONG;
	h = handle_new(ifname);
	if (h == NULL)
		return -ENOMEM;
	h->skel = herald_xdp_bpf__open_and_load();
	if (h->skel == NULL) {
		ret = -errno;
		goto fail;
	}
	h->prog_fd = bpf_program__fd(h->skel->progs.herald_xdp_prog);
	for (i = 0; i < HX_MAP__COUNT; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(
			h->skel->obj, hx_map_names[i]);

		if (m == NULL) {
			ret = -ENOENT;
			goto fail;
		}
		h->fd[i] = bpf_map__fd(m);
	}
	if (pin_dir != NULL) {
		ret = hx_pin_to(h, pin_dir);
		if (ret != 0)
			goto fail;
	}
	*hp = h;
	return 0;
fail:
	herald_xdp_close(h);
	return ret < 0 ? ret : -EINVAL;
}

static int
check_pinned_map(int fd, unsigned int i)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
		return -errno;
	/* A pin of another build of the program: refuse, do not guess. */
	if (strcmp(info.name, hx_map_names[i]) != 0 ||
	    info.value_size != map_value_size[i] ||
	    info.max_entries != map_max_entries[i])
		return -EPROTO;
	return 0;
}

int
herald_xdp_open(struct herald_xdp **hp, const char *ifname, const char *pin_dir)
{
	char path[PATH_MAX];
	struct herald_xdp *h;
	unsigned int i;
	int ret;

	if (pin_dir == NULL || strlen(pin_dir) >= sizeof(h->pin_dir) ||
	    (ifname != NULL && strlen(ifname) >= IF_NAMESIZE))
		return -EINVAL;
	h = handle_new(ifname);
	if (h == NULL)
		return -ENOMEM;
	snprintf(h->pin_dir, sizeof(h->pin_dir), "%s", pin_dir);
	ret = hx_pin_path(path, sizeof(path), pin_dir, HERALD_XDP_PIN_PROG);
	if (ret != 0)
		goto fail;
	h->prog_fd = bpf_obj_get(path);
	if (h->prog_fd < 0) {
		ret = -errno;
		goto fail;
	}
	for (i = 0; i < HX_MAP__COUNT; i++) {
		ret = hx_pin_path(path, sizeof(path), pin_dir, hx_map_names[i]);
		if (ret != 0)
			goto fail;
		h->fd[i] = bpf_obj_get(path);
		if (h->fd[i] < 0) {
			ret = -errno;
			goto fail;
		}
		ret = check_pinned_map(h->fd[i], i);
		if (ret != 0)
			goto fail;
	}
	*hp = h;
	return 0;
fail:
	herald_xdp_close(h);
	return ret;
}

/* Finds our maps among those of a loaded program, by name. */
static int
adopt_maps(struct herald_xdp *h, const uint32_t *ids, uint32_t n)
{
	struct bpf_map_info info;
	uint32_t i, len;
	unsigned int m;
	int fd;

	for (i = 0; i < n; i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			return -errno;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) {
			close(fd);
			return -errno;
		}
		for (m = 0; m < HX_MAP__COUNT; m++)
			if (h->fd[m] < 0 &&
			    strcmp(info.name, hx_map_names[m]) == 0)
				break;
		if (m == HX_MAP__COUNT) {
			close(fd); /* .rodata or another program's map */
			continue;
		}
		h->fd[m] = fd;
		if (check_pinned_map(fd, m) != 0)
			return -EPROTO;
	}
	for (m = 0; m < HX_MAP__COUNT; m++)
		if (h->fd[m] < 0)
			return -EPROTO; /* not our program */
	return 0;
}

int
herald_xdp_adopt(struct herald_xdp **hp, const char *ifname,
		 const char *pin_dir)
{
	uint32_t ids[16], prog_id = 0;
	struct bpf_prog_info info;
	struct herald_xdp *h;
	uint32_t len = sizeof(info);
	int ifindex, ret;

	if (ifname == NULL || strlen(ifname) >= IF_NAMESIZE ||
	    (pin_dir != NULL && strlen(pin_dir) >= sizeof(h->pin_dir)))
		return -EINVAL;
	ifindex = (int)if_nametoindex(ifname);
	if (ifindex == 0)
		return -ENODEV;
	if (bpf_xdp_query_id(ifindex, 0, &prog_id) != 0)
		return -errno;
	if (prog_id == 0)
		return -ENOENT;
	h = handle_new(ifname);
	if (h == NULL)
		return -ENOMEM;
	h->prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (h->prog_fd < 0) {
		ret = -errno;
		goto fail;
	}
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (uint64_t)(uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(h->prog_fd, &info, &len) != 0) {
		ret = -errno;
		goto fail;
	}
	if (info.nr_map_ids > sizeof(ids) / sizeof(ids[0])) {
		ret = -EPROTO;
		goto fail;
	}
	ret = adopt_maps(h, ids, info.nr_map_ids);
	if (ret == 0 && pin_dir != NULL)
		ret = hx_pin_to(h, pin_dir);
	if (ret != 0)
		goto fail;
	*hp = h;
	return 0;
fail:
	herald_xdp_close(h);
	return ret;
}

void
herald_xdp_close(struct herald_xdp *h)
{
	unsigned int i;

	if (h == NULL)
		return;
	if (h->skel != NULL) {
		/* The skeleton owns the fds. */
		herald_xdp_bpf__destroy(h->skel);
	} else {
		if (h->prog_fd >= 0)
			close(h->prog_fd);
		for (i = 0; i < HX_MAP__COUNT; i++)
			if (h->fd[i] >= 0)
				close(h->fd[i]);
	}
	free(h);
}

void
herald_xdp_release(struct herald_xdp *h)
{
	if (h == NULL)
		return;
	hx_unpin_handle(h);
	herald_xdp_close(h);
}

static int
prog_id_of(int fd, uint32_t *id)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
		return -errno;
	*id = info.id;
	return 0;
}

int
herald_xdp_status(struct herald_xdp *h, struct herald_xdp_status *st)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int ret;

	memset(st, 0, sizeof(*st));
	ret = prog_id_of(h->prog_fd, &st->prog_id);
	if (ret != 0)
		return ret;
	st->ifindex = (int)if_nametoindex(h->ifname);
	if (st->ifindex == 0)
		return -ENODEV;
	if (bpf_xdp_query(st->ifindex, 0, &q) != 0)
		return -errno;
	if (q.drv_prog_id == st->prog_id) {
		st->attached = true;
		st->mode = HERALD_XDP_MODE_NATIVE;
	} else if (q.skb_prog_id == st->prog_id) {
		st->attached = true;
		st->mode = HERALD_XDP_MODE_SKB;
	} else {
		st->other_id =
			q.drv_prog_id != 0 ? q.drv_prog_id : q.skb_prog_id;
	}
	return 0;
}

int
herald_xdp_attach(struct herald_xdp *h, enum herald_xdp_mode mode,
		  unsigned int flags)
{
	uint32_t xflags;
	int ifindex;

	ifindex = (int)if_nametoindex(h->ifname);
	if (ifindex == 0)
		return -ENODEV;
	xflags = mode == HERALD_XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE
					     : XDP_FLAGS_DRV_MODE;
	if ((flags & HERALD_XDP_ATTACH_REPLACE) == 0)
		xflags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	if (bpf_xdp_attach(ifindex, h->prog_fd, xflags, NULL) != 0)
		return -errno;
	return 0;
}

int
herald_xdp_detach(struct herald_xdp *h)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = h->prog_fd);
	struct herald_xdp_status st;
	int ret;

	ret = herald_xdp_status(h, &st);
	if (ret == 0 && st.attached) {
		uint32_t xflags = st.mode == HERALD_XDP_MODE_SKB
					  ? XDP_FLAGS_SKB_MODE
					  : XDP_FLAGS_DRV_MODE;

		/* old_prog_fd: the kernel detaches only if it is still ours. */
		if (bpf_xdp_detach(st.ifindex, xflags, &opts) != 0)
			ret = -errno;
	} else if (ret == -ENODEV) {
		/* The interface is gone, and its program with it. */
		ret = 0;
	}
	hx_unpin_handle(h);
	return ret;
}

int
herald_xdp_prog_fd(const struct herald_xdp *h)
{
	return h->prog_fd;
}

const char *
herald_xdp_ifname(const struct herald_xdp *h)
{
	return h->ifname;
}

static int
read_cfg(struct herald_xdp *h, struct herald_xdp_cfg *c)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(h->fd[HX_MAP_CONFIG], &zero, c) != 0)
		return -errno;
	return 0;
}

static int
write_cfg(struct herald_xdp *h, const struct herald_xdp_cfg *c)
{
	uint32_t zero = 0;

	if (bpf_map_update_elem(h->fd[HX_MAP_CONFIG], &zero, c, BPF_ANY) != 0)
		return -errno;
	return 0;
}

int
herald_xdp_set_config(struct herald_xdp *h, const struct herald_xdp_config *cfg)
{
	struct herald_xdp_cfg c;
	int ret;

	/* Keep allow_n: the allow-list functions own it. */
	ret = read_cfg(h, &c);
	if (ret != 0)
		return ret;
	c.addr = htonl(cfg->addr);
	c.port = htons(cfg->port);
	c.flags = cfg->allow_any ? HERALD_XDP_F_ALLOW_ANY : 0;
	memcpy(c.mac, cfg->mac, sizeof(c.mac));
	return write_cfg(h, &c);
}

int
herald_xdp_get_config(struct herald_xdp *h, struct herald_xdp_config *cfg)
{
	struct herald_xdp_cfg c;
	int ret;

	ret = read_cfg(h, &c);
	if (ret != 0)
		return ret;
	cfg->addr = ntohl(c.addr);
	cfg->port = ntohs(c.port);
	cfg->allow_any = (c.flags & HERALD_XDP_F_ALLOW_ANY) != 0;
	memcpy(cfg->mac, c.mac, sizeof(cfg->mac));
	return 0;
}

static uint32_t
prefix_mask(unsigned int plen)
{
	return plen == 0 ? 0 : ~(uint32_t)0 << (32 - plen);
}

static int
allow_key(struct herald_xdp_lpm_key *k, uint32_t addr, unsigned int plen)
{
	if (plen > 32)
		return -EINVAL;
	k->prefixlen = plen;
	k->addr = htonl(addr & prefix_mask(plen));
	return 0;
}

int
herald_xdp_allow_list(struct herald_xdp *h,
		      void (*fn)(uint32_t addr, unsigned int plen, void *arg),
		      void *arg)
{
	struct herald_xdp_lpm_key key, next;
	void *prev = NULL;
	int n = 0;

	while (bpf_map_get_next_key(h->fd[HX_MAP_ALLOW], prev, &next) == 0) {
		if (fn != NULL)
			fn(ntohl(next.addr), next.prefixlen, arg);
		n++;
		key = next;
		prev = &key;
	}
	if (errno != ENOENT)
		return -errno;
	return n;
}

/*
 * allow_n is kept for readers of the config (it is the list's size at
 * the last edit); the program does not read it: an empty list means no
 * publisher, only the allow_any flag means any.
 */
static int
sync_allow_count(struct herald_xdp *h)
{
	struct herald_xdp_cfg c;
	int n, ret;

	n = herald_xdp_allow_list(h, NULL, NULL);
	if (n < 0)
		return n;
	ret = read_cfg(h, &c);
	if (ret != 0)
		return ret;
	c.allow_n = (uint32_t)n;
	return write_cfg(h, &c);
}

int
herald_xdp_allow_add(struct herald_xdp *h, uint32_t addr, unsigned int plen)
{
	struct herald_xdp_lpm_key k;
	uint8_t one = 1;
	int ret;

	ret = allow_key(&k, addr, plen);
	if (ret != 0)
		return ret;
	if (bpf_map_update_elem(h->fd[HX_MAP_ALLOW], &k, &one, BPF_ANY) != 0)
		return -errno;
	return sync_allow_count(h);
}

int
herald_xdp_allow_del(struct herald_xdp *h, uint32_t addr, unsigned int plen)
{
	struct herald_xdp_lpm_key k;
	int ret;

	ret = allow_key(&k, addr, plen);
	if (ret != 0)
		return ret;
	if (bpf_map_delete_elem(h->fd[HX_MAP_ALLOW], &k) != 0)
		return -errno;
	return sync_allow_count(h);
}

int
herald_xdp_slot_set(struct herald_xdp *h, unsigned int slot,
		    const struct herald_xdp_target *t)
{
	struct herald_xdp_tgt v;

	if (slot >= HERALD_XDP_NUM_TGTS || t->action > HERALD_XDP_NODE)
		return -EINVAL;
	if (t->action == HERALD_XDP_NODE && t->ip == 0)
		return -EINVAL;
	memset(&v, 0, sizeof(v));
	v.action = t->action;
	v.ip = htonl(t->ip);
	memcpy(v.mac, t->mac, sizeof(v.mac));
	if (bpf_map_update_elem(h->fd[HX_MAP_SLOT_TGT], &slot, &v, BPF_ANY) !=
	    0)
		return -errno;
	return 0;
}

int
herald_xdp_slot_get(struct herald_xdp *h, unsigned int slot,
		    struct herald_xdp_target *t)
{
	struct herald_xdp_tgt v;

	if (slot >= HERALD_XDP_NUM_TGTS)
		return -EINVAL;
	if (bpf_map_lookup_elem(h->fd[HX_MAP_SLOT_TGT], &slot, &v) != 0)
		return -errno;
	t->action = v.action;
	t->ip = ntohl(v.ip);
	memcpy(t->mac, v.mac, sizeof(t->mac));
	return 0;
}

static int
ncpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? n : -EINVAL;
}

int
herald_xdp_read_counters(struct herald_xdp *h, struct herald_xdp_counters *c)
{
	int n = ncpus();
	uint64_t *v;
	uint32_t i;
	int cpu, ret = 0;

	if (n < 0)
		return n;
	v = calloc((size_t)n, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	memset(c, 0, sizeof(*c));
	for (i = 0; i < HERALD_XDP_C__COUNT; i++) {
		if (bpf_map_lookup_elem(h->fd[HX_MAP_COUNTERS], &i, v) != 0) {
			ret = -errno;
			break;
		}
		for (cpu = 0; cpu < n; cpu++)
			c->c[i] += v[cpu];
	}
	free(v);
	return ret;
}

static int
read_slot(struct herald_xdp *h, uint32_t slot, struct herald_xdp_slot_stats *v,
	  int n, struct herald_xdp_slot_stats *st)
{
	int cpu;

	if (bpf_map_lookup_elem(h->fd[HX_MAP_SLOT_STATS], &slot, v) != 0)
		return -errno;
	st->packets = 0;
	st->bytes = 0;
	for (cpu = 0; cpu < n; cpu++) {
		st->packets += v[cpu].packets;
		st->bytes += v[cpu].bytes;
	}
	return 0;
}

static int
read_slot_range(struct herald_xdp *h, uint32_t first, uint32_t count,
		struct herald_xdp_slot_stats *st)
{
	struct herald_xdp_slot_stats *v;
	int n = ncpus();
	uint32_t i;
	int ret = 0;

	if (n < 0)
		return n;
	v = calloc((size_t)n, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (i = 0; i < count && ret == 0; i++)
		ret = read_slot(h, first + i, v, n, &st[i]);
	free(v);
	return ret;
}

int
herald_xdp_read_slot(struct herald_xdp *h, unsigned int slot,
		     struct herald_xdp_slot_stats *st)
{
	if (slot >= HERALD_XDP_NUM_TGTS)
		return -EINVAL;
	return read_slot_range(h, slot, 1, st);
}

int
herald_xdp_read_slots(struct herald_xdp *h, struct herald_xdp_slot_stats *st)
{
	return read_slot_range(h, 0, HERALD_XDP_NUM_TGTS, st);
}

int
herald_xdp_xsk_set(struct herald_xdp *h, unsigned int queue, int xsk_fd)
{
	uint32_t q = queue, fd = (uint32_t)xsk_fd;

	if (queue >= HERALD_XDP_MAX_QUEUES || xsk_fd < 0)
		return -EINVAL;
	if (bpf_map_update_elem(h->fd[HX_MAP_XSKS], &q, &fd, BPF_ANY) != 0)
		return -errno;
	return 0;
}

int
herald_xdp_xsk_del(struct herald_xdp *h, unsigned int queue)
{
	uint32_t q = queue;

	if (bpf_map_delete_elem(h->fd[HX_MAP_XSKS], &q) != 0)
		return -errno;
	return 0;
}
