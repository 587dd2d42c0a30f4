"""The model of passive subscriptions' pulses (PROTOCOL.md 6, Passive
subscriptions; docs/RELIABILITY.md), run by model.py for one worker.

The owner keeps each channel's passive endpoints in a list (a new one
goes to its head), each with the SUBACK's next_seq it joined at. The
first message of a channel with passive endpoints that is not queued for
a pulse queues it, due a second after that message (a FIFO in clock
order); at the end of each burst the worker pops what is due by its
clock and sends the channel's last seq then (a HEARTBEAT: channel, last
seq, the endpoint's subscriber id, channel epoch) to each passive
endpoint whose next_seq is not above it. A state created since (a new
epoch) drops the entry.
"""
from collections import deque

from case_input import fail

PULSE_NS = 10**9
PER_POLL = 256  # pulses a poll sends at most


class Pulses:
    def __init__(self, model):
        self.m = model
        self.q = deque()
        self.queued = {}  # channel -> epoch of its live entry
        self.members = {}  # channel -> [[sub, ip, port, mac, since]]

    def has(self, channel):
        return bool(self.members.get(channel))

    def add(self, channel, key, mac, since):
        """A passive SUBACK (or a refresh) left with next_seq since."""
        sub, ip, port = key[1:]
        lst = self.members.setdefault(channel, [])
        for e in lst:
            if e[:3] == [sub, ip, port]:
                e[3], e[4] = mac, since
                break
        else:
            lst.insert(0, [sub, ip, port, mac, since])
        self.m.count("counters.passive_added")

    def remove(self, channel, key):
        lst = self.members.get(channel, [])
        for i, e in enumerate(lst):
            if tuple(e[:3]) == tuple(key[1:]):
                del lst[i]
                self.m.count("counters.passive_removed")
                return
        fail(f"model: passive subscription {key} not kept")

    def message(self, channel):
        if self.has(channel) and channel not in self.queued:
            st = self.m.chans[channel]
            self.q.append((channel, st["last_msg"] + PULSE_NS, st["epoch"]))
            self.queued[channel] = st["epoch"]

    def reset(self, channel):
        self.queued.pop(channel, None)

    def poll(self, clock):
        """End of a burst: the pulses due by clock."""
        sent = 0
        while self.q and self.q[0][1] <= clock:
            channel, _due, epoch = self.q.popleft()
            st = self.m.chans.get(channel)
            if (st is None or st["epoch"] != epoch
                    or self.queued.get(channel) != epoch):
                continue
            del self.queued[channel]
            if self.m.control.pending_passive(channel):
                fail(f"model: a pulse of channel {channel} while a "
                     "change of its passive subscriptions may or may not "
                     "have taken effect; put a pause point between them")
            for sub, ip, port, mac, since in self.members.get(channel, []):
                if since <= st["seq"]:
                    self.m.hb.out.setdefault((ip, port), []).append(
                        ("H", channel, st["seq"], st["epoch"], sub, mac))
                    self.m.count("counters.pulses")
                    sent += 1
        if sent > PER_POLL:
            fail(f"model: {sent} pulses due at once (herald sends "
                 f"{PER_POLL} per iteration: timing)")
