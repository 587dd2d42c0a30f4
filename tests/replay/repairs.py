"""The model of the reliability layer's history and NACK repair
(PROTOCOL.md 6, History; docs/RELIABILITY.md), run by model.py: what each
owner keeps, what its budget drops, and what it answers each NACK with.

* history: each owner appends every message it sequences to its log (a
  ring of history_bytes / workers bytes, rounded down to a power of two,
  4096 at least), as a record of 32 + payload bytes padded to 16, that
  never straddles the ring's end; a record is held while it is within
  the last ring-size bytes written, among the owner's last
  history_messages / workers records, within its channel's depth (seq >
  last_seq - history_depth), and of the channel's current state.
* a NACK of a live endpoint is judged by the channel's owner, in order:
  not_subscribed, future, suppressed (a range covering it resent to that
  endpoint within the linger), actions_full, over_budget (GCRA on the
  clock: packets the answer takes against retransmit_per_s and
  retransmit_burst), answered (one GAP per run of requested seqs no
  longer held, a RETRANSMIT per held seq, in seq order).
Token buckets are kept per endpoint (ip, port): cases do not re-create an
endpoint between its NACKs.
"""
from collections import deque

from case_input import fail

REC_HDR = 32  # struct herald_hist_rec
NS_PER_S = 10**9
DELIVER_LEN = 40


