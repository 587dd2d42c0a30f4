#!/usr/bin/python3
"""Raw-Ethernet HWP/1 peer for the net_tap hardening tests (standard
library only; frames built as tap_peer.py builds them).

Run inside the test's network namespace, on the kernel side of herald's
net_tap interface:

  tap_hwp.py steer IFACE HERALD_MAC HERALD_IP OUT.json PUBLISHERS FRAMES
  tap_hwp.py csum  IFACE HERALD_MAC HERALD_IP OUT.json
  tap_hwp.py jumbo IFACE HERALD_MAC HERALD_IP OUT.json SIZE:EXPECT...
  tap_hwp.py ethdev TELEMETRY_SOCKET PORT OUT.json

Every mode captures all that herald sends back, on AF_PACKET sockets in
one PACKET_FANOUT_QM group: the tap driver records on each frame herald
writes the queue it was written to (skb_record_rx_queue in the kernel's
tun_get_user), and QM hands a frame to member queue_mapping mod members,
where queue_mapping is that queue + 1. With QUEUES + 1 members, member
q + 1 gets what herald wrote on TX queue q, that is what worker q sent
(each worker owns TX queue <worker index>); member 0 would get frames
without a recorded queue, which herald cannot send. Each mode checks
what PROTOCOL.md says must come back, and that nothing else does; it
prints every failure, writes what the shell needs for its checks against
the stats JSON to OUT.json, and exits 1 on any failure.

steer: PUBLISHERS publisher sessions (distinct publisher ids, source
  ports, source addresses and MACs), each sending FRAMES PUBLISHes
  stop-and-wait: frame k of every session, then every session's PUBACK
  for k, then frame k+1. A session's PUBACKs must all come back, from one
  TX queue, with acked_seq 1, 2, ..., FRAMES in order: a session whose
  frames reached two workers gets PUBACK 0 ("unknown session") from the
  second one. OUT: frames sent per queue (the queue that answered).

csum: checksums and sources (cases below, one publisher session each);
  the valid ones must be acknowledged and delivered to the subscriber of
  channel 1, the others dropped and never answered.

jumbo: per SIZE:EXPECT, a session sends one datagram of two PUBLISH
  frames with SIZE-byte payloads (SIZE 1400: a 2906-byte Ethernet frame),
  START seq 1 and seq 2. EXPECT "accepted": PUBACK acked_seq 2 and both
  messages delivered to the subscriber of channel 1; "dropped": nothing
  comes back, and seq 3 without START gets PUBACK 0.

ethdev: rte_telemetry's /ethdev/info and /ethdev/stats of PORT to OUT.
"""
import json
import os
import select
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from inet_csum import csum_fold  # noqa: E402
from tap_peer import (ETH_P_ALL, ETH_P_IP, PACKET_OUTGOING, T_DELIVER,  # noqa: E402
                      T_PUBACK, check_l3l4, mac_bytes, publish_frame,
                      udp_frame)

SOL_PACKET = 263
PACKET_FANOUT = 18
PACKET_FANOUT_QM = 5
HWP_PORT = 7700
# Channel 1's subscriber (the shell adds it with "sub add").
SUB = ("198.18.1.11", 41001, "02:00:00:00:11:01")
PUB_MAC_STEM = "02:00:00:00:20:"
QUEUES = 2  # herald's queues on the tap: one per worker, at most 2 here


