#!/usr/bin/python3
"""A port that refuses packets: partial rte_eth_tx_burst, counted, no leak.

Herald replays 100 PUBLISHes to a channel of 100 subscribers (10000
DELIVERs) out of a net_ring port whose one ring is both its TX and its RX
queue: the ring (1024 slots) fills within a burst, rte_eth_tx_burst takes
part of what herald offers, and herald must retry, then free and count
the rest as tx_dropped. What did go into the ring comes back on RX as
chained (two-segment) packets: herald makes each whole (rx_linearized)
and drops it as non-HWP `other_address` (it is addressed to a
subscriber), so the loop is closed and every mbuf returns to its pool.

Checks: exit code 0; the books (tests/common/herald_books.py), mempools
included; every DELIVER built (deliveries == 10000) and some refused
(tx_dropped > 0); the egress port's tx_dropped is the total; everything
the ring took came back (port 1 tx_packets == rx_linearized ==
nonhwp.other_address).

Usage: tx_backpressure.py --herald BIN --gen HWP_GEN --workdir DIR
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import book_errors  # noqa: E402

MESSAGES = 100
SUBSCRIBERS = 100
CHANNEL = 3


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--herald", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args(argv)
    work = args.workdir
    os.makedirs(work, exist_ok=True)
    pcap = os.path.join(work, "in.pcap")
    ini = os.path.join(work, "herald.ini")
    cmds = os.path.join(work, "commands")
    stats = os.path.join(work, "stats.json")

    subprocess.run([args.gen, "--mode", "publish", "--channel-list",
                    str(CHANNEL), "--messages", str(MESSAGES),
                    "--payload-size", "256", "--seed", "13", "-o", pcap],
                   check=True, capture_output=True)
    with open(ini, "w") as f:
        f.write("[herald]\nepoch = 0x5eed0002\negress_port = 1\n"
                "[mempool]\nrx_mbufs = 4095\nheader_mbufs = 16383\n"
                "[control]\nsocket = none\n")
    with open(cmds, "w") as f:
        for i in range(1, SUBSCRIBERS + 1):
            f.write("sub add %d %d 198.18.2.%d 40000 02:00:00:02:00:%02x\n"
                    % (CHANNEL, i, i, i))
    if os.path.exists(stats):
        os.unlink(stats)
    argv = [args.herald, "-l", "0-1", "--no-huge", "-m", "1024", "--no-pci",
            "--file-prefix", "hxtxbp%d" % os.getpid(), "--log-level=warning",
            "--vdev", "net_pcap0,rx_pcap=%s" % pcap,
            "--vdev", "net_ring0,nodeaction=hxtxbp%d:0:CREATE" % os.getpid(),
            "--", "--config", ini, "--cmdline-file", cmds,
            "--exit-when-idle", "300", "--stats-json", stats]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=100)
    errs = []
    if p.returncode != 0:
        errs.append("herald exit code %d" % p.returncode)
    if not os.path.exists(stats):
        print(p.stdout[-3000:], p.stderr[-3000:])
        print("FAIL: no stats JSON")
        return 1
    d = json.load(open(stats))
    c, ports = d["counters"], d["ports"]
    errs += book_errors(d)
    if c["deliveries"] != MESSAGES * SUBSCRIBERS:
        errs.append("deliveries %d, expected %d" % (c["deliveries"],
                                                    MESSAGES * SUBSCRIBERS))
    if c["tx_dropped"] == 0:
        errs.append("the ring never filled: no partial TX burst tested")
    if ports[1]["tx_dropped"] != c["tx_dropped"]:
        errs.append("port 1 tx_dropped %d != counters.tx_dropped %d"
                    % (ports[1]["tx_dropped"], c["tx_dropped"]))
    if not (ports[1]["tx_packets"] == c["rx_linearized"]
            == d["nonhwp"]["other_address"]):
        errs.append("the ring took %d DELIVERs but %d came back"
                    % (ports[1]["tx_packets"], d["nonhwp"]["other_address"]))
    if errs:
        print(p.stdout[-3000:], p.stderr[-3000:])
        for e in errs:
            print("FAIL: " + e)
        return 1
    print("ok: %d DELIVERs built, %d sent into the ring (and back), %d "
          "refused and counted, books balanced, no mbuf leaked"
          % (c["deliveries"], ports[1]["tx_packets"], c["tx_dropped"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
