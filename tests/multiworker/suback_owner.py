#!/usr/bin/python3
"""SUBSCRIBE and UNSUBSCRIBE with two workers (docs/CONTROL.md, the
timing of next_seq): a subscriber's frames arrive on one worker while
the channel may belong to the other, between PUBLISHes from both workers,
with no pause point. Checks, from PROTOCOL.md 6 (Subscribing):

* every OK SUBACK leaves on the TX queue of the worker owning the
  channel's slot (the one that sequences it), with the channel's epoch;
* per channel and endpoint, the DELIVERs on that queue are exactly
  next_seq, next_seq + 1, ... up to the channel's last message, or to
  the UNSUBSCRIBE SUBACK's next_seq - 1: none missing, none extra;
* each SUBACK leaves before the first DELIVER of its next_seq;
* exit 0, the books (control plane included) and the mbuf pools.

Usage: suback_owner.py HERALD HWP_GEN
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mw_common import gen, owner, run_built  # noqa: E402
from mw_common import verdict  # noqa: E402

KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
CHANNELS = "1-8"


def subscribe(hwp_gen, pcap, mode, k, channels):
    gen(hwp_gen, pcap, "--append", "--mode", mode, "--subscribers", "1",
        "--subscriber-id-base", str(k), "--sub-ip", "198.18.2.%d" % k,
        "--sub-mac", "02:00:00:02:00:%02x" % k, "--channel-list", channels,
        "--batch", "8", "--seed", str(100 + k))


def build(hwp_gen, tmp):
    """a.pcap: publisher 1 and subscribers 1-4; b.pcap: publisher 2 and
    subscribers 5-8, who join after 0.. 3 rounds; 5 leaves 1-4 later."""
    for name, pub, subs in (("a", 1, range(1, 5)), ("b", 2, range(5, 9))):
        pcap = os.path.join(tmp, name + ".pcap")
        seq = 1
        for r, k in enumerate(list(subs) + [None, None]):
            gen(hwp_gen, pcap, *(["--append"] if r else []), "--mode",
                "publish", "--channel-list", CHANNELS, "--messages", "400",
                "--publisher-id-base", str(pub), "--pub-ip",
                "198.18.1.%d" % pub, "--payload-size", "24",
                "--first-pub-seq", str(seq), "--seed", str(pub * 10 + r),
                *(["--no-start"] if seq > 1 else []))
            seq += 400
            if k is not None:
                subscribe(hwp_gen, pcap, "subscribe", k, CHANNELS)
            elif name == "b" and r == len(subs):
                subscribe(hwp_gen, pcap, "unsubscribe", 5, "1-4")


def check(out, pubs, errors):
    last, epochs = {}, {}
    for ch, _pub, _seq, _idx in pubs.values():
        last[ch] = last.get(ch, 0) + 1
    acks = {}  # (ch, ip) -> [(index in its queue, next_seq, epoch)]
    dlv = {}  # (ch, ip) -> [(index, seq)]
    for n, (queue, d, hwp) in enumerate(out):
        ip = d["dst_ip"] & 0xff
        if hwp[3] == 6:
            ch, sub, status, _r, nseq, epoch, _r2 = struct.unpack(
                "!QIB3sQII", hwp[8:40])
            if status != 0:
                errors.append("SUBACK status %d for channel %d subscriber "
                              "%d" % (status, ch, sub))
                continue
            if queue != owner(ch):
                errors.append("channel %d SUBACK left on queue %d, owner %d"
                              % (ch, queue, owner(ch)))
            acks.setdefault((ch, ip), []).append((n, nseq, epoch))
        elif hwp[3] == 2:
            ch, seq, epoch = struct.unpack_from("!QQI", hwp, 8)
            epochs.setdefault(ch, set()).add(epoch)
            dlv.setdefault((ch, ip), []).append((n, seq))
    for (ch, ip), a in sorted(acks.items()):
        got = [s for _n, s in dlv.get((ch, ip), [])]
        end = last[ch] if len(a) == 1 else a[1][1] - 1
        want = list(range(a[0][1], end + 1))
        where = "channel %d subscriber 198.18.2.%d" % (ch, ip)
        if got != want:
            errors.append("%s: SUBACKs %r, DELIVERs %s, expected %d..%d" % (
                where, [x[1] for x in a], short(got), a[0][1], end))
        first = [n for n, s in dlv.get((ch, ip), []) if s >= a[0][1]]
        if first and first[0] < a[0][0]:
            errors.append("%s: a DELIVER before its SUBACK" % where)
        if epochs.get(ch) and {x[2] for x in a} != epochs[ch]:
            errors.append("%s: SUBACK epochs %r, DELIVERs %r" % (
                where, {x[2] for x in a}, epochs[ch]))
    if len(acks) != 64:
        errors.append("%d (channel, endpoint) pairs answered, 64 expected"
                      % len(acks))
    mid = sum(1 for a in acks.values() if a[0][1] > 1)
    if mid < 16:
        errors.append("only %d subscriptions took effect after a channel's "
                      "first message: the case no longer tests mid-stream "
                      "changes" % mid)


def short(seqs):
    return str(seqs) if len(seqs) < 10 else "%d..%d (%d)" % (
        seqs[0], seqs[-1], len(seqs))


def main():
    stats, out, pubs, errors = run_built(
        sys.argv[1], sys.argv[2], build, "token_key = %s\n" % KEY)
    check(out, pubs, errors)
    k = stats["control"]
    if k["subscribed"] != 64 or k["unsubscribed"] != 4:
        errors.append("control: %d subscribed, %d unsubscribed (64, 4)" % (
            k["subscribed"], k["unsubscribed"]))
    return verdict("suback_owner", errors)


if __name__ == "__main__":
    sys.exit(main())