class Capture:
    """Everything herald sends on IFACE, with the TX queue it used."""

    def __init__(self, iface, herald_mac):
        self.herald_mac = mac_bytes(herald_mac)
        self.socks = []
        group = os.getpid() & 0xffff
        for _ in range(QUEUES + 1):
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                              socket.htons(ETH_P_ALL))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            s.bind((iface, 0))
            s.setsockopt(SOL_PACKET, PACKET_FANOUT,
                         group | (PACKET_FANOUT_QM << 16))
            self.socks.append(s)
        self.tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                socket.htons(ETH_P_ALL))
        self.tx.bind((iface, 0))
        self.errs = []
        self.frames = []  # (queue, dst_mac, dst_ip, dport, hwp body)
        self.n_seen = 0
        self.n_sent = 0

    def send(self, frame):
        self.tx.send(frame)
        self.n_sent += 1

    def poll(self, timeout, done=None):
        """Collect herald's frames for timeout seconds, or until done(new
        frames so far) says so; returns the new ones."""
        new = []
        deadline = time.monotonic() + timeout
        while not (done and done(new)):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select(self.socks, [], [], left)
            for s in ready:
                self.receive(s, new)
        return new

    def receive(self, s, new):
        q = self.socks.index(s) - 1
        frame, addr = s.recvfrom(65536)
        # Only herald writes into the tap: all that comes in is its.
        if addr[2] == PACKET_OUTGOING:
            return
        self.n_seen += 1
        what = "frame %d from herald" % self.n_seen
        if q < 0:
            self.errs.append("%s: no TX queue recorded" % what)
            return
        if len(frame) < 14 or frame[6:12] != self.herald_mac:
            self.errs.append("%s: Ethernet source %s" % (what,
                                                         frame[6:12].hex()))
            return
        if struct.unpack("!H", frame[12:14])[0] != ETH_P_IP or \
                len(frame) < 42:
            self.errs.append("%s: not IPv4/UDP: %s"
                             % (what, frame[:34].hex()))
            return
        res = check_l3l4(frame, self.errs, what)
        if res is None:
            return
        dst_ip, dport, body = res
        rec = (q, frame[:6], dst_ip, dport, body)
        self.frames.append(rec)
        new.append(rec)

    def drain(self, quiet):
        """Collect until herald has been silent for quiet seconds; returns
        what came."""
        new, more = [], True
        while more:
            more = self.poll(quiet)
            new += more
        return new


def puback_fields(body):
    """(publisher, epoch, acked_seq, credit) of a PUBACK body."""
    return struct.unpack_from("!IIQI", body, 8)


def raw_udp(src_mac, dst_mac, src_ip, dst_ip, sport, payload, ip_csum=True,
            udp_csum="valid"):
    """An Ethernet/IPv4/UDP frame to herald's port; udp_csum "valid",
    "bad" or "zero", ip_csum False for a wrong IPv4 header checksum."""
    f = bytearray(udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport,
                            HWP_PORT, payload))
    if udp_csum == "zero":
        f[40:42] = b"\0\0"
    elif udp_csum == "bad":
        ck = struct.unpack("!H", f[40:42])[0]
        f[40:42] = struct.pack("!H", ck ^ 0x5a5a)
    if not ip_csum:
        ck = struct.unpack("!H", f[24:26])[0]
        f[24:26] = struct.pack("!H", ck ^ 0x0101)
    # Our own reference must agree about what we built.
    ip_ok = csum_fold(bytes(f[14:34])) == 0xffff
    assert ip_ok == ip_csum
    return bytes(f)


