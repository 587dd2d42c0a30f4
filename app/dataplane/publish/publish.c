/* SPDX-License-Identifier: BSD-3-Clause
 * One PUBLISH frame: allow-list, session rules, the message mbuf, and
 * the hand-over to the owner of the channel's slot.
 */
#include "dataplane/handoff.h"
#include "dataplane/publish/publish.h"
#include "inet_csum.h"
#include "runtime/clock.h"

static inline bool
allowed(const struct herald_lcore *lc, uint32_t src_ip)
{
	uint32_t hop;

	return lc->conf.allow == NULL ||
	       rte_lpm_lookup(lc->conf.allow, src_ip, &hop) == 0;
}

/*
 * Session rules for one frame. Returns FRAME_publish_accepted (and *sess)
 * when the frame is to be sequenced, or the outcome that dropped it.
 */
static enum herald_frame_outcome
apply_session(struct herald_lcore *lc, struct herald_publish_dgram *pd,
	      const struct hwp_frame *f, struct herald_pub_session **sessp)
{
	const struct herald_rx_info *ri = pd->ri;
	const struct hwp_publish *pub = &f->u.publish;
	struct herald_pub_key key = {
		.publisher = pub->publisher,
		.ip = ri->src_ip,
		.port = ri->src_port,
	};
	struct herald_pub_session *s = herald_session_lookup(lc, &key);

	if (f->flags & HWP_F_START) {
		if (s == NULL) {
			s = herald_session_open(lc, &key, pd->port,
						ri->src_mac);
			if (unlikely(s == NULL))
				return FRAME_publish_session_full;
		}
		/* START (re)opens the session at this pub_seq. */
		s->last_accepted = pub->pub_seq - 1;
	} else if (s == NULL) {
		/* Tell the publisher to resend with START, once per
		 * datagram so a batch does not multiply the answers. */
		if (!pd->unknown_acked) {
			struct herald_udp_tmpl t;

			herald_puback_tmpl(lc, &t, pd->port, ri->src_mac,
					   ri->src_ip, ri->src_port);
			herald_puback_send(lc, pd->port, &t, pub->publisher, 0);
		}
		pd->unknown_acked = true;
		return FRAME_publish_unknown_session;
	}
	herald_session_track_path(lc, s, pd->port, ri->src_mac);
	herald_puback_queue(lc, s);
	if (pub->pub_seq <= s->last_accepted)
		return FRAME_publish_duplicate;
	if (pub->pub_seq != s->last_accepted + 1)
		return FRAME_publish_ahead;
	s->last_accepted = pub->pub_seq;
	*sessp = s;
	return FRAME_publish_accepted;
}

/* The mbuf that will carry one accepted frame's payload: the received
 * mbuf itself for a one-frame datagram, else an indirect mbuf on it. */
static struct rte_mbuf *
message_mbuf(struct herald_lcore *lc, struct rte_mbuf *m,
	     const struct hwp_frame *f, bool whole)
{
	struct rte_mbuf *msg = m;
	uint16_t off = (uint16_t)(f->payload - rte_pktmbuf_mtod(m, uint8_t *));
	struct herald_msg_meta *meta;

	if (!whole) {
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
	return msg;
}

enum herald_frame_outcome
herald_publish_frame(struct herald_lcore *lc, struct herald_publish_dgram *pd,
		     const struct hwp_frame *f)
{
	const struct herald_rx_info *ri = pd->ri;
	struct herald_pub_session *sess = NULL;
	struct herald_msg_meta *meta;
	enum herald_frame_outcome o;
	struct rte_mbuf *msg;

	if (pd->allowed < 0)
		pd->allowed = allowed(lc, ri->src_ip);
	if (!pd->allowed)
		return FRAME_publish_not_allowed;
	o = apply_session(lc, pd, f, &sess);
	if (o != FRAME_publish_accepted)
		return o;
	msg = message_mbuf(lc, pd->m, f, pd->whole);
	if (unlikely(msg == NULL)) {
		sess->last_accepted--;
		return FRAME_publish_nombuf;
	}
	meta = herald_meta(msg);
	meta->timestamp = herald_clock_rx_ns(pd->m, lc->now_ns);
	/* One frame: its payload is the UDP payload's tail, already summed. */
	meta->has_payload_sum = pd->whole && ri->has_tail_sum;
	if (meta->has_payload_sum)
		meta->payload_sum = inet_csum_fold64(ri->tail_sum);
	if (pd->whole)
		pd->m_taken = true;
	o = herald_dp_steer(lc, msg);
	if (unlikely(o != FRAME_publish_accepted)) {
		sess->last_accepted--;
		if (pd->whole)
			pd->m_taken = false;
		else
			rte_pktmbuf_free(msg);
	}
	return o;
}
