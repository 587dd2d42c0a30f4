/* SPDX-License-Identifier: BSD-3-Clause
 * Herald XDP: the parsing cursor and raw packet loads.
 *
 * The cursor walks the linear part of the packet header by header; every
 * pull checks the header's bytes against data_end before handing out a
 * pointer, which is both what the verifier demands and what keeps a
 * header cut short from being read past the packet. Loads are raw
 * (network order): the program compares against constants swapped at
 * compile time instead of swapping every field it reads.
 */
#ifndef HX_CURSOR_H
#define HX_CURSOR_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#define hx_likely(x)   __builtin_expect(!!(x), 1)
#define hx_unlikely(x) __builtin_expect(!!(x), 0)

/* Position of the next header in the linear part of the packet. */
struct hx_cursor {
	void *pos;
};

/*
 * The len bytes at the cursor, the cursor moved past them; NULL (cursor
 * unmoved) when fewer than len bytes are left before data_end. len may
 * vary (IPv4 options) as long as the verifier can bound it.
 */
static __always_inline void *
hx_pull(struct hx_cursor *c, void *data_end, __u32 len)
{
	void *p = c->pos;

	if (p + len > data_end)
		return NULL;
	c->pos = p + len;
	return p;
}

/* hx_pull of a whole header type: its pointer or NULL. */
#define hx_pull_hdr(c, data_end, type)                                         \
	((type *)hx_pull((c), (data_end), sizeof(type)))

/*
 * Unaligned loads and stores, valid on packet and stack memory alike
 * (the kernel runs XDP with unaligned packet access allowed on the
 * architectures Herald targets). The caller has checked the bounds.
 */
static __always_inline __u16
load_raw16(const __u8 *p)
{
	return *(const __u16 *)p;
}

static __always_inline __u32
load_raw32(const __u8 *p)
{
	return *(const __u32 *)p;
}

static __always_inline __u64
load_raw64(const __u8 *p)
{
	return *(const __u64 *)p;
}

static __always_inline void
store_raw16(__u8 *p, __u16 v)
{
	*(__u16 *)p = v;
}

static __always_inline void
store_raw32(__u8 *p, __u32 v)
{
	*(__u32 *)p = v;
}

/* Copies a 6-byte Ethernet address (two stores, not six). */
static __always_inline void
copy_mac(__u8 *dst, const __u8 *src)
{
	store_raw32(dst, load_raw32(src));
	store_raw16(dst + 4, load_raw16(src + 4));
}

#endif /* HX_CURSOR_H */
