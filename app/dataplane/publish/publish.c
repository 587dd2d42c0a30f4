/* SPDX-License-Identifier: BSD-3-Clause
 * One PUBLISH frame: allow-list, session rules, the message mbuf, and
 * the hand-over to the owner of the channel's slot.
 *
 * Herald never acknowledges a PUBLISH it does not go on to sequence
 * (PROTOCOL.md 6, Bounded state). A frame is judged first (session,
 * pub_seq), then taken (channel admission, message mbuf, steering), and
 * only once taken does it move the session's acked_seq, or open the
 * session it STARTs. What cannot be taken is dropped and counted; the
 * session's PUBACK still says the old acked_seq, so the publisher
 * resends from there (go-back-N).
 *
 * With several workers the receiving worker acknowledges and the owner
 * of the slot sequences. Taking a frame is then decided on the receiving
 * side too: the hand-off ring enqueue either succeeds or the frame is
 * dropped; the owner's channel table is admitted against by count (a
 * relaxed read of the owner's n_channels, exact lookup when at the
 * limit), and the owner's table is sized with room for every message the
 * rings can hold beyond the limit, so a message once handed off is
 * always sequenced. Delivery failures after sequencing (no header mbuf,
 * TX full) are a subscriber's loss, repaired by NACK, not a publisher's.
 */
#include "dataplane/handoff.h"
#include "dataplane/publish/publish.h"
#include "dataplane/sequencer.h"
#include "inet_csum.h"
#include "runtime/clock.h"

static inline bool
allowed(const struct herald_lcore *lc, uint32_t src_ip)
{
	uint32_t hop;

	return lc->conf.allow == NULL ||
	       rte_lpm_lookup(lc->conf.allow, src_ip, &hop) == 0;
}

/* A PUBLISH without START for a session Herald does not know: tell the
 * publisher to resend with START, once per session and datagram. */
static __rte_noinline void
answer_unknown(struct herald_lcore *lc, struct herald_publish_dgram *pd,
	       uint32_t publisher)
{
	const struct herald_rx_info *ri = pd->ri;
	struct herald_udp_tmpl t;
	unsigned int i;

	for (i = 0; i < pd->n_unknown; i++)
		if (pd->unknown[i] == publisher)
			return;
	if (pd->n_unknown < PD_UNKNOWN_MAX)
		pd->unknown[pd->n_unknown++] = publisher;
	herald_puback_tmpl(lc, &t, pd->port, ri->src_mac, ri->src_ip,
			   ri->src_port);
	herald_puback_send(lc, pd->port, &t, publisher, 0,
			   herald_publish_credit(lc));
}

/* The mbuf that will carry one accepted frame's payload: the received
 * mbuf itself for a one-frame datagram, else an indirect mbuf on it. */
static __rte_always_inline struct rte_mbuf *
message_mbuf(struct herald_lcore *lc, struct herald_publish_dgram *pd,
	     const struct hwp_frame *f)
{
	struct rte_mbuf *m = pd->m, *msg = m;
	uint16_t off = (uint16_t)(f->payload - rte_pktmbuf_mtod(m, uint8_t *));
	struct herald_msg_meta *meta;

	if (!pd->whole) {
		msg = rte_pktmbuf_alloc(lc->conf.ind_pool);
		if (unlikely(msg == NULL))
			return NULL;
		rte_pktmbuf_attach(msg, m);
	}
	rte_pktmbuf_adj(msg, off);
	rte_pktmbuf_trim(msg, (uint16_t)(msg->data_len - f->payload_len));
	meta = herald_meta(msg);
	meta->channel = f->u.publish.channel;
	meta->slot = (uint16_t)hwp_slot(meta->channel);
	meta->publisher = f->u.publish.publisher;
	meta->payload_len = f->payload_len;
	meta->timestamp = pd->rx_ns;
	/* One frame: its payload is the UDP payload's tail, already summed. */
	meta->has_payload_sum = pd->whole && pd->ri->has_tail_sum;
	if (meta->has_payload_sum)
		meta->payload_sum = inet_csum_fold64(pd->ri->tail_sum);
	return msg;
}

/* Take an in-order frame: FRAME_publish_accepted once its message is on
 * its way to the sequencer, else why it could not be taken (nothing of
 * it is left behind). */
