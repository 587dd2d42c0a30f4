/* SPDX-License-Identifier: BSD-3-Clause
 * Control library of Herald's XDP edge filter (ebpf/herald_xdp.bpf.c).
 *
 * Used by the herald-xdp tool and by Herald's control thread. A handle
 * names one program instance on one interface. It is made either by
 * loading the program (herald_xdp_load, which may pin the maps under a
 * bpffs directory so other processes can reach them) or by opening the
 * pins of an instance another process loaded (herald_xdp_open).
 *
 * All functions return 0 or a negative errno. Addresses and ports in
 * this API are in host byte order. One controller at a time: updates of
 * the config entry are read-modify-write.
 */
#ifndef HERALD_XDP_H
#define HERALD_XDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herald_xdp_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Pins go to HERALD_XDP_PIN_ROOT/<ifname>/ unless told otherwise. */
#define HERALD_XDP_PIN_ROOT "/sys/fs/bpf/herald"

struct herald_xdp;

enum herald_xdp_mode {
	HERALD_XDP_MODE_NATIVE, /* driver mode (veth, most NICs) */
	HERALD_XDP_MODE_SKB,	/* generic mode, any device, slower */
};

/* herald_xdp_attach flags. */
#define HERALD_XDP_ATTACH_REPLACE 0x1 /* replace another XDP program */

/* The config entry, host byte order. */
struct herald_xdp_config {
	uint32_t addr;	/* Herald's IPv4 address; 0 = any destination */
	uint16_t port;	/* Herald's UDP port; 0 = filter off, all passes */
	bool allow_any; /* take PUBLISH from anyone; clear: only from the
			 * allow-list, no one when it is empty */
	uint8_t mac[6]; /* Ethernet source of NODE frames; 0 = frame's dst */
};

/* Where a slot's datagrams go. */
struct herald_xdp_target {
	uint32_t
		action; /* HERALD_XDP_LOCAL, HERALD_XDP_PASS, HERALD_XDP_NODE */
	uint32_t ip;	/* NODE: node IPv4 address */
	uint8_t mac[6]; /* NODE: node (or next hop) MAC */
};

/* Per-CPU counters summed over the CPUs. */
struct herald_xdp_counters {
	uint64_t c[HERALD_XDP_C__COUNT];
};

struct herald_xdp_status {
	bool attached;	   /* our program is the one on the interface */
	uint32_t prog_id;  /* our program's id */
	uint32_t other_id; /* a different program on the interface, or 0 */
	enum herald_xdp_mode mode;
	int ifindex;
};

/* Default pin directory of an interface: HERALD_XDP_PIN_ROOT/<ifname>. */
int herald_xdp_default_pin_dir(char *buf, size_t len, const char *ifname);

/*
 * Load the program. ifname (may be NULL) is the interface a later
 * herald_xdp_attach uses. pin_dir (may be NULL: no pins) is made if
 * missing (and bpffs is mounted on /sys/fs/bpf if that is where it lies
 * and nothing is mounted there); -EEXIST if it already holds an
 * instance. The config starts zeroed: port 0, everything passes.
 */
int herald_xdp_load(struct herald_xdp **hp, const char *ifname,
		    const char *pin_dir);

/* Open the pins of an instance loaded by any process. */
int herald_xdp_open(struct herald_xdp **hp, const char *ifname,
		    const char *pin_dir);

/*
 * Take over the program attached to ifname when someone else loaded it
 * (DPDK's af_xdp PMD given xdp_prog=herald_xdp.bpf.o loads and attaches
 * it itself): find its maps by name through the program's map ids and,
 * if pin_dir is not NULL, pin them there. -ENOENT if no program is
 * attached, -EPROTO if it is not this one.
 */
int herald_xdp_adopt(struct herald_xdp **hp, const char *ifname,
		     const char *pin_dir);

/*
 * Attach to the handle's interface. Without HERALD_XDP_ATTACH_REPLACE,
 * -EBUSY if another XDP program is there.
 */
int herald_xdp_attach(struct herald_xdp *h, enum herald_xdp_mode mode,
		      unsigned int flags);

/*
 * Detach our program from the interface (never someone else's) and
 * remove the pins (as herald_xdp_release does, without releasing the
 * handle). Safe when not attached or when the interface is gone.
 */
int herald_xdp_detach(struct herald_xdp *h);

/*
 * Remove the pins this library makes (the maps and "prog") in dir, and
 * dir itself if that leaves it empty (e.g. stale pins of an instance
 * that is gone). Nothing else: not another file in dir, not a parent.
 */
void herald_xdp_unpin(const char *dir);

/* Release the handle; an attached, pinned instance stays in place. */
void herald_xdp_close(struct herald_xdp *h);

/*
 * Remove the handle's pins, and the directories it made for them once
 * they are empty (never one it found), then release it. The program
 * stays attached: for an adopted program, its loader (the af_xdp PMD)
 * owns the attachment. The undo of a load or adopt with pins.
 */
void herald_xdp_release(struct herald_xdp *h);

int herald_xdp_status(struct herald_xdp *h, struct herald_xdp_status *st);

int herald_xdp_set_config(struct herald_xdp *h,
			  const struct herald_xdp_config *cfg);
int herald_xdp_get_config(struct herald_xdp *h, struct herald_xdp_config *cfg);

/*
 * Publisher allow-list (IPv4 prefixes). It fails closed: with the filter
 * on (port set), only allow_any lets every source publish; an empty list
 * without it lets no one. Host bits of addr are ignored.
 */
int herald_xdp_allow_add(struct herald_xdp *h, uint32_t addr,
			 unsigned int plen);
int herald_xdp_allow_del(struct herald_xdp *h, uint32_t addr,
			 unsigned int plen);
/* Calls fn for each prefix; returns the count or a negative errno. */
int herald_xdp_allow_list(struct herald_xdp *h,
			  void (*fn)(uint32_t addr, unsigned int plen,
				     void *arg),
			  void *arg);

/* slot < HWP_NUM_SLOTS, or HERALD_XDP_CTL_SLOT for control frames. */
int herald_xdp_slot_set(struct herald_xdp *h, unsigned int slot,
			const struct herald_xdp_target *t);
int herald_xdp_slot_get(struct herald_xdp *h, unsigned int slot,
			struct herald_xdp_target *t);

int herald_xdp_read_counters(struct herald_xdp *h,
			     struct herald_xdp_counters *c);
/* One slot's stats, summed over the CPUs. */
int herald_xdp_read_slot(struct herald_xdp *h, unsigned int slot,
			 struct herald_xdp_slot_stats *st);
/* All HERALD_XDP_NUM_TGTS entries at once. */
int herald_xdp_read_slots(struct herald_xdp *h,
			  struct herald_xdp_slot_stats *st);

/* Put an AF_XDP socket at an rx queue (for LOCAL), or remove it. */
int herald_xdp_xsk_set(struct herald_xdp *h, unsigned int queue, int xsk_fd);
int herald_xdp_xsk_del(struct herald_xdp *h, unsigned int queue);

int herald_xdp_prog_fd(const struct herald_xdp *h);
const char *herald_xdp_ifname(const struct herald_xdp *h);

/* Counter names ("bad_magic", ...) and kinds (HERALD_XDP_K_*). */
const char *herald_xdp_counter_name(unsigned int idx);
int herald_xdp_counter_kind(unsigned int idx);
/* Index of a counter name, or -ENOENT. */
int herald_xdp_counter_index(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* HERALD_XDP_H */
