"""Reference model of the control plane over a replay's input (PROTOCOL.md
sections 5 and 6, revision 2; docs/CONTROL.md), for one worker lcore.

Written from the protocol, plus what Herald documents where it leaves a
choice (docs/CONTROL.md):

* checks in order: token (HMAC-SHA256, computed here with the case's
  key), expiry (expires <= capture time in seconds), then the tables:
  NOT_SUBSCRIBED, LIMIT (per channel, subscribed channels, subscriptions
  in all, endpoints, in that order; a PASSIVE one: passive subscriptions,
  endpoints);
* a PASSIVE SUBSCRIBE makes a passive subscription (or turns an active
  one passive), a SUBSCRIBE without PASSIVE turns a passive one active:
  its owner adds or drops it for pulses (pulses.py) as the SUBACK
  leaves;
* a failure SUBACK echoes channel and subscriber, next_seq 0, epoch 0,
  and is sent only within the source address's token bucket
  (fail_replies_per_s, fail_reply_burst; the clock is the frame's
  capture time);
* members of a channel in order of arrival; one that leaves is replaced
  by the last one;
* an OK SUBACK's state: a channel with no sequence state gets it at the
  SUBSCRIBE's time (epoch drawn for that time); one idle for the channel
  timeout that had no subscriber is drawn anew; next_seq is its next seq;
* keep-alives of an endpoint with a subscription are answered, and they,
  channel HEARTBEATs and NACKs of such an endpoint keep it alive; one
  silent for endpoint_timeout_ms loses its network subscriptions.

When a change takes effect depends on the control thread's timing; the
output says when (the OK SUBACK's next_seq), and the model checks that it
is a moment herald could have chosen: after the frame was received,
before the next pause point (where herald applies everything pending and
sweeps liveness at the newest capture time), between two messages of
the channel. Inputs whose outcome would depend on that timing otherwise
(a keep-alive racing its endpoint's first SUBSCRIBE, a message racing an
expiry, frames of known and new endpoints competing for a limit) are
refused: the case must put a pause point between them.
"""
import hashlib
import hmac
import struct

from case_input import fail
from hwp_pcap import F_PASSIVE, T_SUBSCRIBE

OK, BAD_TOKEN, EXPIRED, LIMIT, NOT_SUBSCRIBED, UNAVAILABLE = range(6)
STATUS_COUNTER = {BAD_TOKEN: "bad_token", EXPIRED: "expired",
                  NOT_SUBSCRIBED: "not_subscribed"}
SUBSCRIBE_LEN, SUBACK_LEN = 72, 40


def token(key, channel, subscriber, expires, ip, port):
    """PROTOCOL.md section 5."""
    msg = (b"HWP1-SUB" + struct.pack("!QIQ", channel, subscriber, expires)
           + b"\0" * 10 + b"\xff\xff" + struct.pack("!IH", ip, port))
    return hmac.new(key, msg, hashlib.sha256).digest()


def subscribe_fields(frame):
    channel, subscriber, _r, from_seq, expires = struct.unpack(
        "!QIIQQ", frame[8:40])
    return channel, subscriber, from_seq, expires, frame[40:72]


