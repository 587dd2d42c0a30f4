/* SPDX-License-Identifier: BSD-3-Clause
 * Subscription table: channel -> immutable array of subscriber endpoints.
 *
 * Readers (worker lcores) look channels up lock-free inside their RCU
 * online section and walk the returned array without any lock. Only one
 * writer thread (the control thread) changes the table: every change
 * builds a new array for that channel (copy-on-write) and a new bucket
 * of its channel directory, publishes the bucket with a single pointer
 * store, and frees what it replaced only after every reader registered
 * on the table's rte_rcu_qsbr variable has reported a quiescent state.
 * Limits count live channels and members only: nothing waiting for a
 * grace period takes a table slot.
 */
#ifndef HERALD_SUBTAB_H
#define HERALD_SUBTAB_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_rcu_qsbr.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Ethernet + IPv4 (no options) + UDP. */
#define SUBTAB_HDR_LEN 42

/*
 * One subscriber endpoint of one channel: one cache line. The key is
 * (subscriber, ip, port). The header template and partial checksums are
 * built by the application before subtab_add(); the table stores them
 * as given and never interprets them.
 */
struct subtab_member {
	uint32_t subscriber;  /* session id, != 0 */
	uint32_t ip;	      /* host byte order */
	uint16_t udp_port;    /* host byte order */
	uint16_t egress_port; /* ethdev port id the DELIVERs leave on */
	struct rte_ether_addr mac;
	uint16_t flags;	  /* application-defined */
	uint32_t csum_ip; /* application-defined partial sums */
	uint32_t csum_udp;
	uint8_t hdr[SUBTAB_HDR_LEN]; /* application-defined template */
} __rte_cache_aligned;

/* An immutable snapshot of one channel's subscribers. */
struct subtab_channel {
	uint64_t channel;
	uint64_t version; /* the table version that published it */
	uint32_t n_members;
	struct subtab_member members[];
};

struct subtab;

struct subtab_params {
	const char *name;      /* unique (used for the rte_hash) */
	uint32_t max_channels; /* channels with at least one subscriber */
	uint32_t max_members;  /* subscribers per channel */
	int socket_id;
	struct rte_rcu_qsbr *qsv; /* readers report here; not owned */
	/* Retired arrays and buckets that may wait for readers before a
	 * change is refused with -ENOSPC (a reader that stopped reporting);
	 * 0: max(65536, 4 * max_channels). */
	uint32_t max_retired;
};

/* Create an empty table; NULL with rte_errno set on failure. */
struct subtab *subtab_create(const struct subtab_params *p);

/* Free the table and every array (no reader may still be online). */
void subtab_free(struct subtab *t);

/*
 * Reader side, lock-free. The result stays valid until the calling
 * thread's next rte_rcu_qsbr_quiescent(); NULL if nobody subscribes.
 */
const struct subtab_channel *subtab_lookup(const struct subtab *t,
					   uint64_t channel);

/*
 * Table versions. Every change of the table (one channel's membership)
 * gets the next version, a 64-bit count that never wraps in practice.
 * subtab_lookup_version also says which version the answer is as of:
 * every change with a version <= *version is visible to this reader
 * from now on (its later lookups see it or newer), for every channel,
 * so that a reader can tell which changes it has begun to act on.
 * subtab_published is the version of the last published change (acquire:
 * every change up to it is visible).
 */
const struct subtab_channel *subtab_lookup_version(const struct subtab *t,
						   uint64_t channel,
						   uint64_t *version);
uint64_t subtab_published(const struct subtab *t);

/*
 * Writer side (one thread only). subtab_add returns 0 if added, 1 if an
 * existing member with the same key was replaced (new MAC, template...),
 * -ENOSPC if the channel has max_members or the table max_channels,
 * -ENOMEM if no memory. subtab_del returns 0 or -ENOENT. Neither waits
 * for readers: old arrays are reclaimed after a grace period.
 */
int subtab_add(struct subtab *t, uint64_t channel,
	       const struct subtab_member *m);
int subtab_del(struct subtab *t, uint64_t channel, uint32_t subscriber,
	       uint32_t ip, uint16_t udp_port);

/*
 * Replace channel's whole membership with m[0..n) in one change (n = 0
 * empties it): one new array and one grace period however many members
 * change (the control thread coalesces updates this way). 0, -ENOSPC
 * (n > max_members, or a new channel beyond max_channels), -ENOMEM.
 */
int subtab_set(struct subtab *t, uint64_t channel,
	       const struct subtab_member *m, uint32_t n);

/*
 * The same change in two steps, for a writer that must tell readers
 * about a change before they can see it: subtab_stage builds channel's
 * next snapshot and bucket (everything that can fail: -ENOSPC, -ENOMEM,
 * -EINVAL; nothing is published) and gives the version it will have;
 * subtab_commit publishes it and cannot fail; subtab_abort drops it.
 * One change is staged at a time, and no other change may come between
 * a stage and its commit or abort.
 */
int subtab_stage(struct subtab *t, uint64_t channel,
		 const struct subtab_member *m, uint32_t n, uint64_t *version);
void subtab_commit(struct subtab *t);
void subtab_abort(struct subtab *t);

/* Remove an endpoint (ip, port) from every channel; returns how many
 * memberships were removed. */
int subtab_del_endpoint(struct subtab *t, uint32_t ip, uint16_t udp_port);

/* Free arrays whose grace period has passed; never blocks. Returns the
 * number of arrays still waiting. Called periodically by the writer. */
unsigned int subtab_reclaim(struct subtab *t);

/* Block until every retired array is freed (shutdown, tests). */
void subtab_reclaim_all(struct subtab *t);

/* Writer-side walk over channels (snapshot per channel); stops if cb
 * returns non-zero and returns that value. */
typedef int (*subtab_walk_cb)(const struct subtab_channel *c, void *arg);
int subtab_walk(const struct subtab *t, subtab_walk_cb cb, void *arg);

struct subtab_stats {
	uint32_t channels;
	uint64_t members;
	uint64_t adds, dels, replaces, full;
	uint64_t retired, reclaimed; /* arrays */
};
void subtab_get_stats(const struct subtab *t, struct subtab_stats *s);

/*
 * Debug/test hook, writer side: called with every array just before it
 * is freed (after its grace period, or at subtab_free). The array is no
 * longer reachable by readers, so the hook may overwrite it (poisoning).
 * NULL removes the hook.
 */
typedef void (*subtab_free_hook_t)(struct subtab_channel *c, void *arg);
void subtab_set_free_hook(struct subtab *t, subtab_free_hook_t fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* HERALD_SUBTAB_H */