static __rte_always_inline enum herald_frame_outcome
take(struct herald_lcore *lc, struct herald_publish_dgram *pd,
     const struct hwp_frame *f)
{
	enum herald_frame_outcome o;
	struct rte_mbuf *msg;

	if (unlikely(!herald_seq_admit(lc, f->u.publish.channel)))
		return FRAME_publish_channel_full;
	msg = message_mbuf(lc, pd, f);
	if (unlikely(msg == NULL))
		return FRAME_publish_nombuf;
	if (pd->whole)
		pd->m_taken = true;
	o = herald_dp_steer(lc, msg);
	if (unlikely(o != FRAME_publish_accepted)) {
		if (pd->whole)
			pd->m_taken = false; /* freed with the datagram */
		else
			rte_pktmbuf_free(msg);
	}
	return o;
}

/* START for a session Herald does not know: open it at this pub_seq if
 * the frame is taken, else leave no trace. */
static __rte_noinline enum herald_frame_outcome
start_session(struct herald_lcore *lc, struct herald_publish_dgram *pd,
	      const struct hwp_frame *f, const struct herald_pub_key *key)
{
	const struct herald_rx_info *ri = pd->ri;
	struct herald_pub_session *s;
	enum herald_frame_outcome o;

	o = herald_session_room(lc, key->ip);
	if (o != FRAME_publish_accepted)
		return o;
	/* Open before steering: once steered the message is sequenced, and
	 * its session must exist to acknowledge it. */
	s = herald_session_open(lc, key, pd->port, ri->src_mac,
				f->u.publish.pub_seq - 1);
	if (unlikely(s == NULL))
		return FRAME_publish_session_full;
	o = take(lc, pd, f);
	if (unlikely(o != FRAME_publish_accepted)) {
		herald_session_close(lc, s);
		return o;
	}
	s->last_accepted = f->u.publish.pub_seq;
	/* Before its first PUBACK a publisher has the configured credit
	 * from the pub_seq before its START. */
	s->credit_limit = herald_credit_limit(lc, s->last_accepted - 1,
					      lc->conf.publisher_credit);
	herald_puback_queue(lc, s);
	lc->cnt.c[CNT_sessions_opened]++;
	return o;
}

enum herald_frame_outcome
herald_publish_frame(struct herald_lcore *lc, struct herald_publish_dgram *pd,
		     const struct hwp_frame *f)
{
	const struct herald_rx_info *ri = pd->ri;
	const struct hwp_publish *pub = &f->u.publish;
	struct herald_pub_key key = {
		.publisher = pub->publisher,
		.ip = ri->src_ip,
		.port = ri->src_port,
	};
	struct herald_pub_session *s;
	enum herald_frame_outcome o;

	if (pd->allowed < 0)
		pd->allowed = allowed(lc, ri->src_ip);
	if (!pd->allowed)
		return FRAME_publish_not_allowed;
	s = herald_session_lookup(lc, &key);
	if (s == NULL) {
		if (f->flags & HWP_F_START)
			return start_session(lc, pd, f, &key);
		answer_unknown(lc, pd, pub->publisher);
		return FRAME_publish_unknown_session;
	}
	/* A known session: START has no effect (a START resent after a lost
	 * PUBACK is a duplicate), every frame is answered. */
	herald_session_touch(lc, s);
	herald_session_track_path(lc, s, pd->port, ri->src_mac);
	herald_puback_queue(lc, s);
	/* Benchmark hook only (a looping capture restarts its sessions with
	 * START at every loop): revision 1's re-opening. */
	if (unlikely((f->flags & HWP_F_START) && lc->conf.start_reopens)) {
		s->last_accepted = pub->pub_seq - 1;
		s->credit_limit = herald_credit_limit(
			lc, s->last_accepted, lc->conf.publisher_credit);
		herald_pub_stats_reset(lc, s, &s->key, s->last_accepted);
	}
	if (pub->pub_seq <= s->last_accepted) {
		s->st.duplicates++;
		return FRAME_publish_duplicate;
	}
	/* Past what its last PUBACK allowed (the publisher overran its
	 * credit, whatever came before): not taken, not acknowledged; its
	 * PUBACK this burst says the credit it has now. */
	if (unlikely(pub->pub_seq > s->credit_limit)) {
		s->st.over_credit++;
		return FRAME_publish_over_credit;
	}
	if (pub->pub_seq != s->last_accepted + 1) {
		s->st.ahead++;
		return FRAME_publish_ahead;
	}
	o = take(lc, pd, f);
	if (likely(o == FRAME_publish_accepted))
		s->last_accepted = pub->pub_seq;
	return o;
}
