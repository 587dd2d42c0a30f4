"""Reference model of PROTOCOL.md (revision 2), sections 4 and 6, over a
replay's input, for one worker lcore (-l 0-1) or several.

With N workers, worker q reads RX queue q's capture: publisher sessions,
PUBACKs and bursts are its own, exactly as with one; a message goes to
the worker owning its channel's slot ([lcores] slots = spread), over a
hand-off ring when that is another worker. The order in which an owner
sequences messages arriving from several workers depends on timing, so
the model sequences each channel's messages in capture-time order and the
judge re-numbers them from what herald sent, checking that it is an
order herald could have produced (each worker's messages in its order).
With N workers the model refuses cases whose outcome would depend on
that timing: a full channel table, and forgotten channel state.

Written from the protocol, plus the choices Herald documents where the
protocol leaves them open (docs/DATAPLANE.md):

* bursts: herald receives BURST packets per RX burst, and a pause point
  ends a burst; a session that sent frames in a burst gets one PUBACK
  (its acked_seq) at the end of that burst. A PUBLISH of an unknown
  session without START is answered at once with acked_seq 0, once per
  session and datagram.
* time: with --clock pcap, a message's time is its capture time; the
  clock by which sessions fall silent is the newest capture time seen.
* channel epochs: drawn as
    h = fmix64(channel ^ (E << 32 | E)),  gen = t // channel_timeout
    epoch = (((h ^ (h >> 32)) mod 2^32) + gen) mod (2^32 - 1) + 1
  where E is the instance epoch and t the time of the message that
  creates the state; the state is forgotten when a message arrives for a
  channel without subscriber that had none for the channel timeout, or
  when the table is full and a new channel needs its room.
* expiry walks look at the oldest-linked entries first and re-link an
  entry at most once per eighth of its timeout: the model refuses
  (fail) a case where a walk's outcome would depend on that, an entry
  alive but silent for 7/8 to 8/8 of its timeout at the decision.
* frames that arrive in several segments are made whole; longer than
  max(2048, mtu + 14) bytes they are over_mtu.
"""
import ipaddress

from case_input import fail
from hwp_pcap import (F_START, T_HEARTBEAT, T_NACK, T_PUBLISH, T_SUBSCRIBE,
                      T_UNSUBSCRIBE, fmix64, parse_udp4, publish_fields,
                      split_frames)
from heartbeats import IDLE_NS, Heartbeats
from pulses import Pulses
from repairs import Repairs
from subscribers import Control

BURST = 32
RX_BUF = 2048  # one RX buffer's data room (frames up to it fit whole)
PAYLOAD_REFS_MAX = 16384  # replicas per payload buffer (docs/DATAPLANE.md)
UNKNOWN_DEDUP = 8  # distinct unknown sessions answered once per datagram
WALK_BUDGET = 16  # channel states the expiry walk forgets per step


def channel_epoch(instance, channel, t_ns, timeout_ns):
    h = fmix64(channel ^ ((instance << 32) | instance))
    gen = t_ns // timeout_ns
    return (((h ^ (h >> 32)) & 0xFFFFFFFF) + gen) % 0xFFFFFFFF + 1


def source_reason(d, my_ip):
    """PROTOCOL.md section 4: sources that could not be answered, in wire
    order, or None."""
    if int(d["src_mac"][:2], 16) & 1:
        return "nonhwp.source_mac_group"
    first = d["src_ip"] >> 24
    if first in (0, 127) or first >= 224:
        return "nonhwp.source_ip_not_unicast"
    if d["src_ip"] == my_ip:
        return "nonhwp.source_ip_own"
    if d["src_port"] == 0:
        return "nonhwp.source_port_zero"
    return None


def owner(channel, n_workers):
    """The worker owning channel's slot with slots spread."""
    return (fmix64(channel) % 4096) * n_workers // 4096