class History:
    """One owner's histories and retransmit state."""

    def __init__(self, cfg, model):
        n = cfg["workers"]
        self.m = model
        self.depth = cfg["history_depth"]
        self.msgs_max = max(cfg["history_messages"] // n, 1)
        share = cfg["history_bytes"] // n
        self.ring = max(1 << (share.bit_length() - 1), 4096)
        self.cfg = cfg
        self.chan = {}  # channel -> [(offset, seq)] of its current state
        self.end = 0  # bytes written
        self.floor = 0  # oldest offset held
        self.count_kept = 0  # records written
        self.actions = deque()  # (ep, channel, from, to, t)
        self.tat = {}  # ep -> GCRA theoretical arrival time
        self.over = {}  # ep -> its NACKs over budget since one was answered

    def count(self, name, n=1):
        self.m.count("counters." + name, n)

    # ---------------------------------------------------------- history

    def keep(self, channel, seq, payload_len):
        if self.depth == 0:
            return
        size = (REC_HDR + payload_len + 15) // 16 * 16
        pos = self.end % self.ring
        if pos + size > self.ring:
            self.end += self.ring - pos
        off = self.end
        self.end += size
        self.floor = max(self.floor, self.end - self.ring)
        self.chan.setdefault(channel, []).append((off, self.count_kept, seq))
        self.count_kept += 1
        self.count("history_kept")

    def flush(self, channel):
        """The channel's state is reset or forgotten."""
        self.chan.pop(channel, None)

    def held(self, channel):
        last = self.m.chans[channel]["seq"]
        return [seq for off, index, seq in self.chan.get(channel, ())
                if off >= self.floor and seq + self.depth > last
                and index + self.msgs_max >= self.count_kept]

    # ------------------------------------------------------------ NACKs

    def budget_take(self, ep, n, now):
        rate, burst = self.cfg["rtx_per_s"], self.cfg["rtx_burst"]
        if rate == 0:
            return False
        t = NS_PER_S // rate
        depth = burst * t
        tat = self.tat.get(ep, 0)
        base = now - depth if now > depth and tat < now - depth else tat
        if base + n * t > now:
            return False
        self.tat[ep] = base + n * t
        return True

    def answer(self, channel, first, last):
        """[("G", from, count) | ("R", seq)] for seqs first..last."""
        out, nxt = [], first
        for seq in self.held(channel):
            if seq < first or seq > last:
                continue
            if seq > nxt:
                out.append(("G", nxt, seq - nxt))
            out.append(("R", seq))
            nxt = seq + 1
        if nxt <= last:
            out.append(("G", nxt, last - nxt + 1))
        return out

    def nack(self, ep, member, channel, from_seq, count, now):
        """The verdict, and the answer's packets (empty unless answered)."""
        self.count("nacks")
        if member is None:
            return "nack_not_subscribed", []
        st = self.m.chans.get(channel)
        if st is None or from_seq > st["seq"]:
            return "nack_future", []
        last = min(from_seq + count - 1, st["seq"])
        linger = self.cfg["rtx_linger_ns"]
        while self.actions and now - self.actions[0][4] >= linger:
            self.actions.popleft()
        if linger:
            if any(a[0] == ep and a[1] == channel and a[2] <= from_seq
                   and last <= a[3] for a in self.actions):
                return "nack_suppressed", []
            if len(self.actions) == self.cfg["rtx_actions"]:
                return "nack_actions_full", []
        packets = self.answer(channel, from_seq, last)
        if not self.budget_take(ep, len(packets), now):
            # Past retransmit_give_up over-budget NACKs in a row: one
            # GAP for the range instead of silence.
            give_up = self.cfg["rtx_give_up"]
            if give_up and self.over.get(ep, 0) >= give_up:
                return "nack_given_up", self.send(
                    channel, [("G", from_seq, last - from_seq + 1)])
            self.over[ep] = self.over.get(ep, 0) + 1
            return "nack_over_budget", []
        self.over[ep] = 0
        if linger:
            self.actions.append((ep, channel, from_seq, last, now))
        return "nack_answered", self.send(channel, packets)

    def send(self, channel, packets):
        """Count the answer's packets; their expected frames."""
        st = self.m.chans[channel]
        for p in packets:
            if p[0] == "R":
                key = (channel, st["epoch"], p[1])
                self.count("retransmits")
                self.count("retransmit_bytes", DELIVER_LEN + len(
                    self.m.messages[key]["payload"]))
            else:
                self.count("gaps")
        return [(p[0], channel, st["epoch"]) + p[1:] for p in packets]

    def resume(self, channel, first, last):
        """A SUBSCRIBE's from_seq: served whole, not against the budget."""
        self.count("resumes")
        return self.send(channel, self.answer(channel, first, last))


class Repairs:
    """Every owner's History, and the repair packets the model expects:
    {(ip, port): [("R", channel, epoch, seq, mac) |
                  ("G", channel, epoch, from, count, mac)]}, in order."""

    def __init__(self, cfg, model):
        self.cfg = cfg
        self.m = model
        self.owners = [History(cfg, model) for _ in range(cfg["workers"])]
        self.out = {}

    def of(self, channel):
        return self.owners[self.m.owner_of(channel)]

    def keep(self, channel, seq, payload_len):
        self.of(channel).keep(channel, seq, payload_len)

    def flush(self, channel):
        self.of(channel).flush(channel)

    def resume(self, channel, ep, mac, first, last):
        for p in self.of(channel).resume(channel, first, last):
            self.out.setdefault(ep, []).append(p + (mac,))

    def nack(self, d, frame):
        """A NACK of a live endpoint (the receiving worker has checked
        that): its owner's verdict."""
        if self.m.n_workers > 1:
            fail("model: NACK cases need one worker (the order of handed-"
                 "off NACKs and messages is timing)")
        channel = int.from_bytes(frame[8:16], "big")
        from_seq = int.from_bytes(frame[16:24], "big")
        count = int.from_bytes(frame[24:28], "big")
        sub = int.from_bytes(frame[28:32], "big")
        ep = (d["src_ip"], d["src_port"])
        member = next((mb for mb in self.m.subs.get(channel, [])
                       if mb[0] == sub and mb[1:3] == ep), None)
        verdict, packets = self.of(channel).nack(ep, member, channel,
                                                 from_seq, count,
                                                 self.m.clock)
        self.m.count("counters." + verdict)
        for p in packets:
            self.out.setdefault(ep, []).append(p + (member[3],))
