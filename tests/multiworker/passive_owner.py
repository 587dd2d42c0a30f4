#!/usr/bin/python3
"""Passive subscriptions with two workers (PROTOCOL.md 6, Passive
subscriptions; docs/RELIABILITY.md): PASSIVE SUBSCRIBEs arrive on both
workers for channels either may own, between PUBLISHes, with no pause
point; one endpoint later turns active on half the channels with
from_seq 1. The capture's clock then jumps 3 s (a keep-alive on each
queue). Checks:

* every SUBACK OK, on the TX queue of the channel's owner;
* a passive endpoint gets no DELIVER of the channel; the promoted one
  gets RETRANSMITs 1 .. next_seq - 1 and then every live seq from its
  SUBACK's next_seq on, nothing twice, all on the owner's queue;
* a pulse is a HEARTBEAT with the channel's last seq, on the owner's
  queue: every passive endpoint whose SUBACK came before a message of the
  channel gets exactly one (all messages fall within one second), the
  others none; the promoted endpoint gets, on its active channels, the
  one channel heartbeat of an idle channel instead (same frame);
* exit 0, the books (control plane included) and the mbuf pools.

Usage: passive_owner.py HERALD HWP_GEN
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mw_common import gen, owner, run_built  # noqa: E402
from mw_common import verdict  # noqa: E402

KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
CHANNELS = range(1, 9)
PROMOTED = range(1, 5)  # endpoint 3 turns active on these
LATER = "1700000003.000000"


def sub_args(k, mode, channels, *more):
    return ["--append", "--mode", mode, "--subscribers", "1",
            "--subscriber-id-base", str(k), "--sub-ip", "198.18.2.%d" % k,
            "--sub-mac", "02:00:00:02:00:%02x" % k, "--channel-list",
            ",".join(map(str, channels)), "--seed", str(100 + k)] + list(more)


def build(hwp_gen, tmp):
    """a.pcap: endpoints 1, 2 PASSIVE, publisher 1; b.pcap: endpoints 3,
    4 PASSIVE, publisher 2, then 3 active on 1-4 from seq 1, publisher 2
    again. Each ends with a keep-alive 3 s on."""
    for name, pub, subs in (("a", 1, (1, 2)), ("b", 2, (3, 4))):
        pcap = os.path.join(tmp, name + ".pcap")
        gen(hwp_gen, pcap, "--mode", "publish", "--channel-list", "1-8",
            "--messages", "8", "--publisher-id-base", str(pub),
            "--pub-ip", "198.18.1.%d" % pub, "--payload-size", "24",
            "--seed", str(pub))
        for k in subs:
            gen(hwp_gen, pcap, *sub_args(k, "subscribe", CHANNELS,
                                         "--passive"))
        seq = 9
        for r in range(3):
            gen(hwp_gen, pcap, "--append", "--mode", "publish",
                "--channel-list", "1-8", "--messages", "200",
                "--publisher-id-base", str(pub), "--pub-ip",
                "198.18.1.%d" % pub, "--payload-size", "24",
                "--first-pub-seq", str(seq), "--no-start",
                "--seed", str(pub * 10 + r))
            seq += 200
            if name == "b" and r == 0:
                gen(hwp_gen, pcap, *sub_args(3, "subscribe", PROMOTED,
                                             "--from-seq", "1"))
        k = subs[0]
        gen(hwp_gen, pcap, "--append", "--mode", "heartbeat",
            "--subscribers", "1", "--subscriber-id-base", str(k),
            "--sub-ip", "198.18.2.%d" % k, "--sub-mac",
            "02:00:00:02:00:%02x" % k, "--start-time", LATER,
            "--seed", str(200 + k))


def check(out, pubs, errors):
    last = {}
    for ch, _pub, _seq, _idx in pubs.values():
        last[ch] = last.get(ch, 0) + 1
    acks, dlv, hbs = {}, {}, {}
    for n, (queue, d, hwp) in enumerate(out):
        ip = d["dst_ip"] & 0xff
        if hwp[3] == 6:
            ch, _sub, status, _r, nseq = struct.unpack("!QIB3sQ", hwp[8:32])
            if status != 0 or queue != owner(ch):
                errors.append("channel %d endpoint %d: SUBACK status %d on "
                              "queue %d (owner %d)" % (ch, ip, status, queue,
                                                       owner(ch)))
            acks.setdefault((ch, ip), []).append((n, nseq))
        elif hwp[3] == 2:
            ch, seq = struct.unpack_from("!QQ", hwp, 8)
            dlv.setdefault((ch, ip), []).append((n, seq, hwp[4] & 1,
                                                  queue))
        elif hwp[3] == 7:
            ch, seq = struct.unpack_from("!QQ", hwp, 8)
            if ch != 0:
                hbs.setdefault((ch, ip), []).append((seq, queue))
    for ch in CHANNELS:
        for ip in (1, 2, 3, 4):
            a = acks.get((ch, ip), [])
            where = "channel %d endpoint 198.18.2.%d" % (ch, ip)
            promoted = ip == 3 and ch in PROMOTED
            if len(a) != (2 if promoted else 1):
                errors.append("%s: %d SUBACKs" % (where, len(a)))
                continue
            got = dlv.get((ch, ip), [])
            if not promoted:
                if got:
                    errors.append("%s: passive, got %d DELIVERs"
                                  % (where, len(got)))
            else:
                check_promoted(where, a[1], got, last[ch], ch, errors)
            check_heartbeats(where, hbs.get((ch, ip), []), a[0][1],
                             last[ch], owner(ch), promoted, errors)
    mid = sum(1 for (ch, ip), a in acks.items() if a[0][1] > 1)
    if mid < 8:
        errors.append("only %d passive subscriptions took effect after a "
                      "channel's first message" % mid)


def check_heartbeats(where, h, next_seq, last, queue, promoted, errors):
    """Pulses need a message after the SUBACK (none otherwise); when the
    clock jumps the owner pulses what it has sequenced by then, and
    again if the other worker's messages of the channel follow: each
    pulse says a newer seq, the last one the channel's last. The promoted
    endpoint's active channel ends idle: its channel heartbeat (the same
    frame) says the last seq too."""
    if not promoted and next_seq > last:
        if h:
            errors.append("%s: HEARTBEATs %r without news since its "
                          "SUBACK" % (where, h))
        return
    seqs = [s for s, _q in h]
    if not h or seqs[-1] != last or seqs != sorted(set(seqs)) or any(
            q != queue for _s, q in h) or (not promoted
                                           and seqs[0] < next_seq):
        errors.append("%s: HEARTBEATs %r, expected increasing seqs from "
                      "%d to the last, %d, on queue %d"
                      % (where, h, next_seq, last, queue))


def check_promoted(where, ack, got, last, ch, errors):
    """RETRANSMITs 1 .. next_seq - 1 after the SUBACK, then live."""
    n_ack, nseq = ack
    rtx = [s for n, s, f, _q in got if f and n > n_ack]
    live = [s for n, s, f, _q in got if not f]
    if rtx != list(range(1, nseq)) or live != list(range(nseq, last + 1)):
        errors.append("%s: promoted at %d: RETRANSMITs %s, live %s (last "
                      "%d)" % (where, nseq, span(rtx), span(live), last))
    if any(q != owner(ch) for _n, _s, _f, q in got) or any(
            n < n_ack for n, _s, _f, _q in got):
        errors.append("%s: a DELIVER off the owner's queue or before the "
                      "SUBACK" % where)


def span(seqs):
    return "%d..%d (%d)" % (seqs[0], seqs[-1], len(seqs)) if seqs else "[]"


def main():
    stats, out, pubs, errors = run_built(
        sys.argv[1], sys.argv[2], build, "token_key = %s\n" % KEY)
    check(out, pubs, errors)
    k, c = stats["control"], stats["counters"]
    if k["passive_subscribed"] != 32 or k["promoted"] != 4:
        errors.append("control: %d passive, %d promoted (32, 4)"
                      % (k["passive_subscribed"], k["promoted"]))
    if c["passive_added"] != 32 or c["passive_removed"] != 4:
        errors.append("owners: %d passive added, %d removed (32, 4)"
                      % (c["passive_added"], c["passive_removed"]))
    return verdict("passive_owner", errors)


if __name__ == "__main__":
    sys.exit(main())
