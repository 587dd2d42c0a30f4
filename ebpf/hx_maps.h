/* SPDX-License-Identifier: BSD-3-Clause
 * Herald XDP: the program's maps (layouts and names in
 * lib/xdp/herald_xdp_abi.h) and how a packet is counted.
 *
 * Included by the program's one compilation unit only: each map is
 * defined here once.
 */
#ifndef HX_MAPS_H
#define HX_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "herald_xdp_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, HERALD_XDP_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct herald_xdp_cfg);
} hx_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HERALD_XDP_MAX_ALLOW);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct herald_xdp_lpm_key);
	__type(value, __u8);
} hx_allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HERALD_XDP_NUM_TGTS);
	__type(key, __u32);
	__type(value, struct herald_xdp_tgt);
} hx_slot_tgt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HERALD_XDP_NUM_TGTS);
	__type(key, __u32);
	__type(value, struct herald_xdp_slot_stats);
} hx_slot_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HERALD_XDP_C__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} hx_counters SEC(".maps");

/* Check result meaning "no fault"; counter 0 is never a fault. */
#define HX_OK HERALD_XDP_C_PASSED_OTHER

/*
 * Records which counter a packet goes to; returns its verdict. The
 * counter itself is bumped once, at the program's exit, so every path
 * costs one counter lookup.
 */
static __always_inline int
verdict(__u32 *cnt, __u32 idx, int action)
{
	*cnt = idx;
	return action;
}

#endif /* HX_MAPS_H */