def payload_of(tag, seq, size):
    stem = b"%s-%06d-" % (tag.encode(), seq)
    return (stem * (size // len(stem) + 1))[:size]


# ------------------------------------------------------------------ steer

def steer(cap, hmac, hip, args):
    n_pub, n_frames = int(args[0]), int(args[1])
    pubs = []
    for i in range(n_pub):
        pubs.append({"id": 0x5e000001 + i, "channel": 1 + i,
                     "ip": "198.18.1.%d" % (100 + i // 2),
                     "port": 40100 + i,
                     "mac": PUB_MAC_STEM + "%02x" % i,
                     "acks": [], "queues": set()})
    by_id = {p["id"]: p for p in pubs}

    def file_acks(new):
        for q, dmac, dip, dport, body in new:
            if body[3] != T_PUBACK:
                cap.errs.append("unexpected frame type %d" % body[3])
                continue
            pid, _epoch, acked, _credit = puback_fields(body)
            p = by_id.get(pid)
            if p is None or (dmac, dip, dport) != (
                    mac_bytes(p["mac"]), p["ip"], p["port"]):
                cap.errs.append("PUBACK for publisher %#x to %s %s:%d"
                                % (pid, dmac.hex(), dip, dport))
                continue
            p["acks"].append(acked)
            p["queues"].add(q)

    for k in range(1, n_frames + 1):
        for p in pubs:
            hwp = publish_frame(p["channel"], p["id"], k,
                                payload_of("steer", k, 64), k == 1)
            cap.send(raw_udp(p["mac"], hmac, p["ip"], hip, p["port"], hwp))
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline and \
                any(not p["acks"] or p["acks"][-1] < k for p in pubs):
            file_acks(cap.poll(0.05, len))
    file_acks(cap.drain(0.3))
    per_queue = [0] * QUEUES
    for p in pubs:
        want = list(range(1, n_frames + 1))
        # At least one PUBACK per frame here (each frame is its own
        # burst): every acked_seq 1..FRAMES, in order, nothing else.
        dedup = [a for i, a in enumerate(p["acks"])
                 if i == 0 or a != p["acks"][i - 1]]
        if dedup != want:
            cap.errs.append("publisher %#x (%s:%d): acked_seq %s, expected "
                            "1..%d in order%s"
                            % (p["id"], p["ip"], p["port"], p["acks"][:40],
                               n_frames,
                               " (PUBACK 0: frames reached a worker that "
                               "does not know the session)"
                               if 0 in p["acks"] else ""))
        if len(p["queues"]) != 1:
            cap.errs.append("publisher %#x answered from TX queues %s, "
                            "expected one" % (p["id"], sorted(p["queues"])))
            continue
        q = p["queues"].pop()
        p["queue"] = q
        per_queue[q] += n_frames
    return {"sent": cap.n_sent, "frames_per_queue": per_queue,
            "publishers": [{"id": p["id"], "ip": p["ip"], "port": p["port"],
                            "queue": p.get("queue")} for p in pubs]}


# ------------------------------------------------- csum and jumbo: peers

class Peer:
    """One publisher session from one endpoint, and what it expects."""

    def __init__(self, name, pid, ip, port, mac, answerable=True):
        self.name, self.id, self.ip, self.port, self.mac = (
            name, pid, ip, port, mac)
        self.answerable = answerable
        self.acks = []       # acked_seq of every PUBACK it got
        self.want_acks = []  # what PROTOCOL.md says it must get

    def frame(self, hmac, hip, seq, payload, start, **kw):
        hwp = publish_frame(1, self.id, seq, payload, start)
        return raw_udp(self.mac, hmac, self.ip, hip, self.port, hwp, **kw)


def sort_replies(cap, peers, delivered, new):
    """File herald's new frames: PUBACKs to peers, DELIVERs to SUB;
    anything else is an error."""
    for q, dmac, dip, dport, body in new:
        typ = body[3]
        if typ == T_DELIVER and (dmac, dip, dport) == (
                mac_bytes(SUB[2]), SUB[0], SUB[1]):
            ch, seq, epoch, pid, _ts = struct.unpack_from("!QQIIQ", body, 8)
            delivered.append((ch, seq, epoch, pid, body[40:]))
            continue
        if typ == 7 and (dmac, dip, dport) == (
                mac_bytes(SUB[2]), SUB[0], SUB[1]):
            # A channel heartbeat (PROTOCOL.md 6, Liveness): a second
            # after the channel's last message, to its subscriber.
            ch, seq, _sub, epoch = struct.unpack_from("!QQII", body, 8)
            if ch == 0 or epoch == 0 or seq == 0:
                cap.errs.append("channel HEARTBEAT channel %d seq %d epoch "
                                "%#x" % (ch, seq, epoch))
            continue
        peer = [p for p in peers if (mac_bytes(p.mac), p.ip, p.port) ==
                (dmac, dip, dport)]
        if typ != T_PUBACK or not peer:
            cap.errs.append("frame type %d to %s %s:%d: nobody may get it"
                            % (typ, dmac.hex(), dip, dport))
            continue
        p = peer[0]
        pid, epoch, acked, _credit = puback_fields(body)
        if not p.answerable:
            cap.errs.append("%s: answered (PUBACK acked_seq %d) though its "
                            "source cannot be answered" % (p.name, acked))
        if pid != p.id or epoch == 0:
            cap.errs.append("%s: PUBACK publisher %#x epoch %#x"
                            % (p.name, pid, epoch))
        p.acks.append(acked)


def exchange(cap, peers, delivered, peer, frame, acked):
    """Send one frame from peer; with acked not None wait (2 s at most)
    for its PUBACK with that acked_seq, else give herald 0.3 s to answer
    what it must not."""
    peer.want_acks += [] if acked is None else [acked]
    cap.send(frame)
    if acked is None:
        sort_replies(cap, peers, delivered, cap.poll(0.3))
        return
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        sort_replies(cap, peers, delivered, cap.poll(0.05, len))
        if peer.acks and peer.acks[-1] == acked:
            return


def judge(cap, peers, delivered, want_payloads):
    for p in peers:
        dedup = [a for i, a in enumerate(p.acks)
                 if i == 0 or a != p.acks[i - 1]]
        if dedup != p.want_acks:
            cap.errs.append("%s: PUBACKs with acked_seq %s, expected %s"
                            % (p.name, p.acks, p.want_acks))
    seqs = [d[1] for d in delivered]
    if seqs != list(range(1, len(want_payloads) + 1)):
        cap.errs.append("subscriber got DELIVER seqs %s, expected 1..%d"
                        % (seqs, len(want_payloads)))
    got = [(d[3], d[4]) for d in delivered]
    if got != want_payloads:
        cap.errs.append("subscriber got (publisher, payload) %s, expected %s"
                        % ([(i, pl[:24]) for i, pl in got],
                           [(i, pl[:24]) for i, pl in want_payloads]))
    if len({d[2] for d in delivered}) > 1 or (delivered and
                                             delivered[0][2] == 0):
        cap.errs.append("channel epochs %s" % {d[2] for d in delivered})


def csum(cap, hmac, hip, args):
    """Cases, in PROTOCOL.md's words (sections 4 and 6):
      valid      START 1, then 2: accepted, acknowledged, delivered
      udp_zero   UDP checksum 0 ("none", RFC 768): the same
      udp_bad    START 1 with a wrong UDP checksum: dropped whole, so 2
                 (right checksum, no START) is an unknown session (PUBACK
                 0); START 1 again, right: accepted
      ip_bad     START 1 with a wrong IPv4 header checksum: not HWP, so 2
                 gets PUBACK 0
      unanswerable sources, each a START that would be accepted: source
      port 0 (twice, once with a wrong UDP checksum too: the source is
      checked first), limited broadcast, 127/8, 0/8 and 224/4 sources,
      Herald's own address, a group Ethernet source: nothing comes back.
    """
    mk = lambda i: ("198.18.1.%d" % (20 + i), 40200 + i,
                    "02:00:00:00:21:%02x" % i)
    valid = Peer("valid", 0xc5000001, *mk(1))
    zero = Peer("udp_zero", 0xc5000002, *mk(2))
    bad = Peer("udp_bad", 0xc5000003, *mk(3))
    ipbad = Peer("ip_bad", 0xc5000004, *mk(4))
    unans = [
        Peer("source port 0", 0xc5000010, "198.18.1.30", 0,
             "02:00:00:00:22:01", False),
        Peer("source port 0, bad UDP checksum", 0xc5000011, "198.18.1.31",
             0, "02:00:00:00:22:02", False),
        Peer("limited broadcast source", 0xc5000012, "255.255.255.255",
             40212, "02:00:00:00:22:03", False),
        Peer("loopback source", 0xc5000013, "127.0.0.1", 40213,
             "02:00:00:00:22:04", False),
        Peer("0/8 source", 0xc5000014, "0.0.0.0", 40214,
             "02:00:00:00:22:05", False),
        Peer("multicast source", 0xc5000015, "224.0.0.9", 40215,
             "02:00:00:00:22:06", False),
        Peer("Herald's own address", 0xc5000016, hip, 40216,
             "02:00:00:00:22:07", False),
        Peer("group Ethernet source", 0xc5000017, "198.18.1.37", 40217,
             "03:00:00:00:22:08", False),
    ]
    peers = [valid, zero, bad, ipbad] + unans
    dl, want = [], []
    pl = lambda p, seq: payload_of(p.name.replace(" ", "_"), seq, 100)

    def ex(p, seq, start, acked, **kw):
        exchange(cap, peers, dl, p, p.frame(hmac, hip, seq, pl(p, seq),
                                            start, **kw), acked)

    ex(valid, 1, True, 1)
    ex(valid, 2, False, 2)
    want += [(valid.id, pl(valid, 1)), (valid.id, pl(valid, 2))]
    ex(zero, 1, True, 1, udp_csum="zero")
    ex(zero, 2, False, 2, udp_csum="zero")
    want += [(zero.id, pl(zero, 1)), (zero.id, pl(zero, 2))]
    ex(bad, 1, True, None, udp_csum="bad")
    ex(bad, 2, False, 0)
    ex(bad, 1, True, 1)
    want += [(bad.id, pl(bad, 1))]
    ex(ipbad, 1, True, None, ip_csum=False)
    ex(ipbad, 2, False, 0)
    for p in unans:
        ex(p, 1, True, None,
           udp_csum="bad" if "bad UDP" in p.name else "valid")
    sort_replies(cap, peers, dl, cap.drain(0.3))
    judge(cap, peers, dl, want)
    return {"sent": cap.n_sent, "accepted": len(want),
            "pubacks": sum(len(p.acks) for p in peers)}


def jumbo(cap, hmac, hip, args):
    """Per SIZE:EXPECT argument, one publisher session sends one datagram
    of two PUBLISH frames with SIZE-byte payloads (START seq 1, seq 2).
    accepted: PUBACK acked_seq 2 and both messages delivered; dropped:
    nothing comes back, and seq 3 without START then gets PUBACK 0 (the
    START opened nothing)."""
    peers, dl, want, sizes = [], [], [], []
    for i, case in enumerate(args):
        size, expect = case.split(":")
        size = int(size)
        j = Peer("jumbo %d" % size, 0x10b00001 + i, "198.18.1.%d" % (40 + i),
                 40300 + i, "02:00:00:00:23:%02x" % i)
        peers.append(j)
        p1 = payload_of("j%d-1" % i, 1, size)
        p2 = payload_of("j%d-2" % i, 2, size)
        frame = raw_udp(j.mac, hmac, j.ip, hip, j.port,
                        publish_frame(1, j.id, 1, p1, True) +
                        publish_frame(1, j.id, 2, p2, False))
        sizes.append(len(frame))
        if expect == "accepted":
            exchange(cap, peers, dl, j, frame, 2)
            want += [(j.id, p1), (j.id, p2)]
        elif expect == "dropped":
            exchange(cap, peers, dl, j, frame, None)
            exchange(cap, peers, dl, j,
                     j.frame(hmac, hip, 3, b"after", False), 0)
        else:
            cap.errs.append("jumbo: %s: expect accepted or dropped" % case)
    sort_replies(cap, peers, dl, cap.drain(0.3))
    judge(cap, peers, dl, want)
    return {"sent": cap.n_sent, "accepted": len(want), "frame_bytes": sizes,
            "pubacks": sum(len(p.acks) for p in peers)}


def ethdev(sock, port, out):
    """rte_telemetry's /ethdev/info and /ethdev/stats of one port."""
    res = {}
    for cmd in ("/ethdev/info", "/ethdev/stats"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.connect(sock)
        json.loads(s.recv(16384).decode())  # greeting
        s.send(("%s,%s" % (cmd, port)).encode())
        res[cmd] = json.loads(s.recv(65536).decode())[cmd]
        s.close()
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
    return 0


# ------------------------------------------------------------------- main

def main(argv):
    if len(argv) == 5 and argv[1] == "ethdev":
        return ethdev(argv[2], argv[3], argv[4])
    if len(argv) < 6 or argv[1] not in ("steer", "csum", "jumbo"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, iface, hmac, hip, out = argv[1:6]
    cap = Capture(iface, hmac)
    res = {"steer": steer, "csum": csum, "jumbo": jumbo}[mode](
        cap, hmac, hip, argv[6:])
    res["errors"] = cap.errs
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
    for e in cap.errs[:30]:
        print("tap_hwp %s: %s" % (mode, e))
    if cap.errs:
        return 1
    print("tap_hwp %s: ok: %s" % (mode, json.dumps(
        {k: v for k, v in res.items() if k not in ("errors", "publishers")})))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
