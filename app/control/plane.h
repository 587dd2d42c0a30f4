/* SPDX-License-Identifier: BSD-3-Clause
 * The control plane's state (internal to app/control): every
 * subscription, each subscribed channel's membership as the control
 * thread edits it, the endpoints with their subscriptions (the reverse
 * index), and the batch of changes waiting to be published. Only the
 * control thread touches any of it; workers see the published subtab
 * snapshots and the endpoint table (control/ctlq.h).
 */
#ifndef HERALD_CONTROL_PLANE_H
#define HERALD_CONTROL_PLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#include "control/ctlq.h"
#include "subtab.h"

/* End of a list of positions. */
#define CTL_NIL UINT32_MAX

/* Who made a subscription: an operator's is not subject to liveness. */
enum ctl_origin {
	CTL_NETWORK,
	CTL_OPERATOR,
};

/* One subscription: (channel, subscriber id, endpoint). */
struct ctl_sub {
	uint64_t channel;
	uint32_t subscriber;
	uint32_t ep;		   /* endpoint position */
	uint32_t chan;		   /* channel position */
	uint32_t member;	   /* index in the channel's member array */
	uint32_t ep_prev, ep_next; /* the endpoint's subscriptions */
	uint8_t origin;		   /* enum ctl_origin */
	/* A passive subscription (PROTOCOL.md 6): in no member array (chan
	 * is CTL_NIL); member is its passive id, its owner keeps it. */
	uint8_t passive;
	/* The token this subscription was last made with, verified then:
	 * the same token again (an UNSUBSCRIBE, a refresh) needs no HMAC. */
	uint8_t has_token;
	uint64_t token_expires;
	uint8_t token[HWP_TOKEN_LEN];
};

/* A subscribed channel's membership, edited in place and published as a
 * whole (one snapshot per batch, however many changes it had). */
struct ctl_chan {
	uint64_t channel;
	uint32_t n, cap;
	struct subtab_member *m; /* the members, in subtab's form */
	uint32_t *sub;		 /* each member's subscription position */
	/* The batch: dirty channels are listed; their OK SUBACKs wait for
	 * the version their snapshot gets. */
	bool dirty;
	uint32_t dirty_next;
	uint32_t req_head, req_tail; /* in the batch's request list */
	uint32_t n_before;	     /* members when the batch began */
};

/* An OK SUBACK waiting for its channel's version (batch list). */
struct ctl_pending_req {
	struct herald_ctl_req req;
	uint32_t next;
};

/* What a change asks of the tables (network item or CLI). */
struct ctl_change {
	uint64_t channel;
	uint32_t subscriber;
	uint32_t ip;
	uint16_t port;
	struct rte_ether_addr mac;
	uint64_t now_ns; /* control clock: the endpoint's last-seen */
	enum ctl_origin origin;
	bool passive; /* a PASSIVE SUBSCRIBE */
	/* The subscription's position (CTL_NIL: none) if already looked
	 * up; zeroed (false), the tables look it up. */
	bool sub_known;
	uint32_t sub_pos;
};

/* Result of a change, for the SUBACK and the counters. */
enum ctl_result {
	CTL_ADDED,
	CTL_REFRESHED,
	CTL_PROMOTED, /* passive -> active */
	CTL_DEMOTED,  /* active -> passive */
	CTL_REMOVED,
	CTL_NOT_SUBSCRIBED,
	CTL_LIMIT_SUBSCRIBERS,	 /* per channel */
	CTL_LIMIT_CHANNELS,	 /* subscribed channels */
	CTL_LIMIT_SUBSCRIPTIONS, /* in all */
	CTL_LIMIT_ENDPOINTS,
	CTL_LIMIT_PASSIVE, /* max_passive_subscriptions */
	CTL_NO_MEMORY,
};

/* ---- memory (control/bigmem.c) ---- */
/* Zeroed, touched as it fills, in huge pages where possible (NULL: no
 * address space). */
void *ctl_bigmem_alloc(size_t size);
void ctl_bigmem_free(void *p, size_t size);

/* ---- tables (control/members.c) ---- */
int ctl_tables_init(void);
void ctl_tables_free(void);
/* Add or refresh a subscription (or turn it active or passive, as
 * ch->passive says); *sub_pos gets its position. dry_run: only say what
 * it would do. *passive_id (unless NULL) gets the passive id the owner
 * must add (ADDED or REFRESHED passive, DEMOTED) or drop (PROMOTED). */
enum ctl_result ctl_sub_add(const struct ctl_change *ch, bool dry_run,
			    uint32_t *sub_pos, uint32_t *passive_id);
/* Position of a subscription, or CTL_NIL. */
uint32_t ctl_sub_find(uint64_t channel, uint32_t subscriber, uint32_t ip,
		      uint16_t port);
/* An UNSUBSCRIBE's removal: gone (unless NULL) gets the member as it
 * was; for a passive subscription *chan_pos is its channel's record or
 * CTL_NIL, and *passive_id the id whose removal the caller's request
 * carries (else CTL_NIL). */
