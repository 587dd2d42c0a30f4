#!/usr/bin/python3
"""'pause at N' is exact with two workers (hardening issue, defect 2).

Each worker reads its own capture; every channel is fed by both, and each
channel's slot is owned by one of them, so half of all messages cross
between the workers on the hand-off rings. The command file pauses at
several points and, at each, subscribes a new endpoint to every channel.
'pause at N' must return only once each worker has received N packets
and every message either of them received before that point has been
sequenced by its owner (hand-offs out == in): then the new subscriber
gets exactly the messages of packets N, N+1, ... of both captures,
nothing from before, nothing missing. A pause that returned with a
hand-off still in a ring would deliver that message to the new
subscriber (or, with 'sub del', withhold it from an old one).

Also: 'pause at N' when a worker is already past N is an error.

Usage: pause_exact.py HERALD HWP_GEN
"""
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mw_common import (gen, outputs, publishes, run_herald,  # noqa: E402
                       run_two, verdict, write_ini)

CHANNELS = list(range(1, 7))
MESSAGES = 600
PAUSES = [50, 150, 151, 300, 450]


def sub_ip(k):
    return "198.18.2.%d" % (10 + k)


def main():
    herald, hwp_gen = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    p = lambda n: os.path.join(tmp, n)  # noqa: E731
    common = ["--mode", "publish", "--publishers", "3", "--channels",
              str(len(CHANNELS)), "--messages", str(MESSAGES),
              "--payload-size", "40", "--interval-us", "1"]
    gen(hwp_gen, p("a.pcap"), "--pub-ip", "198.18.1.1",
        "--publisher-id-base", "1", "--seed", "3", *common)
    gen(hwp_gen, p("b.pcap"), "--pub-ip", "198.18.1.21",
        "--publisher-id-base", "21", "--seed", "4", *common)
    with open(p("cmds"), "w") as f:
        for k, at in enumerate(PAUSES):
            f.write("pause at %d\n" % at)
            for ch in CHANNELS:
                f.write("sub add %d %d %s 40000 02:00:00:02:01:%02x\n"
                        % (ch, 100 + k, sub_ip(k), k))
        f.write("resume\n")
    d, errors = run_two(herald, tmp, p("cmds"), 2 * MESSAGES)
    if d["counters"]["handoffs_out"] == 0:
        errors.append("no hand-offs: the test proves nothing")
    pubs = publishes(p("a.pcap"))
    pubs.update(publishes(p("b.pcap")))
    out, errs = outputs(tmp, 2)
    errors += errs
    got = {}  # (subscriber ip, channel) -> set of (publisher, pub_seq)
    for _q, dd, hwp in out:
        if hwp[3] != 2:
            continue
        ch = struct.unpack_from("!Q", hwp, 8)[0]
        src = pubs.get(bytes(hwp[40:]))
        if src is None:
            errors.append("a DELIVER matches no PUBLISH")
            continue
        dst = ".".join(str(b) for b in struct.pack("!I", dd["dst_ip"]))
        got.setdefault((dst, ch), set()).add((src[1], src[2]))
    for k, at in enumerate(PAUSES):
        for ch in CHANNELS:
            want = {(pub, ps) for (c, pub, ps, idx) in pubs.values()
                    if c == ch and idx >= at}
            have = got.get((sub_ip(k), ch), set())
            if have != want:
                early = sorted(have - want)[:4]
                missed = sorted(want - have)[:4]
                errors.append("pause at %d, channel %d: %d DELIVERs, "
                              "expected %d; from before the pause %s, "
                              "missing %s" % (at, ch, len(have), len(want),
                                              early, missed))
    # Past the point already: an error, and herald stops (exit 2).
    with open(p("cmds2"), "w") as f:
        f.write("pause at 100\npause at 40\n")
    rc, log = run_herald(herald, tmp, [p("a.pcap"), p("b.pcap")],
                         write_ini(tmp), p("cmds2"),
                         exit_after=2 * MESSAGES)
    if rc != 2 or "cmds2:2" not in log or "already" not in log:
        errors.append("'pause at 40' after 'pause at 100': exit %d, want 2 "
                      "naming cmds2:2:\n%s" % (rc, log[-1500:]))
    return verdict("pause_exact", errors[:20], "%d pause points, %d hand-offs"
                   % (len(PAUSES), d["counters"]["handoffs_out"]))


if __name__ == "__main__":
    sys.exit(main())
