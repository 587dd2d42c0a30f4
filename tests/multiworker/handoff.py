#!/usr/bin/python3
"""Two worker lcores (both on CPU 1: --lcores 0@0,1@1,2@1), one net_pcap
port with one RX and one TX queue per worker. Each worker receives other
publishers; channels live in slots of both workers, so messages cross
between them over the hand-off rings. Checks:

* exit 0, conservation, mempools back, handoffs_out == handoffs_in > 0;
* every DELIVER leaves on the TX queue of the worker that owns its slot;
* every subscriber gets every message of its channel exactly once, seqs
  1..N, payload byte-identical to one PUBLISH, and each publisher's
  messages keep their pub_seq order within the channel.

Usage: handoff.py HERALD HWP_GEN
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

# The replay runner's pcap reader and slot hash, the shared books checker.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "replay"))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from herald_books import book_errors  # noqa: E402
from run_case import fmix64, read_pcap  # noqa: E402

CHANNELS = range(1, 9)
SUBS = [(1, "198.18.2.1", "02:00:00:02:00:01"), (2, "198.18.2.2", "02:00:00:02:00:02")]


def udp_payload(pkt):
    ihl = (pkt[14] & 0xf) * 4
    return pkt[14 + ihl + 8:], pkt[14 + ihl:14 + ihl + 8], pkt[14:14 + ihl]


def publishes(path):
    """payload -> (channel, publisher, pub_seq) of single-frame PUBLISHes."""
    out = {}
    for _ts, pkt in read_pcap(path):
        hwp, _, _ = udp_payload(pkt)
        if hwp[3] != 1:
            continue
        ch, pub, _r, seq = struct.unpack_from("!QIIQ", hwp, 8)
        key = bytes(hwp[32:])
        # hwp-gen payloads start with channel, publisher and pub_seq, so
        # with >= 32 bytes each is unique: a clash is a broken input.
        if key in out:
            raise SystemExit("FAIL: two PUBLISHes share a payload in %s" % path)
        out[key] = (ch, pub, seq)
    return out


def main():
    herald, gen = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    p = lambda n: os.path.join(tmp, n)
    common = ["--mode", "publish", "--publishers", "2", "--channels", "8",
              "--messages", "400", "--quiet", "--payload-min", "32",
              "--payload-max", "200"]
    subprocess.run([gen, "-o", p("a.pcap"), "--pub-ip", "198.18.1.1",
                    "--publisher-id-base", "1", "--seed", "1"] + common, check=True)
    subprocess.run([gen, "-o", p("b.pcap"), "--pub-ip", "198.18.1.11",
                    "--publisher-id-base", "11", "--seed", "2"] + common, check=True)
    with open(p("h.ini"), "w") as f:
        f.write("[herald]\nepoch = 5\n[lcores]\nworkers = 1,2\nslots = spread\n")
    with open(p("cmds"), "w") as f:
        for ch in CHANNELS:
            for sid, ip, mac in SUBS:
                f.write("sub add %d %d %s 40000 %s\n" % (ch, sid, ip, mac))
    r = subprocess.run(
        [herald, "--lcores", "0@0,1@1,2@1", "--no-huge", "-m", "1024",
         "--file-prefix", "hmw%d" % os.getpid(), "--log-level=warning",
         "--vdev", "net_pcap0,rx_pcap=%s,rx_pcap=%s,tx_pcap=%s,tx_pcap=%s" %
         (p("a.pcap"), p("b.pcap"), p("o0.pcap"), p("o1.pcap")), "--",
         "--config", p("h.ini"), "--cmdline-file", p("cmds"),
         "--exit-when-idle", "500", "--stats-json", p("s.json"), "--clock", "pcap"],
        capture_output=True, text=True, timeout=120)
    errors = []
    if r.returncode != 0:
        print(r.stdout + r.stderr)
        print("FAIL: herald exit %d" % r.returncode)
        return 1
    d = json.load(open(p("s.json")))
    c = d["counters"]
    errors += book_errors(d)
    if not c["handoffs_out"] > 0:
        errors.append("no hand-offs between the workers")

    pubs = publishes(p("a.pcap"))
    pubs.update(publishes(p("b.pcap")))
    got = {}  # (channel, subscriber ip) -> list of (seq, publisher, pub_seq)
    for queue, name in ((0, "o0.pcap"), (1, "o1.pcap")):
        for _ts, pkt in read_pcap(p(name)):
            hwp, udp, ip = udp_payload(pkt)
            if hwp[3] != 2:
                continue
            ch, seq, epoch, pub, _ts = struct.unpack_from("!QQIIQ", hwp, 8)
            owner = 0 if fmix64(ch) % 4096 < 2048 else 1
            if queue != owner:
                errors.append("channel %d seq %d left on queue %d, owner %d" % (ch, seq, queue, owner))
            src = pubs.get(bytes(hwp[40:]))
            if src is None or src[0] != ch or src[1] != pub:
                errors.append("channel %d seq %d: payload matches no PUBLISH of it" % (ch, seq))
                continue
            dst = ".".join(str(b) for b in ip[16:20])
            got.setdefault((ch, dst), []).append((seq, pub, src[2]))
    per_channel = {}
    for (ch, pub, _s) in pubs.values():
        per_channel[ch] = per_channel.get(ch, 0) + 1
    for ch in CHANNELS:
        for _sid, ip, _mac in SUBS:
            msgs = sorted(got.get((ch, ip), []))
            seqs = [m[0] for m in msgs]
            if seqs != list(range(1, per_channel[ch] + 1)):
                errors.append("channel %d subscriber %s: seqs %s.. (%d of %d)" %
                              (ch, ip, seqs[:5], len(seqs), per_channel[ch]))
            last = {}
            for _seq, pub, ps in msgs:
                if ps <= last.get(pub, 0):
                    errors.append("channel %d: publisher %d pub_seq %d after %d" % (ch, pub, ps, last[pub]))
                last[pub] = ps
    for e in errors[:20]:
        print("FAIL:", e)
    print("handoff: %s (%d hand-offs, %d deliveries)" %
          ("FAIL" if errors else "OK", c["handoffs_out"], c["deliveries"]))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