class Model:
    """Herald's observable behaviour over the input."""

    def __init__(self, cfg, changes):
        self.cfg = cfg
        self.n_workers = cfg.get("workers", 1)
        self.pending = []  # N workers: messages to sequence after the run
        self.changes = changes
        self.subs = {}  # channel -> [(sub, ip, port, mac)] insertion order
        self.sessions = {}  # (publisher, ip, port) -> {"last", "seen"}
        self.chans = {}  # channel -> {"seq", "last_msg", "epoch"}
        self.epochs = {}  # channel -> epoch of each state created, in order
        self.clock = 0
        self.messages = {}  # (channel, epoch, seq) -> message dict
        self.recipients = {}  # (channel, epoch, seq) -> [(ip, port, mac)]
        self.acks = {}  # session -> [acked_seq, ...]
        self.opened = {}  # session -> times a START opened it
        self.cnt = {}
        self.seq_at = {}  # packet index -> {channel: last seq} snapshot
        self.members_at = {}  # (index, changes applied) -> {channel: n}
        self.sub_ids = {}  # (channel, subscriber) -> set of endpoints
        self.refused = set()  # sessions a START could not open
        self.stalled = set()  # sessions with an in-order frame dropped
        self.control = Control(cfg, self)  # subscriptions (subscribers.py)
        self.repairs = Repairs(cfg, self)  # history, NACKs (repairs.py)
        self.hb = Heartbeats(self)  # channel heartbeats (heartbeats.py)
        self.pulses = Pulses(self)  # passive subscriptions (pulses.py)
        # OK SUBACKs herald sent: (channel, subscriber, ip, port) ->
        # [(next_seq, epoch)], output order (set by the judge).
        self.ok_out = {}

    # ------------------------------------------------------------ views

    def per_endpoint(self):
        """{(channel, ip, port): [seq, ...]} the model delivers, in the
        order herald sends them (one entry per subscription)."""
        out = {}
        for key in self.order:
            for ip, port, _mac in self.recipients[key]:
                out.setdefault((key[0], ip, port), []).append(key[2])
        return out

    def owner_of(self, channel):
        return owner(channel, self.n_workers)

    def renumber(self, actual):
        """Take herald's seqs {model key: (epoch, seq)}; messages nobody
        received keep what is left, in the model's order. Each worker's
        messages of a channel must keep that worker's order."""
        by_channel = {}
        for key in self.order:
            by_channel.setdefault(key[0], []).append(key)
        new_order, messages, recipients = [], {}, {}
        for ch, keys in by_channel.items():
            used = {actual[k] for k in keys if k in actual}
            epochs = {e for e, _s in used} | {k[1] for k in keys}
            if len(epochs) != 1:
                fail(f"channel {ch}: epochs {sorted(epochs)} with several "
                     "workers (one expected)")
            free = iter(sorted({(keys[0][1], n)
                                for n in range(1, len(keys) + 1)} - used))
            pairs = []
            for k in keys:
                e, n = actual[k] if k in actual else next(free, (0, 0))
                if not 1 <= n <= len(keys):
                    fail(f"channel {ch}: seq {n} of {len(keys)} messages")
                pairs.append(((ch, e, n), k))
            last = {}
            for new, k in sorted(pairs):
                q = self.messages[k]["queue"]
                if k in actual and self.messages[k]["index"] < last.get(q, -1):
                    fail(f"channel {ch}: seq {new[2]} is an earlier "
                         f"packet of worker {q} than the seq before it")
                if k in actual:
                    last[q] = self.messages[k]["index"]
                messages[new] = self.messages[k]
                recipients[new] = self.recipients[k]
                new_order.append(new)
        self.messages, self.recipients, self.order = (messages, recipients,
                                                      new_order)

    def count(self, key, n=1):
        self.cnt[key] = self.cnt.get(key, 0) + n

    def snapshot_members(self, idx, k):
        self.members_at[(idx, k)] = {c: len(m) for c, m in self.subs.items()}

    def apply_changes(self, idx):
        """The command file's changes at a pause point (herald publishes
        them as the workers go on): a member that leaves is replaced by
        the last one."""
        self.snapshot_members(idx, 0)
        for k, (op, channel, ep, mac) in enumerate(self.changes.get(idx,
                                                                   [])):
            self.control.operator(op, channel, ep, mac)
            if op in ("add", "add_passive"):
                self.sub_ids.setdefault((channel, ep[0]), set()).add(
                    ep[1:])
            self.snapshot_members(idx, k + 1)

    def allowed(self, ip):
        nets = self.cfg["allow"]
        return nets is None or any(ipaddress.IPv4Address(ip) in n
                                   for n in nets)

    # ---------------------------------------------------- bounded state

    def silent(self, last, timeout):
        return self.clock - last > timeout and self.clock > last

    def check_blind_zone(self, lasts, timeout, what):
        """A walk decision the model can call: no entry alive but silent
        for between 7/8 and all of its timeout."""
        for last in lasts:
            age = self.clock - last
            if timeout * 7 // 8 <= age <= timeout:
                fail(f"model: a {what} expiry walk at {self.clock} ns meets "
                     f"an entry silent {age} ns of {timeout}: the case "
                     "depends on the walk's coarse order, move its times")

    def forget_session(self, key):
        """A session owed a PUBACK in this burst gets it as it goes."""
        if key in self.touched:
            del self.touched[key]
            self.acks.setdefault(key, []).append(self.sessions[key]["last"])
            self.count("counters.pubacks")
        del self.sessions[key]

    def walk_sessions(self):
        timeout = self.cfg["session_timeout_ns"]
        self.check_blind_zone([s["seen"] for s in self.sessions.values()],
                              timeout, "session")
        for key in [k for k, s in self.sessions.items()
                    if self.silent(s["seen"], timeout)]:
            self.forget_session(key)

    def session_room(self, ip):
        def per_source():
            return sum(1 for k in self.sessions if k[1] == ip)
        if len(self.sessions) >= self.cfg["max_sessions"]:
            self.walk_sessions()
        if len(self.sessions) >= self.cfg["max_sessions"]:
            return "publish_session_full"
        if per_source() >= self.cfg["max_per_source"]:
            self.walk_sessions()
            if per_source() >= self.cfg["max_per_source"]:
                return "publish_source_limit"
        return None

    def lookup_session(self, key):
        s = self.sessions.get(key)
        if s is not None and self.silent(s["seen"],
                                         self.cfg["session_timeout_ns"]):
            self.forget_session(key)
            return None
        return s

    def walk_channels(self):
        timeout = self.cfg["channel_timeout_ns"]
        idle = [c for c, st in self.chans.items()
                if not self.subs.get(c) and not self.pulses.has(c)
                and self.silent(st["last_msg"], timeout)]
        self.check_blind_zone([st["last_msg"] for c, st in self.chans.items()
                               if not self.subs.get(c)
                               and not self.pulses.has(c)], timeout,
                              "channel")
        if len(idle) > WALK_BUDGET:
            fail("model: a channel expiry walk would forget "
                 f"{len(idle)} channels, more than one step does")
        for c in idle:
            del self.chans[c]
            self.repairs.flush(c)
            self.hb.reset(c)
            self.pulses.reset(c)
            self.count("counters.channels_expired")

    def admit(self, channel):
        if len(self.chans) < self.cfg["max_channels"]:
            return True
        self.walk_channels()
        return (channel in self.chans
                or len(self.chans) < self.cfg["max_channels"])

    # ------------------------------------------------------- sequencing

    def draw_epoch(self, channel, t_ns):
        return channel_epoch(self.cfg["epoch"], channel, t_ns,
                             self.cfg["channel_timeout_ns"])

    def new_state(self, channel, t_ns, expired=False):
        """A channel's sequence state created at t_ns (a message, or an
        OK SUBACK: subscribers.py); expired: it replaces a forgotten
        one."""
        self.repairs.flush(channel)
        self.hb.reset(channel)
        self.pulses.reset(channel)
        st = {"seq": 0, "epoch": self.draw_epoch(channel, t_ns),
              "last_msg": t_ns}
        self.chans[channel] = st
        self.epochs.setdefault(channel, []).append(st["epoch"])
        self.count("counters.channels_created")
        if expired:
            self.count("counters.channels_expired")
        return st

    def sequence(self, channel, publisher, pub_seq, payload, ts_ns, whole):
        if self.n_workers == 1:
            self.control.due(channel)
            self.control.message(channel, ts_ns)
        members = self.subs.get(channel, [])
        st = self.chans.get(channel)
        timeout = self.cfg["channel_timeout_ns"]
        if st is None or (not members and not self.pulses.has(channel)
                          and ts_ns - st["last_msg"] > timeout
                          and ts_ns > st["last_msg"]):
            st = self.new_state(channel, ts_ns, expired=st is not None)
        st["last_msg"] = ts_ns
        st["seq"] += 1
        key = (channel, st["epoch"], st["seq"])
        self.count("counters.messages_sequenced")
        self.messages[key] = {"publisher": publisher, "pub_seq": pub_seq,
                              "payload": payload, "ts_ns": ts_ns}
        self.recipients[key] = [m[1:] for m in members]
        self.order.append(key)
        self.repairs.keep(channel, st["seq"], len(payload))
        self.hb.message(channel, ts_ns)
        self.pulses.message(channel)
        if not members:
            self.count("counters.messages_no_subscriber")
        self.count("counters.deliveries", len(members))
        # The only subscriber of a one-frame datagram's message gets the
        # received mbuf itself, headers rewritten in front of the payload.
        if whole and len(members) == 1:
            self.count("counters.deliveries_in_place")
        if payload and len(members) > PAYLOAD_REFS_MAX:
            self.count("counters.payload_copies",
                       (len(members) - 1) // PAYLOAD_REFS_MAX)

    def take(self, fields, ts_ns, whole):
        channel, publisher, pub_seq, payload = fields
        if self.n_workers > 1:
            self.pending.append((ts_ns, self.queue, self.idx, fields, whole,
                                 list(self.subs.get(channel, []))))
            if owner(channel, self.n_workers) != self.queue:
                self.count("counters.handoffs_out")
                self.count("counters.handoffs_in")
            return "publish_accepted"
        if not self.admit(channel):
            return "publish_channel_full"
        self.sequence(channel, publisher, pub_seq, payload, ts_ns, whole)
        return "publish_accepted"

    def sequence_pending(self):
        """N workers: each channel's messages in capture-time order (the
        judge re-numbers them from the output)."""
        timeout = self.cfg["channel_timeout_ns"]
        last = {}
        for ts, q, idx, fields, whole, members in sorted(
                self.pending, key=lambda m: (m[0], m[1], m[2])):
            channel = fields[0]
            if channel in last and ts - last[channel] > timeout:
                fail("model: with several workers a channel idle past its "
                     "timeout would depend on timing")
            last[channel] = ts
            self.subs = {channel: members}
            self.sequence(*fields, ts, whole)
            self.messages[self.order[-1]].update(queue=q, index=idx)
        end = max(m[0] for m in self.pending) if self.pending else 0
        times = {}
        for ts, _q, _i, fields, _w, _m in self.pending:
            times.setdefault(fields[0], []).append(ts)
        for ch, ts in times.items():
            ts.sort()
            if any(b - a >= IDLE_NS for a, b in zip(ts, ts[1:] + [end])):
                fail("model: with several workers a channel heartbeat "
                     "would depend on each worker's clock")
        if len(last) > self.cfg["max_channels"]:
            fail("model: with several workers a full channel table would "
                 "depend on timing")

    # ------------------------------------------------------- publishers

    def unknown(self, key, state):
        """PUBACK 0: resend with START, once per session and datagram
        (past UNKNOWN_DEDUP distinct sessions, per frame)."""
        if key[0] in state["unknown"]:
            return
        if len(state["unknown"]) < UNKNOWN_DEDUP:
            state["unknown"].append(key[0])
        self.acks.setdefault(key, []).append(0)
        self.count("counters.pubacks")

    def publish(self, d, frame, ts_ns, touched, state):
        fields = publish_fields(frame[2])
        pub_seq = fields[2]
        key = (fields[1], d["src_ip"], d["src_port"])
        if state["allowed"] is None:
            state["allowed"] = self.allowed(d["src_ip"])
        if not state["allowed"]:
            return "publish_not_allowed"
        s = self.lookup_session(key)
        if s is None:
            if not frame[1] & F_START:
                self.unknown(key, state)
                return "publish_unknown_session"
            refusal = self.session_room(d["src_ip"])
            if refusal is not None:
                self.refused.add(key)
                return refusal
            outcome = self.take(fields, ts_ns, state["whole"])
            if outcome != "publish_accepted":
                self.refused.add(key)
                return outcome
            # Before its first PUBACK: the configured credit from the
            # pub_seq before its START.
            self.sessions[key] = {"last": pub_seq, "seen": self.clock,
                                  "limit": self.credit_limit(pub_seq - 1)}
            self.opened[key] = self.opened.get(key, 0) + 1
            self.count("counters.sessions_opened")
            touched.setdefault(key, True)
            return outcome
        # A known session: START has no effect, every frame is answered.
        s["seen"] = self.clock
        touched.setdefault(key, True)
        if pub_seq <= s["last"]:
            return "publish_duplicate"
        if pub_seq > s["limit"]:
            return "publish_over_credit"
        if pub_seq != s["last"] + 1:
            return "publish_ahead"
        outcome = self.take(fields, ts_ns, state["whole"])
        if outcome == "publish_accepted":
            s["last"] = pub_seq
        else:
            self.stalled.add(key)
        return outcome

    def datagram(self, d, frames, ts_ns, touched):
        self.count("counters.rx_datagrams_valid")
        self.count("counters.rx_frames", len(frames))
        state = {"allowed": None, "unknown": [], "whole": len(frames) == 1}
        for fr in frames:
            if fr[0] == T_PUBLISH:
                outcome = self.publish(d, fr, ts_ns, touched, state)
            elif fr[0] in (T_SUBSCRIBE, T_UNSUBSCRIBE):
                self.control.item(self.idx, ts_ns, d, fr[0], fr[1], fr[2])
                outcome = "subscribe_queued"
            elif fr[0] == T_HEARTBEAT:
                outcome = self.control.heartbeat(self.idx, ts_ns, d, fr[2])
            elif fr[0] == T_NACK:
                outcome = self.control.nack(self.idx, ts_ns, d, fr[2])
            else:
                fail(f"model: input frame type {fr[0]} is not to Herald")
            self.count("frames." + outcome)

    def poll_heartbeats(self):
        """End of a burst: channel heartbeats due by the clock (one
        worker: with several, sequence_pending checks none is due)."""
        if self.n_workers == 1:
            self.hb.poll(self.clock)
            self.pulses.poll(self.clock)

    def credit_limit(self, acked):
        """The last pub_seq a PUBACK acking acked allows: the pools of a
        replay never run low, so its credit is the configured one (0:
        nothing enforced)."""
        credit = self.cfg["credit"]
        return acked + credit if credit else float("inf")

    def flush_acks(self, touched):
        for key in touched:
            if key in self.sessions:
                s = self.sessions[key]
                self.acks.setdefault(key, []).append(s["last"])
                s["limit"] = self.credit_limit(s["last"])
                self.count("counters.pubacks")
        touched.clear()

    # ------------------------------------------------------------- run

    def classify(self, idx, pkt, malformed):
        """The non-HWP or invalid reason of an input packet, or None with
        its parsed headers and frames."""
        if len(pkt) > max(RX_BUF, self.cfg["mtu"] + 14):
            return "nonhwp.over_mtu", None, None
        if idx in malformed:
            return malformed[idx], None, None
        d = parse_udp4(pkt)
        frames = split_frames(d["payload"]) if d else None
        if d is None or frames is None:
            fail(f"input packet {idx} is neither in a malformed "
                 "manifest nor a valid HWP datagram")
        if d["dst_ip"] != self.cfg["address"]:
            return "nonhwp.other_address", None, None
        if d["dst_port"] != self.cfg["udp_port"]:
            return "nonhwp.other_port", None, None
        reason = source_reason(d, self.cfg["address"])
        if reason is not None:
            return reason, None, None
        return None, d, frames

    def run(self, queues, malformed, pauses):
        """queues: [[(ts_ns, bytes)] per RX queue]; malformed: [{index:
        herald key}] per queue. One worker per queue."""
        if len(queues) != self.n_workers:
            fail(f"model: {len(queues)} captures for {self.n_workers} "
                 "workers")
        self.order = []
        self.seq_at = {}
        seen_sessions = set()
        for q, inputs in enumerate(queues):
            self.queue = q
            self.sessions, self.clock, self.subs = {}, 0, {}
            # Every worker sees the command file's changes; they are
            # counted once.
            self.control = Control(self.cfg, self, counting=q == 0)
            self.run_worker(inputs, malformed[q], pauses)
            if seen_sessions & set(self.sessions):
                fail("model: one session in two workers' captures")
            seen_sessions |= set(self.sessions)
        if self.n_workers > 1:
            self.sequence_pending()
            self.seq_at = {}
        tx = sum(self.cnt.get("counters." + k, 0) for k in (
            "deliveries", "pubacks", "subacks", "keepalives", "control_sent",
            "retransmits", "gaps", "heartbeats", "pulses"))
        self.cnt["counters.tx_packets"] = tx

    def run_worker(self, inputs, malformed, pauses):
        stops = set(pauses)
        touched, burst = {}, 0
        self.touched = touched
        for idx, (ts_ns, pkt) in enumerate(inputs):
            self.idx = idx
            if idx in stops or burst == BURST:
                self.flush_acks(touched)
                self.poll_heartbeats()
                burst = 0
            if idx in stops:
                self.control.pause_point(self.clock)
            self.seq_at[idx] = {c: st["seq"] for c, st in self.chans.items()}
            self.apply_changes(idx)
            burst += 1
            self.count("counters.rx_packets")
            reason, d, frames = self.classify(idx, pkt, malformed)
            if reason is not None:
                self.count(reason)
                continue
            self.clock = max(self.clock, ts_ns)
            self.datagram(d, frames, ts_ns, touched)
        self.flush_acks(touched)
        self.poll_heartbeats()
        # Herald drains at the end of the capture like at a pause point.
        self.control.pause_point(self.clock)
        self.seq_at[len(inputs)] = {c: st["seq"]
                                    for c, st in self.chans.items()}
        self.apply_changes(len(inputs))
