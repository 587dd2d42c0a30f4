/* SPDX-License-Identifier: BSD-3-Clause
 * Inside lib/xdp: the handle and what herald_xdp.c (load, maps, config)
 * and herald_xdp_pin.c (pin directories) share. Not installed.
 */
#ifndef HERALD_XDP_PRIV_H
#define HERALD_XDP_PRIV_H

#include <limits.h>
#include <net/if.h>

#include "herald_xdp.h"

/* The maps the library uses, in the order of hx_map_names. */
enum hx_map {
	HX_MAP_XSKS,
	HX_MAP_CONFIG,
	HX_MAP_ALLOW,
	HX_MAP_SLOT_TGT,
	HX_MAP_SLOT_STATS,
	HX_MAP_COUNTERS,
	HX_MAP__COUNT
};

extern const char *const hx_map_names[HX_MAP__COUNT];

struct herald_xdp {
	struct herald_xdp_bpf *skel; /* NULL when opened from pins */
	int prog_fd;
	int fd[HX_MAP__COUNT];
	char ifname[IF_NAMESIZE];
	char pin_dir[PATH_MAX]; /* empty: not pinned */
	/*
	 * The shallowest directory on the way to pin_dir that this handle
	 * made (empty: it made none). Unpinning removes the directories it
	 * made, once empty, and never one it found.
	 */
	char made_dir[PATH_MAX];
};

/* "dir/name" into buf; 0 or -ENAMETOOLONG. */
int hx_pin_path(char *buf, size_t len, const char *dir, const char *name);

/*
 * Pin the instance under dir (made, bpffs mounted if needed) and
 * remember where, so that detach and release remove the pins. On
 * failure nothing of it is left.
 */
int hx_pin_to(struct herald_xdp *h, const char *dir);

/* Remove the handle's pins and the directories it made (if empty). */
void hx_unpin_handle(struct herald_xdp *h);

#endif /* HERALD_XDP_PRIV_H */
