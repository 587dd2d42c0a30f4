#!/usr/bin/python3
"""NACK repair with two workers (PROTOCOL.md 6, History;
docs/RELIABILITY.md): a NACK received by one worker for a channel whose
slot the other owns is handed to the owner, which answers it from the
channel's history. Both workers' captures publish on channels 1-8 (their
slots spread over both workers), then, after a pause point (every
message sequenced), subscriber 1 NACKs seqs 1-3 of every channel on
worker 0's queue and subscriber 2 on worker 1's. Checks:

* every RETRANSMIT leaves on the TX queue of the channel's owner, to the
  subscriber that asked, and is the live DELIVER of that seq to it, byte
  for byte but the RETRANSMIT flag;
* per channel and subscriber exactly seqs 1, 2, 3, once each;
* one hand-off per channel (from the worker that does not own it), the
  verdicts, exit 0, the books and the mbuf pools.

Usage: nack_owner.py HERALD HWP_GEN
"""
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mw_common import gen, outputs, owner, run_two, verdict  # noqa: E402
from hwp_pcap import read_pcap  # noqa: E402

CHANNELS = range(1, 9)
MESSAGES = 48  # per capture: 6 per channel


def build(hwp_gen, tmp):
    for q, (name, pub) in enumerate((("a", 1), ("b", 2))):
        pcap = os.path.join(tmp, name + ".pcap")
        gen(hwp_gen, pcap, "--mode", "publish", "--channel-list", "1-8",
            "--messages", str(MESSAGES), "--publisher-id-base", str(pub),
            "--pub-ip", "198.18.1.%d" % pub, "--payload-size", "24",
            "--seed", str(pub))
        gen(hwp_gen, pcap, "--append", "--mode", "nack", "--subscribers",
            "1", "--subscriber-id-base", str(q + 1), "--sub-ip",
            "198.18.2.%d" % (q + 1), "--channel-list", "1-8",
            "--from-seq", "1", "--count", "3", "--seed", str(10 + q))
    cmds = os.path.join(tmp, "cmds")
    with open(cmds, "w") as f:
        for ch in CHANNELS:
            for k in (1, 2):
                f.write("sub add %d %d 198.18.2.%d 40000 02:00:00:02:00:%02x\n"
                        % (ch, k, k, k))
        # Every message is sequenced before the first NACK is read.
        f.write("pause at %d\nresume\n" % MESSAGES)
    return cmds


def check(out, errors):
    live, rtx = {}, {}
    for queue, d, hwp in out:
        if hwp[3] != 2:
            continue
        ch, seq = struct.unpack_from("!QQ", hwp, 8)
        key = (ch, d["dst_ip"] & 0xff, seq)
        if hwp[4] == 0:
            live[key] = bytes(hwp)
            continue
        if queue != owner(ch):
            errors.append("channel %d RETRANSMIT on queue %d, owner %d"
                          % (ch, queue, owner(ch)))
        rtx.setdefault(key[:2], []).append(seq)
        plain = bytes(hwp[:4]) + b"\0" + bytes(hwp[5:])
        if live.get(key) != plain:
            errors.append("channel %d seq %d to 198.18.2.%d: RETRANSMIT "
                          "differs from its DELIVER beyond the flag" % (
                              ch, seq, key[1]))
    for ch in CHANNELS:
        for k in (1, 2):
            if sorted(rtx.get((ch, k), [])) != [1, 2, 3]:
                errors.append("channel %d subscriber %d: RETRANSMITs %r, "
                              "expected seqs 1-3" % (ch, k,
                                                     rtx.get((ch, k))))


def main():
    herald, hwp_gen = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    cmds = build(hwp_gen, tmp)
    packets = sum(len(read_pcap(os.path.join(tmp, p + ".pcap")))
                  for p in ("a", "b"))
    stats, errors = run_two(herald, tmp, cmds, packets)
    out, errs = outputs(tmp, 2)
    errors += errs
    check(out, errors)
    c, fr = stats["counters"], stats["frames"]
    handed = sum(1 for ch in CHANNELS for q in (0, 1) if owner(ch) != q)
    for name, got, want in (
            ("frames.nack_accepted", fr["nack_accepted"], 16),
            ("nack_answered", c["nack_answered"], 16),
            ("retransmits", c["retransmits"], 48),
            ("gaps", c["gaps"], 0),
            ("nack_handoffs_out", c["nack_handoffs_out"], handed),
            ("nack_handoffs_in", c["nack_handoffs_in"], handed)):
        if got != want:
            errors.append("%s = %d, expected %d" % (name, got, want))
    if len({owner(ch) for ch in CHANNELS}) != 2:
        errors.append("channels 1-8 no longer span both workers")
    return verdict("nack_owner", errors)


if __name__ == "__main__":
    sys.exit(main())
