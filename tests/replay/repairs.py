"""The model of the reliability layer's history and NACK repair
(PROTOCOL.md 6, History; docs/RELIABILITY.md), run by model.py: what each
owner keeps, what its budget drops, and what it answers each NACK with.

* history: a channel keeps its last history_depth messages; a message is
  held by reference when it is the only frame of a datagram that fits an
  RX buffer and the owner holds fewer such than its RX share, else as a
  copy (small up to 256 payload bytes, else large). Each owner's budget
  (history_messages, history_bytes, divided among workers) drops its
  oldest kept message first; a FIFO entry of a message its channel already
  dropped (or of an older channel state) is skipped when it comes up.
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

MBUF = 128 + 56  # struct rte_mbuf and herald's private area
COST_REF = MBUF + 2176  # an RX buffer (RTE_MBUF_DEFAULT_BUF_SIZE)
SMALL_ROOM = 256
COST_SMALL = MBUF + SMALL_ROOM
COST_LARGE = MBUF + 1400
RX_BUF = 2048
NS_PER_S = 10**9
DELIVER_LEN = 40


class History:
    """One owner's histories and retransmit state."""

    def __init__(self, cfg, model):
        n = cfg["workers"]
        self.m = model
        self.depth = cfg["history_depth"]
        self.msgs_max = max(cfg["history_messages"] // n, 1)
        self.bytes_max = max(cfg["history_bytes"] // n, COST_REF)
        self.rx_max = cfg["rx_mbufs"] * cfg["history_rx_percent"] // 100 // n
        self.cfg = cfg
        self.chan = {}  # channel -> deque of (seq, kind, cost)
        self.gen = {}  # channel -> generation of its state
        self.fifo = deque()  # (channel, gen, seq), order kept
        self.bytes = 0
        self.rx = 0
        self.actions = deque()  # (ep, channel, from, to, t)
        self.tat = {}  # ep -> GCRA theoretical arrival time

    def count(self, name, n=1):
        self.m.count("counters." + name, n)

    # ---------------------------------------------------------- history

    def drop_head(self, channel):
        _seq, kind, cost = self.chan[channel].popleft()
        self.bytes -= cost
        if kind == "ref":
            self.rx -= 1

    def budget_pop(self):
        channel, gen, seq = self.fifo.popleft()
        h = self.chan.get(channel)
        if self.gen.get(channel) == gen and h and h[0][0] == seq:
            self.drop_head(channel)
            self.count("history_evicted_budget")

    def keep(self, channel, seq, payload_len, whole, frame_len):
        if self.depth == 0:
            return
        if whole and frame_len <= RX_BUF and self.rx < self.rx_max:
            kind, cost = "ref", COST_REF
            self.rx += 1
            self.count("history_kept_ref")
        else:
            kind = "copy"
            cost = COST_SMALL if payload_len <= SMALL_ROOM else COST_LARGE
            self.count("history_kept_copy")
        h = self.chan.setdefault(channel, deque())
        h.append((seq, kind, cost))
        self.bytes += cost
        if len(h) > self.depth:
            self.drop_head(channel)
            self.count("history_evicted_depth")
        if len(self.fifo) == self.msgs_max:
            self.budget_pop()
        self.fifo.append((channel, self.gen.get(channel, 0), seq))
        while self.bytes > self.bytes_max:
            self.budget_pop()

    def flush(self, channel):
        """The channel's state is reset or forgotten."""
        h = self.chan.pop(channel, deque())
        while h:
            self.chan[channel] = h
            self.drop_head(channel)
            self.count("history_flushed")
        self.chan.pop(channel, None)
        self.gen[channel] = self.gen.get(channel, 0) + 1

    def flush_all(self):
        for channel in list(self.chan):
            self.flush(channel)

    def held(self, channel):
        return [e[0] for e in self.chan.get(channel, ())]

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
            return "nack_over_budget", []
        if linger:
            self.actions.append((ep, channel, from_seq, last, now))
        for p in packets:
            if p[0] == "R":
                key = (channel, st["epoch"], p[1])
                self.count("retransmits")
                self.count("retransmit_bytes", DELIVER_LEN + len(
                    self.m.messages[key]["payload"]))
            else:
                self.count("gaps")
        return "nack_answered", [(p[0], channel, st["epoch"]) + p[1:]
                                 for p in packets]


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

    def keep(self, channel, seq, payload_len, whole, frame_len):
        self.of(channel).keep(channel, seq, payload_len, whole, frame_len)

    def flush(self, channel):
        self.of(channel).flush(channel)

    def finish(self):
        for h in self.owners:
            h.flush_all()

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
