#!/usr/bin/python3
"""Two worker lcores (both on CPU 1: --lcores 0@0,1@1,2@1), one net_pcap
port with one RX and one TX queue per worker. Each worker receives other
publishers; channels live in slots of both workers, so messages cross
between them over the hand-off rings. Checks:

* exit 0, conservation, mempools back, handoffs_out == handoffs_in > 0;
* every output packet's headers and checksums, one frame per datagram;
* every DELIVER leaves on the TX queue of the worker that owns its slot;
* per channel and subscriber, the DELIVERs in wire order (no sorting)
  carry seqs 1, 2, ... N, one epoch (never 0) for the channel, payloads
  byte-identical to one PUBLISH each, and each publisher's messages in
  pub_seq order;
* every publisher's last PUBACK acknowledges all it sent.

Usage: handoff.py HERALD HWP_GEN
"""
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mw_common import (gen, outputs, owner, publishes, run_two,  # noqa
                       verdict)

CHANNELS = range(1, 9)
SUBS = [(1, "198.18.2.1", "02:00:00:02:00:01"),
        (2, "198.18.2.2", "02:00:00:02:00:02")]
MESSAGES = 400


def check_delivers(out, pubs, errors):
    got = {}  # (channel, subscriber ip) -> [(seq, epoch, pub, pub_seq)]
    for queue, d, hwp in out:
        if hwp[3] != 2:
            continue
        ch, seq, epoch, pub, _ts = struct.unpack_from("!QQIIQ", hwp, 8)
        if queue != owner(ch):
            errors.append("channel %d seq %d left on queue %d, owner %d"
                          % (ch, seq, queue, owner(ch)))
        src = pubs.get(bytes(hwp[40:]))
        if src is None or src[0] != ch or src[1] != pub:
            errors.append("channel %d seq %d: payload matches no PUBLISH "
                          "of it" % (ch, seq))
            continue
        dst = ".".join(str(b) for b in struct.pack("!I", d["dst_ip"]))
        got.setdefault((ch, dst), []).append((seq, epoch, pub, src[2]))
    per_channel = {}
    for (ch, _pub, _s, _i) in pubs.values():
        per_channel[ch] = per_channel.get(ch, 0) + 1
    for ch in CHANNELS:
        for _sid, ip, _mac in SUBS:
            msgs = got.get((ch, ip), [])  # wire order
            seqs = [m[0] for m in msgs]
            if seqs != list(range(1, per_channel[ch] + 1)):
                errors.append("channel %d subscriber %s: seqs in wire order "
                              "%s.. (%d of %d)" % (ch, ip, seqs[:8],
                                                   len(seqs),
                                                   per_channel[ch]))
            if len({m[1] for m in msgs}) != 1 or any(m[1] == 0
                                                     for m in msgs):
                errors.append("channel %d subscriber %s: epochs %s"
                              % (ch, ip, sorted({m[1] for m in msgs})))
            last = {}
            for _seq, _e, pub, ps in msgs:
                if ps <= last.get(pub, 0):
                    errors.append("channel %d: publisher %d pub_seq %d "
                                  "after %d" % (ch, pub, ps, last[pub]))
                last[pub] = ps


def check_pubacks(out, pubs, errors):
    last = {}
    for _q, _d, hwp in out:
        if hwp[3] == 3:
            pub, _e, acked = struct.unpack_from("!IIQ", hwp, 8)
            last[pub] = acked
    sent = {}
    for (_ch, pub, ps, _i) in pubs.values():
        sent[pub] = max(sent.get(pub, 0), ps)
    for pub, n in sorted(sent.items()):
        if last.get(pub) != n:
            errors.append("publisher %d: last PUBACK %s, sent %d"
                          % (pub, last.get(pub), n))


def main():
    herald, hwp_gen = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    p = lambda n: os.path.join(tmp, n)  # noqa: E731
    common = ["--mode", "publish", "--publishers", "2", "--channels", "8",
              "--messages", str(MESSAGES), "--payload-min", "32",
              "--payload-max", "200"]
    gen(hwp_gen, p("a.pcap"), "--pub-ip", "198.18.1.1",
        "--publisher-id-base", "1", "--seed", "1", *common)
    gen(hwp_gen, p("b.pcap"), "--pub-ip", "198.18.1.11",
        "--publisher-id-base", "11", "--seed", "2", *common)
    with open(p("cmds"), "w") as f:
        for ch in CHANNELS:
            for sid, ip, mac in SUBS:
                f.write("sub add %d %d %s 40000 %s\n" % (ch, sid, ip, mac))
    d, errors = run_two(herald, tmp, p("cmds"), 2 * MESSAGES)
    c = d["counters"]
    if not c["handoffs_out"] > 0:
        errors.append("no hand-offs between the workers")
    pubs = publishes(p("a.pcap"))
    pubs.update(publishes(p("b.pcap")))
    out, errs = outputs(tmp, 2)
    errors += errs
    check_delivers(out, pubs, errors)
    check_pubacks(out, pubs, errors)
    return verdict("handoff", errors[:20], "%d hand-offs, %d deliveries"
                   % (c["handoffs_out"], c["deliveries"]))


if __name__ == "__main__":
    sys.exit(main())
