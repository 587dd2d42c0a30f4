#!/usr/bin/python3
"""Live loss recovery (issue 10, docs/RELIABILITY.md): a publisher and
three subscribers, standard library only, on the kernel side of herald's
net_tap interface inside the test's namespace.

  tap_loss.py IFACE HERALD_MAC HERALD_IP OUT.json MESSAGES SEED STALL

STALL: "nack" (herald's history holds the whole run: the stalled client
must recover everything by NACK) or "gap" (a history shorter than the
stall: part of what it missed must come back as a GAP).

The publisher sends MESSAGES PUBLISHes on channel 1 as PROTOCOL.md 6
tells it: within the credit of its last PUBACK, going back to acked_seq
+ 1 when no PUBACK moved for a while (go-back-N). Each subscriber is a
model client (operator subscriptions made by the command file):

* lossy: of what herald sends it (DELIVERs, RETRANSMITs), a seeded
  random 10 % is dropped, 5 % held back and handed over a few frames
  later (reordered), 5 % handed over twice (duplicated);
* stall: stops reading for 3 s once it has seq STALL_AT (everything
  herald sends meanwhile is lost to it), then goes on;
* clean: takes everything as it comes.

Each client does what a client library would: it hands its application
every seq once, in order (duplicates dropped, out-of-order frames
buffered), learns the channel's last seq from DELIVERs and channel
HEARTBEATs (tail loss), NACKs the runs it misses (at most 1024 each,
once they are REORDER behind the newest seq or the stream went quiet,
again if a run is still missing NACK_AGAIN_S later), and takes a GAP as
"lost for good". It is done once every seq up to MESSAGES is handed
over or declared lost.

Checks (exit 1 on any failure, each printed): every client done before
the deadline; lossy and clean handed over 1 .. MESSAGES exactly once, in
order, payloads byte-equal to the publisher's; stall handed over every
seq once, in order, but for those a GAP declared lost; clean never had
to NACK (the others did not slow it) and the kernel dropped nothing on
the peer's socket. OUT.json: what the shell checks against herald's
stats.
"""
import json
import os
import random
import select
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap_peer import (ETH_P_ALL, MAGIC, PACKET_OUTGOING,  # noqa: E402
                      T_DELIVER, T_PUBACK, VERSION, payload_of,
                      publish_frame, udp_frame)

T_HEARTBEAT, T_NACK, T_GAP = 7, 8, 9
F_RETRANSMIT = 0x01
HWP_PORT = 7700
CHANNEL = 1
PUBLISHER = (7, "198.18.1.2", 50000, "02:00:00:00:20:01")
SUBS = {  # name: (subscriber id, ip, port, mac)
    "lossy": (11, "198.18.1.11", 40000, "02:00:00:00:11:01"),
    "stall": (12, "198.18.1.12", 40000, "02:00:00:00:11:02"),
    "clean": (13, "198.18.1.13", 40000, "02:00:00:00:11:03"),
}
PAYLOAD = 32
REORDER = 32	    # a run is NACKed once the newest seq is this far on
QUIET_S = 0.05	    # or the stream has been quiet this long
NACK_AGAIN_S = 0.05  # a run still missing is asked for again
NACK_MAX = 1024
STALL_S = 3.0
DEADLINE_S = float(os.environ.get("TAP_LOSS_DEADLINE_S", "120"))
RETRY_S = 0.2	    # go-back-N when no PUBACK moved for this long
SOL_PACKET, PACKET_STATISTICS = 263, 6


def nack_frame(from_seq, count, subscriber):
    return struct.pack("!HBBBBHQQII", MAGIC, VERSION, T_NACK, 0, 0, 32,
                       CHANNEL, from_seq, count, subscriber)


