"""The model of channel heartbeats (PROTOCOL.md 6, Liveness;
docs/RELIABILITY.md), run by model.py for one worker.

A second after a channel's last message one HEARTBEAT (channel, last seq,
the member's subscriber id, channel epoch) goes to each subscriber, then
one every 10 seconds while the channel stays idle. Herald keeps two FIFOs
of (channel, due): a message of a channel that is not waiting puts it in
the first (due a second on); at the end of each burst the worker pops
what is due by its clock (the newest capture time), first FIFO first: a
channel that had a message since waits again from it, else it is sent
its heartbeat and moves to the second FIFO (due 10 s after the first
was, or 10 s after the clock if that is already past); the second sends
and re-queues every 10 s likewise. Entries left by a state
that changed since are skipped. The FIFOs are emulated literally (an
entry pushed again goes to the tail).
"""
from collections import deque

from case_input import fail

IDLE_NS = 10**9
PERIOD_NS = 10 * 10**9
PER_POLL = 64  # channels a poll looks at per FIFO


class Heartbeats:
    def __init__(self, model):
        self.m = model
        self.q = (deque(), deque())
        self.state = {}  # channel -> (state, due)
        self.out = {}  # (ip, port) -> [("H", channel, seq, epoch, sub, mac)]

    def push(self, k, channel, due, state):
        self.q[k].append((channel, due, self.m.chans[channel]["epoch"]))
        self.state[channel] = (state, due)

    def message(self, channel, ts):
        if self.state.get(channel, ("none",))[0] != "wait":
            self.push(0, channel, ts + IDLE_NS, "wait")

    def reset(self, channel):
        self.state.pop(channel, None)

    def live(self, entry, state):
        channel, due, epoch = entry
        st = self.m.chans.get(channel)
        return (st is not None and st["epoch"] == epoch
                and self.state.get(channel) == (state, due))

    def send(self, channel):
        st = self.m.chans[channel]
        for sub, ip, port, mac in self.m.subs.get(channel, []):
            self.out.setdefault((ip, port), []).append(
                ("H", channel, st["seq"], st["epoch"], sub, mac))
            self.m.count("counters.heartbeats")

    @staticmethod
    def next_due(last, clock):
        """A period on, never already due (a capture's clock jumps)."""
        due = last + PERIOD_NS
        return due if due > clock else clock + PERIOD_NS

    def due(self, k, clock):
        return self.q[k] and self.q[k][0][1] <= clock

    def poll(self, clock):
        """End of a burst: what is due by clock."""
        n = 0
        while self.due(0, clock):
            e = self.q[0].popleft()
            n += 1
            if not self.live(e, "wait"):
                continue
            channel = e[0]
            due = self.m.chans[channel]["last_msg"] + IDLE_NS
            if due > clock:
                self.push(0, channel, due, "wait")
                continue
            self.send(channel)
            self.push(1, channel, self.next_due(due, clock), "idle")
        k = 0
        while self.due(1, clock):
            e = self.q[1].popleft()
            k += 1
            if self.live(e, "idle"):
                self.send(e[0])
                self.push(1, e[0], self.next_due(e[1], clock), "idle")
        if n > PER_POLL or k > PER_POLL:
            fail(f"model: {max(n, k)} channels due for a heartbeat at once "
                 f"(herald looks at {PER_POLL} per iteration: timing)")
