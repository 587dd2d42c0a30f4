#!/usr/bin/python3
"""mbuf ownership on every error path, reached on purpose with tiny pools
and rings (hardening issue, section 4): each scenario must exhaust what
it names, count it, and still balance the books and return every mbuf to
its pool. The egress port is a net_ring whose one ring is both its TX and
its RX queue, so DELIVERs stay referenced while they sit in the ring (as
on a NIC whose TX ring is full) until herald reads them back as non-HWP.

  headers: [mempool] header_mbufs = 1024 against 100 subscribers:
           deliveries_nombuf, and pubacks_nombuf for the PUBACKs 0 owed
           to an unknown publisher whose frames come between;
  indirect: indirect_mbufs = 256 against batched datagrams whose
           messages are held by their DELIVERs: publish_nombuf (dropped
           unacknowledged: no PUBACK covers a dropped frame);
  flat:    HERALD_TEST_FLAT_TX=1 (every port as one without chains) and
           flat_mbufs = 256: deliveries_flat_nombuf;
  handoff: two workers on one CPU, handoff_ring_size = 64, everything
           received by the worker that owns none of the channels:
           publish_handoff_full (dropped unacknowledged).

Usage: exhaustion.py --herald BIN --gen HWP_GEN --workdir DIR
"""
import argparse
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import book_errors  # noqa: E402
from hwp_pcap import fmix64, read_pcap, write_pcap  # noqa: E402


def generate(args, work, gen_args, interleave):
    """The input capture; with interleave, a second capture's packets
    alternate with the first's."""
    pcap = os.path.join(work, "in.pcap")
    subprocess.run([args.gen, "-q", "-o", pcap] + gen_args, check=True)
    if interleave is None:
        return pcap, len(read_pcap(pcap))
    other = os.path.join(work, "other.pcap")
    subprocess.run([args.gen, "-q", "-o", other] + interleave, check=True)
    a, b = read_pcap(pcap), read_pcap(other)
    mixed = []
    for i in range(max(len(a), len(b))):
        mixed += a[i:i + 1] + b[i:i + 1]
    write_pcap(pcap, [(k * 1000, p) for k, (_t, p) in enumerate(mixed)])
    return pcap, len(mixed)