enum ctl_result ctl_sub_del(const struct ctl_change *ch, uint32_t *chan_pos,
			    struct subtab_member *gone, uint32_t *passive_id);
/* The member of the subscription at pos, in its channel's array. */
const struct subtab_member *ctl_sub_member(uint32_t pos);
/* Bring the subscriptions n items (at most CTL_PREFETCH_MAX) will look
 * up into the cache, in one pipelined pass. */
#define CTL_PREFETCH_MAX 64
void ctl_sub_prefetch(const struct herald_ctl_item *it, unsigned int n);
/* The subscription at pos holds this very token (constant time). */
bool ctl_sub_token_is(uint32_t pos, uint64_t expires,
		      const uint8_t token[HWP_TOKEN_LEN]);
/* Keep the verified token the subscription at pos was made with. */
void ctl_sub_token_keep(uint32_t pos, uint64_t expires,
			const uint8_t token[HWP_TOKEN_LEN]);
/* Remove one subscription by position (expiry, CLI); a passive one
 * tells its owner, false (nothing done) if there is no room for that. */
bool ctl_sub_remove(uint32_t sub_pos);
/* A passive id whose removal request is in its owner's ring: free. */
void ctl_passive_id_release(uint32_t id);
const struct ctl_sub *ctl_sub_at(uint32_t pos);
struct ctl_chan *ctl_chan_at(uint32_t pos);
/* Position of a channel's record, or CTL_NIL. */
uint32_t ctl_chan_find(uint64_t channel);
/* Live counts. */
uint32_t ctl_n_subs(void); /* active */
uint32_t ctl_n_channels(void);
/* Positions of the channel records (a record with n == 0 is free). */
uint32_t ctl_chan_slots(void);
/* A channel record that the batch published empty goes. */
void ctl_chan_release(uint32_t chan_pos);

/* ---- endpoints (control/endpoints.c) ---- */
int ctl_endpoints_init(void);
void ctl_endpoints_free(void);
/* Position of (ip, port), or CTL_NIL. */
uint32_t ctl_ep_find(uint32_t ip, uint16_t port);
/* Found or created, heard from at now_ns (CTL_NIL: max_endpoints, or
 * no room yet). */
uint32_t ctl_ep_get(uint32_t ip, uint16_t port, uint64_t now_ns);
struct herald_endpoint *ctl_ep_at(uint32_t pos);
/* The endpoint lost its last subscription: it goes. */
void ctl_ep_release(uint32_t pos);
uint32_t ctl_n_endpoints(void);
/* Endpoints silent past the timeout lose their network subscriptions
 * (a slice of the table per call). */
void ctl_ep_sweep(uint64_t now_ns);
/* The whole table at once (a pause point: expiry there is exact). */
void ctl_ep_sweep_all(uint64_t now_ns);

/* ---- the batch (control/batch.c) ---- */
int ctl_batch_init(void);
void ctl_batch_free(void);
/* The channel changed: publish it with the batch. */
void ctl_batch_mark(uint32_t chan_pos);
/* An OK SUBACK for the owner to send once its change is visible (or
 * at once, for a channel not in the batch). false: no room in the
 * owner's ring (the caller must not make the change). */
bool ctl_batch_suback(uint32_t chan_pos, const struct herald_ctl_req *r);
/* A request that only adds (tmpl: the endpoint's headers) or drops
 * (tmpl NULL) a passive subscription at its owner, with no SUBACK (an
 * operator's change, an expiry), behind the channel's pending changes.
 * false: no room (nothing was queued). */
bool ctl_batch_passive_only(uint64_t channel, uint32_t subscriber,
			    uint32_t passive_id, uint8_t op, uint64_t rx_ns,
			    const struct herald_udp_tmpl *tmpl);
/* Requests the batch can still take for every worker. */
unsigned int ctl_batch_room(void);
/* Publish every dirty channel. Returns true when nothing is left. */
bool ctl_batch_publish(void);
bool ctl_batch_empty(void);

/* ---- frames from the network (control/items.c) ---- */
/* Take up to budget items from the workers' rings; returns how many. */
unsigned int ctl_items_poll(unsigned int budget);
/* Every item ring empty. */
bool ctl_items_empty(void);

/* ---- failure SUBACKs (control/replies.c) ---- */
int ctl_replies_init(void);
void ctl_replies_free(void);
/* Answer a failed item with status, within its source's budget. */
void ctl_reply_fail(const struct herald_ctl_item *it, uint8_t status,
		    uint64_t now_ns);
/* Hand what was built to the ports. */
void ctl_replies_flush(void);

/* ---- the control thread's clock (control/control.c) ---- */
/* Newest time the workers saw (capture time with --clock pcap). */
uint64_t ctl_now_ns(void);

#endif /* HERALD_CONTROL_PLANE_H */