class Control:
    """The control thread's tables and answers, as the model sees them."""

    def __init__(self, cfg, model, counting=True):
        self.cfg, self.m, self.counting = cfg, model, counting
        self.subs = {}  # (channel, sub, ip, port) -> "net" | "op"
        self.passive = set()  # the keys of subs that are passive
        # The verified (expires, token) a subscription was last made or
        # refreshed with from the network: the same again needs no HMAC
        # (docs/CONTROL.md), counted token_known.
        self.tokens = {}
        self.master = {}  # channel -> [(sub, ip, port, mac)]
        self.eps = {}  # (ip, port) -> {"seen", "mac", "n", "net"}
        self.tat = {}  # source ip -> GCRA theoretical arrival time
        self.pending = {}  # channel -> [change], in processing order
        self.fails = []  # expected failure SUBACKs
        self.keepalives = []  # expected keep-alive answers
        self.subacks = []  # expected OK SUBACKs (as checked)
        self.window = {"flipped": set(), "classes": set(), "limit": False,
                       "chan_class": {}}

    # ------------------------------------------------------------ util

    def count(self, name, n=1):
        if self.counting:
            self.m.count("control." + name, n)

    def live(self, ep):
        return ep in self.eps

    def mac_for(self, mac):
        return self.cfg["next_hop_mac"] or mac

    def ambiguous(self, what):
        fail(f"model: {what} depends on the control thread's timing; put "
             "a pause point between them")

    # ------------------------------------------------------- the tables

    def limit_of(self, channel, ep):
        members = len(self.master.get(channel, []))
        c = self.cfg
        if members >= c["max_subscribers"]:
            return "limit_subscribers"
        if members == 0 and sum(1 for v in self.master.values()
                                if v) >= c["max_subscribed_channels"]:
            return "limit_channels"
        if len(self.subs) - len(self.passive) >= c["max_subscriptions"]:
            return "limit_subscriptions"
        if ep not in self.eps and len(self.eps) >= c["max_endpoints"]:
            return "limit_endpoints"
        return None

    def passive_limit_of(self, ep):
        if len(self.passive) >= self.cfg["max_passive"]:
            return "limit_passive"
        if ep not in self.eps and len(self.eps) >= self.cfg["max_endpoints"]:
            return "limit_endpoints"
        return None

    def new_endpoint(self, ep, mac, now):
        if ep not in self.eps:
            self.eps[ep] = {"seen": now, "mac": mac, "n": 0, "net": 0}
            self.window["flipped"].add(ep)

    def link(self, channel, sub, ep, mac, now, origin):
        """A new subscription's record and its endpoint's."""
        key = (channel, sub) + ep
        self.new_endpoint(ep, mac, now)
        e = self.eps[ep]
        e["n"] += 1
        e["net"] += origin == "net"
        e["mac"] = mac
        self.subs[key] = origin
        self.m.sub_ids.setdefault((channel, sub), set()).add(ep)
        return key

    def add_passive(self, channel, sub, ep, mac, now, origin="net"):
        self.passive.add(self.link(channel, sub, ep, mac, now, origin))

    def turn(self, channel, key, mac, passive):
        """An existing subscription turns passive (or active)."""
        members = self.master.setdefault(channel, [])
        if passive:
            i = [k for k, m in enumerate(members) if m[:3] == key[1:]][0]
            members[i] = members[-1]
            members.pop()
            self.passive.add(key)
        else:
            self.passive.discard(key)
            members.append(key[1:] + (mac,))
        self.eps[key[2:]]["mac"] = mac

    def add(self, channel, sub, ep, mac, origin, now):
        """'added' | 'refreshed' | a limit counter name."""
        key = (channel, sub) + ep
        members = self.master.setdefault(channel, [])
        if key in self.subs:
            if origin == "op":
                if self.subs[key] == "net":
                    self.eps[ep]["net"] -= 1
                self.subs[key] = "op"
            i = [k for k, m in enumerate(members) if m[:3] == key[1:]][0]
            members[i] = (sub,) + ep + (mac,)
            self.eps[ep]["mac"] = mac
            return "refreshed"
        lim = self.limit_of(channel, ep)
        if lim is not None:
            return lim
        self.link(channel, sub, ep, mac, now, origin)
        members.append((sub,) + ep + (mac,))
        return "added"

    def remove(self, channel, sub, ep):
        key = (channel, sub) + ep
        if key not in self.subs:
            return False
        if key in self.passive:
            self.passive.discard(key)
        else:
            members = self.master[channel]
            i = [k for k, m in enumerate(members) if m[:3] == key[1:]][0]
            members[i] = members[-1]
            members.pop()
        e = self.eps[ep]
        e["n"] -= 1
        e["net"] -= self.subs.pop(key) == "net"
        self.tokens.pop(key, None)
        if e["n"] == 0:
            del self.eps[ep]
            self.window["flipped"].add(ep)
        return True

    def publish(self, channel):
        self.m.subs[channel] = list(self.master.get(channel, []))

    # ------------------------------------------------- operator (CLI)

    def operator(self, op, channel, ep, mac):
        """A 'sub add/del' at a pause point: applied and published there."""
        sub, ep = ep[0], ep[1:]
        # Applied before the workers go on: no race with what follows.
        flipped = set(self.window["flipped"])
        self.operator_change(op, channel, sub, ep, mac)
        self.window["flipped"] = flipped

    def operator_passive(self, channel, sub, ep, mac):
        """'sub add ... passive': its owner keeps it from the channel's
        next seq on, the state created (at the clock) if it had none."""
        key = (channel, sub) + ep
        if key in self.subs and key not in self.passive:
            fail(f"model: sub add {channel} {sub} passive of an active "
                 "subscription fails; the case's command file must not")
        if key not in self.subs:
            if self.passive_limit_of(ep) is not None:
                fail(f"model: sub add {channel} {sub} passive would fail")
            self.add_passive(channel, sub, ep, mac, self.m.clock, "op")
            self.count("operator_adds")
        ch = {"had": False, "ts": self.m.clock}
        next_seq, _epoch = self.suback_state(channel, ch, True)
        self.m.pulses.add(channel, key, mac, next_seq)

    def operator_change(self, op, channel, sub, ep, mac):
        if op == "add_passive":
            return self.operator_passive(channel, sub, ep, mac)
        if op == "add":
            r = self.add(channel, sub, ep, mac, "op", self.m.clock)
            if r == "added":
                self.count("operator_adds")
            elif r != "refreshed":
                fail(f"model: sub add {channel} {sub} would fail ({r}); "
                     "the case's command file must not")
        elif self.remove(channel, sub, ep):
            self.count("operator_dels")
        self.publish(channel)

    # ----------------------------------------------- frames from the net

    def item_class(self, ep):
        if ep in self.window["flipped"]:
            return "new"
        return "known" if self.live(ep) else "new"

    def reply_fail(self, d, channel, sub, status, ts):
        rate, burst = self.cfg["fail_rate"], self.cfg["fail_burst"]
        if rate == 0:
            self.count("fail_replies_limited")
            return
        interval = 10**9 // rate
        tat = max(self.tat.get(d["src_ip"], ts), ts)
        if tat - ts > interval * (burst - 1):
            self.count("fail_replies_limited")
            return
        self.tat[d["src_ip"]] = tat + interval
        self.count("fail_replies")
        self.count("fail_reply_bytes", SUBACK_LEN)
        self.count("tx_forwarded")
        self.m.count("counters.control_sent")
        self.fails.append((d["src_ip"], d["src_port"],
                           self.mac_for(d["src_mac"]), channel, sub, status))

    def item(self, idx, ts, d, ftype, flags, frame):
        channel, sub, from_seq, expires, tok = subscribe_fields(frame)
        ep = (d["src_ip"], d["src_port"])
        if self.m.n_workers > 1:
            fail("model: SUBSCRIBE/UNSUBSCRIBE need one worker")
        self.count("items")
        self.count("request_bytes", SUBSCRIBE_LEN)
        key = self.cfg["token_key"]
        if key is None or not hmac.compare_digest(
                token(key, channel, sub, expires, *ep), tok):
            self.count("bad_token")
            return self.reply_fail(d, channel, sub, BAD_TOKEN, ts)
        if self.tokens.get((channel, sub) + ep) == (expires, tok):
            self.count("token_known")
        if expires <= ts // 10**9:
            self.count("expired")
            return self.reply_fail(d, channel, sub, EXPIRED, ts)
        self.check_expiry_race(ep, ts, "a SUBSCRIBE after its endpoint's "
                               "timeout")
        cls = self.item_class(ep)
        self.window["classes"].add(cls)
        if self.window["chan_class"].setdefault(channel, cls) != cls:
            self.ambiguous(f"channel {channel}'s members from known and "
                           "new endpoints in one window")
        mac = self.mac_for(d["src_mac"])
        if ftype == T_SUBSCRIBE:
            self.item_subscribe(d, channel, sub, ep, mac, from_seq, flags,
                                ts, expires, tok)
        else:
            self.item_unsubscribe(d, channel, sub, ep, ts)
        if ep in self.eps:
            self.eps[ep]["seen"] = max(self.eps[ep]["seen"], ts)
        if self.window["limit"] and len(self.window["classes"]) > 1:
            self.ambiguous("a LIMIT in a window with frames of known and "
                           "new endpoints")

    def item_subscribe(self, d, channel, sub, ep, mac, from_seq, flags, ts,
                       expires, tok):
        key = (channel, sub) + ep
        passive = bool(flags & F_PASSIVE)
        was = key in self.passive
        if key not in self.subs:
            lim = (self.passive_limit_of(ep) if passive
                   else self.limit_of(channel, ep))
        elif was and not passive:
            lim = self.limit_of(channel, ep)
        elif passive and not was and len(self.passive) >= \
                self.cfg["max_passive"]:
            lim = "limit_passive"
        else:
            lim = None
        if lim is not None:
            self.window["limit"] = True
            self.count(lim)
            return self.reply_fail(d, channel, sub, LIMIT, ts)
        had = len(self.master.get(channel, [])) > 0
        op = "add" if passive else None
        if key not in self.subs and passive:
            self.add_passive(channel, sub, ep, mac, ts)
            self.count("passive_subscribed")
        elif key in self.subs and was != passive:
            self.turn(channel, key, mac, passive)
            self.count("demoted" if passive else "promoted")
            op = "add" if passive else "del"
        elif was:
            self.eps[ep]["mac"] = mac
            self.count("refreshed")
        else:
            r = self.add(channel, sub, ep, mac, "net", ts)
            self.count("subscribed" if r == "added" else "refreshed")
        self.tokens[key] = (expires, tok)
        self.ok_change(channel, key, mac, ts, had, from_seq, op)

    def item_unsubscribe(self, d, channel, sub, ep, ts):
        key = (channel, sub) + ep
        mac = self.mac_for(d["src_mac"])
        had = len(self.master.get(channel, [])) > 0
        op = "del" if key in self.passive else None
        if not self.remove(channel, sub, ep):
            self.count("not_subscribed")
            return self.reply_fail(d, channel, sub, NOT_SUBSCRIBED, ts)
        self.count("unsubscribed")
        self.ok_change(channel, key, mac, ts, had, passive_op=op)

    def ok_change(self, channel, key, mac, ts, had, from_seq=0,
                  passive_op=None):
        self.count("subacks_requested")
        self.m.count("counters.suback_requests")
        self.m.count("counters.subacks")
        out = self.m.ok_out.get(key, [])
        if not out:
            fail(f"channel {key[0]} subscriber {key[1]}: herald sent no "
                 "OK SUBACK for an accepted frame (or fewer than the "
                 "model's)")
        next_seq, epoch = out.pop(0)
        self.pending.setdefault(channel, []).append({
            "key": key, "mac": mac, "ts": ts, "had": had,
            "members": list(self.master.get(channel, [])),
            "next_seq": next_seq, "epoch": epoch, "from_seq": from_seq,
            "passive_op": passive_op})

    def pending_passive(self, channel):
        return any(ch["passive_op"] for ch in self.pending.get(channel, []))

    # ------------------------------------- when a change takes effect

    def suback_state(self, channel, ch, commit):
        """(next_seq, epoch) the owner reads for change ch now; with
        commit, the state it creates or draws anew."""
        st = self.m.chans.get(channel)
        timeout = self.cfg["channel_timeout_ns"]
        if st is None or (not ch["had"] and not self.m.pulses.has(channel)
                          and ch["ts"] - st["last_msg"] > timeout
                          and ch["ts"] > st["last_msg"]):
            epoch = self.m.draw_epoch(channel, ch["ts"])
            if commit:
                self.m.new_state(channel, ch["ts"], expired=st is not None)
            return 1, epoch
        return st["seq"] + 1, st["epoch"]

    def apply(self, channel, ch):
        self.suback_state(channel, ch, True)
        self.m.subs[channel] = ch["members"]
        self.subacks.append(ch)
        if ch["passive_op"] == "add":
            self.m.pulses.add(channel, ch["key"], ch["mac"], ch["next_seq"])
        elif ch["passive_op"] == "del":
            self.m.pulses.remove(channel, ch["key"])
        # A resume: history from from_seq, right behind the SUBACK.
        if 0 < ch["from_seq"] < ch["next_seq"]:
            self.m.repairs.resume(channel, ch["key"][2:], ch["mac"],
                                  ch["from_seq"], ch["next_seq"] - 1)

    def due(self, channel):
        """Before the channel's next message: the changes herald had
        answered by then (their SUBACK next_seq says so)."""
        for ch in list(self.pending.get(channel, [])):
            if self.suback_state(channel, ch, False) != (ch["next_seq"],
                                                          ch["epoch"]):
                break
            self.pending[channel].pop(0)
            self.apply(channel, ch)

    def flush(self):
        """A pause point (or the end): everything pending was answered
        before it, with the channel as it is now."""
        for channel, changes in self.pending.items():
            for ch in changes:
                want = self.suback_state(channel, ch, False)
                if want != (ch["next_seq"], ch["epoch"]):
                    k = ch["key"]
                    fail(f"channel {channel} subscriber {k[1]}: SUBACK "
                         f"next_seq {ch['next_seq']} epoch "
                         f"{ch['epoch']:#x}, herald could only have sent "
                         f"{want[0]} / {want[1]:#x} (or an earlier seq)")
                self.apply(channel, ch)
        self.pending = {}

    # ------------------------------------------------------ liveness

    def deadline(self, ep):
        return self.eps[ep]["seen"] + self.cfg["endpoint_timeout_ns"]

    def check_expiry_race(self, ep, ts, what):
        if ep in self.eps and self.eps[ep]["net"] and ts > self.deadline(
                ep):
            self.ambiguous(what)

    def message(self, channel, ts):
        """A message of channel at ts: none of its endpoints may be past
        its timeout (herald may or may not have swept it yet)."""
        for m in self.m.subs.get(channel, []):
            self.check_expiry_race(m[1:3], ts, f"a message of channel "
                                   f"{channel} after an endpoint's timeout")

    def sweep(self, clock):
        """Pause point: endpoints silent past the timeout lose their
        network subscriptions."""
        for ep in [e for e, v in self.eps.items() if v["net"]
                   and clock > v["seen"]
                   and clock - v["seen"] > self.cfg["endpoint_timeout_ns"]]:
            gone = [k for k, o in self.subs.items() if k[2:] == ep
                    and o == "net"]
            for k in gone:
                if k in self.passive:
                    # Its owner is told at once (no SUBACK).
                    self.count("passive_drops_requested")
                    self.m.pulses.remove(k[0], k)
                self.remove(k[0], k[1], ep)
                self.publish(k[0])
            self.count("subscriptions_expired", len(gone))
            self.count("endpoints_expired")

    def heartbeat(self, idx, ts, d, frame):
        ep = (d["src_ip"], d["src_port"])
        channel, _seq, sub, _epoch = struct.unpack("!QQII", frame[8:32])
        if ep in self.window["flipped"]:
            self.ambiguous(f"a HEARTBEAT of {ep} after its liveness "
                           "changed in the window")
        self.check_expiry_race(ep, ts, "a HEARTBEAT after its endpoint's "
                               "timeout")
        if self.live(ep):
            self.eps[ep]["seen"] = max(self.eps[ep]["seen"], ts)
        if channel != 0:
            return "heartbeat_channel"
        if not self.live(ep):
            return "keepalive_not_live"
        self.m.count("counters.keepalives")
        self.keepalives.append((ep[0], ep[1], self.eps[ep]["mac"], sub))
        return "keepalive_answered"

    def nack(self, idx, ts, d, frame):
        ep = (d["src_ip"], d["src_port"])
        if ep in self.window["flipped"]:
            self.ambiguous("a NACK after its endpoint's liveness changed")
        self.check_expiry_race(ep, ts, "a NACK after its endpoint's timeout")
        if not self.live(ep):
            return "nack_not_live"
        self.eps[ep]["seen"] = max(self.eps[ep]["seen"], ts)
        # Judged against the subscriptions in effect, like a message.
        self.due(int.from_bytes(frame[8:16], "big"))
        self.m.repairs.nack(d, frame)
        return "nack_accepted"

    def pause_point(self, clock):
        self.flush()
        self.sweep(clock)
        self.window = {"flipped": set(), "classes": set(), "limit": False,
                       "chan_class": {}}