def run(args, name, gen_args, ini, cmds, env=None, two_workers=False,
        interleave=None):
    work = os.path.join(args.workdir, name)
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "out.pcap")
    stats = os.path.join(work, "stats.json")
    pcap, n = generate(args, work, gen_args, interleave)
    with open(os.path.join(work, "herald.ini"), "w") as f:
        # No control socket: a test never meets an operator's herald.
        f.write(ini + "[control]\nsocket = none\n")
    with open(os.path.join(work, "commands"), "w") as f:
        f.write(cmds)
    ring = "hx%s%d" % (name[:4], os.getpid())
    lcores = ["--lcores", "0@0,1@1,2@1"] if two_workers else ["-l", "0-1"]
    vdevs = ["--vdev", "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (pcap, out)]
    if two_workers:
        vdevs = ["--vdev", "net_pcap0,rx_pcap=%s,rx_pcap=%s,tx_pcap=%s,"
                 "tx_pcap=%s" % (pcap, os.path.join(work, "empty.pcap"),
                                 out, os.path.join(work, "out1.pcap"))]
        subprocess.run([args.gen, "-q", "-o", os.path.join(work, "empty.pcap"),
                        "--mode", "publish", "--messages", "1",
                        "--pub-ip", "198.18.1.200", "--channel-list", "1"],
                       check=True)
        n += 1
    else:
        vdevs += ["--vdev", "net_ring0,nodeaction=%s:0:CREATE" % ring]
    argv = ([args.herald] + lcores + ["--no-huge", "-m", "1024", "--no-pci",
             "--file-prefix", "hx%s%d" % (name, os.getpid()),
             "--log-level=warning"] + vdevs +
            ["--", "--config", os.path.join(work, "herald.ini"),
             "--cmdline-file", os.path.join(work, "commands"),
             "--stats-json", stats, "--clock", "pcap"] +
            # The ring port loops DELIVERs back into herald (counted as
            # received too): end on silence, once the ring ran dry.
            (["--exit-after-packets", str(n)] if two_workers else
             ["--exit-when-idle", "500"]))
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(argv, capture_output=True, text=True, timeout=100,
                       env=e)
    errs = []
    if p.returncode != 0 or not os.path.exists(stats):
        return None, ["%s: herald exit %d\n%s" % (name, p.returncode,
                                                   p.stderr[-2000:])], out
    d = json.load(open(stats))
    errs += ["%s: %s" % (name, e) for e in book_errors(d)]
    return d, errs, out


def last_acked(out):
    acked = {}
    for _ts, pkt in read_pcap(out):
        if pkt[42 + 3] == 3:
            pub, _e, a = struct.unpack_from("!IIQ", pkt, 42 + 8)
            acked[pub] = a
    return acked


def subs(channel, n, start=1):
    return "".join("sub add %d %d 198.18.2.%d 40000 02:00:00:02:00:%02x\n"
                   % (channel, i, i, i) for i in range(start, start + n))


def check(errs, name, d, counter, group="counters"):
    if d is not None and d[group][counter] == 0:
        errs.append("%s: %s.%s stayed 0: the path was not reached"
                    % (name, group, counter))


def not_acked_beyond(errs, name, d, out):
    """No PUBACK acknowledges more than was sequenced (one publisher)."""
    if d is None:
        return
    acked = last_acked(out).get(1, 0)
    if acked > d["counters"]["messages_sequenced"]:
        errs.append("%s: PUBACK acked_seq %d but only %d messages "
                    "sequenced" % (name, acked,
                                   d["counters"]["messages_sequenced"]))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--herald", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args(argv)
    errs = []
    base = ("[herald]\nepoch = 0x5eed00e1\negress_port = 1\n"
            "[mempool]\nrx_mbufs = 8191\n")

    d, e, _o = run(args, "headers", ["--mode", "publish", "--channel-list",
                   "3", "--messages", "200", "--payload-size", "64"],
                   base + "header_mbufs = 1024\n", subs(3, 100),
                   interleave=["--mode", "publish", "--messages", "200",
                               "--no-start", "--publisher-id-base", "2",
                               "--pub-ip", "198.18.1.2"])
    errs += e
    check(errs, "headers", d, "deliveries_nombuf")
    check(errs, "headers", d, "pubacks_nombuf")

    # A capture cannot slow down: credit past the capture's bursts (512
    # frames of one session), so that the pool is what stops it.
    d, e, o = run(args, "indirect", ["--mode", "publish", "--channel-list",
                  "3", "--messages", "2400", "--batch", "16",
                  "--payload-size", "32"],
                  base.replace("egress_port = 1\n", "egress_port = 1\n"
                               "publisher_credit = 65536\n") +
                  "indirect_mbufs = 256\nheader_mbufs = 65535\n",
                  subs(3, 2))
    errs += e
    check(errs, "indirect", d, "publish_nombuf", "frames")
    not_acked_beyond(errs, "indirect", d, o)

    d, e, _o = run(args, "flat", ["--mode", "publish", "--channel-list", "3",
                   "--messages", "200", "--payload-size", "64"],
                   base + "flat_mbufs = 256\n", subs(3, 20),
                   env={"HERALD_TEST_FLAT_TX": "1"})
    errs += e
    check(errs, "flat", d, "deliveries_flat_nombuf")
    if d is not None and d["counters"]["deliveries_linearized"] == 0:
        errs.append("flat: no DELIVER was copied flat")

    # Channels all owned by worker 1; worker 0 receives them all.
    chans = [c for c in range(1, 200) if fmix64(c) % 4096 >= 2048][:8]
    d, e, o = run(args, "handoff", ["--mode", "publish", "--channel-list",
                  ",".join(map(str, chans)), "--messages", "4000",
                  "--batch", "16", "--payload-size", "16"],
                  "[herald]\nepoch = 0x5eed00e2\n[lcores]\nworkers = 1,2\n"
                  "[limits]\nhandoff_ring_size = 64\n", "",
                  two_workers=True)
    errs += e
    check(errs, "handoff", d, "publish_handoff_full", "frames")
    not_acked_beyond(errs, "handoff", d, o)
    for x in errs:
        print("FAIL:", x)
    print("exhaustion: %s" % ("FAIL" if errs else "OK"))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