class Client:
    """One subscriber endpoint and the application behind it."""

    def __init__(self, name, messages, seed):
        self.name, self.n = name, messages
        self.sub, self.ip, self.port, self.mac = SUBS[name]
        self.rng = random.Random("%s-%d" % (name, seed))
        self.buf = {}	   # seq -> payload, not yet handed over
        self.lost = set()  # declared lost by a GAP
        self.next = 1	   # next seq the application gets
        self.app = []	   # what the application got, in order
        self.bad_payloads = 0
        self.newest = 0	   # newest seq herald said exists
        self.heard = time.monotonic()
        self.asked = {}	   # run start -> (count, when)
        self.held = []	   # [frames to go, seq, payload] (reordering)
        self.stall_from = None
        self.stats = {"frames": 0, "dropped": 0, "reordered": 0,
                      "duplicated": 0, "duplicates": 0, "retransmits": 0,
                      "gaps": 0, "gap_seqs": 0, "nacks": 0,
                      "heartbeats": 0, "stalled_frames": 0}

    # --------------------------------------------------------- input

    def frame(self, now, hwp, stall_at):
        """A frame herald sent to this endpoint."""
        if self.stalled(now, stall_at):
            self.stats["stalled_frames"] += 1
            return
        ftype = hwp[3]
        if ftype == T_DELIVER:
            seq = struct.unpack("!Q", hwp[16:24])[0]
            if hwp[4] & F_RETRANSMIT:
                self.stats["retransmits"] += 1
            self.impaired(seq, hwp[40:])
        elif ftype == T_HEARTBEAT:
            seq = struct.unpack("!Q", hwp[16:24])[0]
            self.stats["heartbeats"] += 1
            self.newest = max(self.newest, seq)
        elif ftype == T_GAP:
            first, count = struct.unpack("!QI", hwp[16:28])
            self.stats["gaps"] += 1
            for s in range(first, first + count):
                if s >= self.next and s not in self.buf:
                    self.lost.add(s)
                    self.stats["gap_seqs"] += 1
            self.newest = max(self.newest, first + count - 1)
            self.hand_over()
        self.heard = now

    def stalled(self, now, stall_at):
        if self.name != "stall":
            return False
        if self.stall_from is None and self.next > stall_at:
            self.stall_from = now
        return (self.stall_from is not None
                and now - self.stall_from < STALL_S)

    def impaired(self, seq, payload):
        """The lossy client's network: drop, hold back, duplicate."""
        for h in self.held:
            h[0] -= 1
        for h in [h for h in self.held if h[0] <= 0]:
            self.held.remove(h)
            self.take(h[1], h[2])
        self.stats["frames"] += 1
        if self.name == "lossy":
            r = self.rng.random()
            if r < 0.10:
                self.stats["dropped"] += 1
                return
            if r < 0.15:
                self.stats["reordered"] += 1
                self.held.append([self.rng.randint(2, 8), seq, payload])
                return
            if r < 0.20:
                self.stats["duplicated"] += 1
                self.take(seq, payload)
        self.take(seq, payload)

    def take(self, seq, payload):
        self.newest = max(self.newest, seq)
        if seq < self.next or seq in self.buf or seq in self.lost:
            self.stats["duplicates"] += 1
            return
        if payload != payload_of(CHANNEL, seq, PAYLOAD):
            self.bad_payloads += 1
        self.buf[seq] = payload
        self.hand_over()

    def hand_over(self):
        while self.next in self.buf or self.next in self.lost:
            if self.next in self.buf:
                del self.buf[self.next]
                self.app.append(self.next)
            self.next += 1

    # -------------------------------------------------------- repair

    def missing_runs(self, upto):
        """(first, count) runs below upto neither held nor lost."""
        runs, s = [], self.next
        while s <= upto and len(runs) < 64:
            if s in self.buf or s in self.lost:
                s += 1
                continue
            first = s
            while (s <= upto and s - first < NACK_MAX and s not in self.buf
                   and s not in self.lost):
                s += 1
            runs.append((first, s - first))
        return runs

    def nacks(self, now, stall_at):
        """The NACK frames to send now."""
        if self.stalled(now, stall_at) or self.done():
            return []
        upto = self.newest - REORDER
        if now - self.heard > QUIET_S:
            upto = self.newest
        out = []
        for first, count in self.missing_runs(upto):
            last = self.asked.get(first)
            if last is not None and last[0] >= count and \
                    now - last[1] < NACK_AGAIN_S:
                continue
            self.asked[first] = (count, now)
            self.stats["nacks"] += 1
            out.append(nack_frame(first, count, self.sub))
        return out

    def done(self):
        return self.next > self.n


class Publisher:
    def __init__(self, messages):
        self.n = messages
        self.id, self.ip, self.port, self.mac = PUBLISHER
        self.acked, self.next = 0, 1
        self.credit = 256  # herald's configured credit (h.ini)
        self.moved = time.monotonic()
        self.sent = self.resent = self.pubacks = 0

    def puback(self, now, hwp):
        _pub, _epoch, acked, credit = struct.unpack("!IIQI", hwp[8:28])
        self.pubacks += 1
        self.credit = credit
        if acked > self.acked:
            self.acked = acked
            self.moved = now

    def frames(self, now, budget):
        """PUBLISHes to send now: within credit, go-back-N on silence."""
        if self.acked >= self.n:
            return []
        if now - self.moved > RETRY_S and self.next > self.acked + 1:
            self.resent += self.next - self.acked - 1
            self.next = self.acked + 1
            self.moved = now
        out = []
        while (len(out) < budget and self.next <= self.n
               and self.next <= self.acked + self.credit):
            seq = self.next
            out.append(publish_frame(CHANNEL, self.id, seq,
                                     payload_of(CHANNEL, seq, PAYLOAD),
                                     seq == 1))
            self.next += 1
            self.sent += 1
        return out


def open_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
    s.bind((iface, 0))
    s.setblocking(False)
    return s


def kernel_drops(s):
    """PACKET_STATISTICS: frames the kernel dropped on this socket."""
    _packets, drops = struct.unpack(
        "II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    return drops


def run(argv):
    iface, hmac, hip, out_path = argv[0], argv[1], argv[2], argv[3]
    messages, seed, stall_mode = int(argv[4]), int(argv[5]), argv[6]
    stall_at = messages // 3
    s = open_socket(iface)
    drops = kernel_drops(s)  # resets the count
    pub = Publisher(messages)
    clients = {n: Client(n, messages, seed) for n in SUBS}
    by_ip = {socket.inet_aton(c.ip): c for c in clients.values()}
    pub_ip = socket.inet_aton(pub.ip)
    hip_b = socket.inet_aton(hip)
    start = time.monotonic()
    errs = []

    def send(src, hwp):
        s.send(udp_frame(src.mac, hmac, src.ip, hip, src.port, HWP_PORT,
                         hwp))

    while True:
        now = time.monotonic()
        if all(c.done() for c in clients.values()) and \
                pub.acked >= messages:
            break
        if now - start > DEADLINE_S:
            errs.append("deadline: publisher acked %d, clients at %s"
                        % (pub.acked, {n: c.next for n, c in
                                       clients.items()}))
            break
        for f in pub.frames(now, 32):
            send(pub, f)
        for c in clients.values():
            for f in c.nacks(now, stall_at):
                send(c, f)
        select.select([s], [], [], 0.002)
        for _ in range(512):
            try:
                data, addr = s.recvfrom(2048)
            except BlockingIOError:
                break
            if addr[2] == PACKET_OUTGOING or len(data) < 42 + 8 or \
                    data[23] != 17 or data[26:30] != hip_b:
                continue
            hwp = data[42:]
            dst = data[30:34]
            now = time.monotonic()
            if dst == pub_ip and hwp[3] == T_PUBACK:
                pub.puback(now, hwp)
            elif dst in by_ip:
                by_ip[dst].frame(now, hwp, stall_at)
    secs = time.monotonic() - start
    drops = kernel_drops(s)
    want = list(range(1, messages + 1))
    for name, c in clients.items():
        if c.bad_payloads:
            errs.append("%s: %d payloads differ from the publisher's"
                        % (name, c.bad_payloads))
        if name == "stall":
            got = c.app + sorted(c.lost)
            if sorted(got) != want or c.app != sorted(c.app):
                errs.append("stall: handed over %d seqs, %d lost by GAP: "
                            "not every seq exactly once" % (len(c.app),
                                                            len(c.lost)))
            if c.stall_from is None:
                errs.append("stall: never stalled")
            if (stall_mode == "gap") != (len(c.lost) > 0):
                errs.append("stall: %d seqs lost by GAP, expected %s"
                            % (len(c.lost), "some" if stall_mode == "gap"
                               else "none"))
        elif c.app != want:
            errs.append("%s: the application got %d seqs, not 1 .. %d in "
                        "order (lost by GAP: %d)" % (name, len(c.app),
                                                     messages, len(c.lost)))
    lossy = clients["lossy"].stats
    if lossy["dropped"] == 0 or lossy["retransmits"] == 0 or \
            lossy["duplicates"] == 0 or lossy["reordered"] == 0:
        errs.append("lossy: the impairments did not happen: %s" % lossy)
    if clients["clean"].stats["nacks"] != 0:
        errs.append("clean: sent %d NACKs (it lost what herald sent)"
                    % clients["clean"].stats["nacks"])
    if drops:
        errs.append("the kernel dropped %d frames on the peer's socket"
                    % drops)
    out = {"messages": messages, "seconds": round(secs, 2),
           "publisher": {"sent": pub.sent, "resent": pub.resent,
                         "pubacks": pub.pubacks},
           "clients": {n: dict(c.stats, handed_over=len(c.app),
                               lost=len(c.lost))
                       for n, c in clients.items()}}
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1)
    for e in errs:
        print("FAIL: " + e)
    print("peer: %d messages in %.1f s; %s" % (
        messages, secs, "; ".join(
            "%s %d NACKs %d retransmits %d GAPs (%d seqs)" % (
                n, c.stats["nacks"], c.stats["retransmits"],
                c.stats["gaps"], c.stats["gap_seqs"])
            for n, c in clients.items())))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
