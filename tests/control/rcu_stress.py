#!/usr/bin/python3
"""RCU stress of the control plane (issue 9): a worker delivering at full
speed while the control thread applies SUBSCRIBEs, UNSUBSCRIBEs and
endpoint expiries without pause, then the books and the mbuf pools.

Port 0 loops a capture (net_pcap infinite_rx): 4 publishers on 8
channels, and 64 endpoints that SUBSCRIBE to all 8 while half of them
UNSUBSCRIBE from four, over and over (the looped START frames reopen the
publishers' sessions: the benchmarks' hook). Port 1 reads a capture once:
2000 more endpoints SUBSCRIBE to four of the channels and fall silent, so
a second later (endpoint_timeout_ms = 1000) the sweep expires 8000
subscriptions of the channels the worker is delivering on. Every snapshot
the worker reads is replaced and freed under it all the time; the
sanitizer build (make test-asan) poisons what is freed, so a worker
reading after its grace period delivers to garbage and trips the
snapshot/channel assert, and ASan sees any host-memory misuse.

Usage: rcu_stress.py HERALD HWP_GEN [SECONDS]
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import book_errors  # noqa: E402
from hwp_pcap import hwp_gen_append as gen  # noqa: E402
from verdict import verdict  # noqa: E402



def build_captures(hwp_gen, loop, once):
    common = ["--sub-ip", "198.18.4.1", "--sub-mac", "02:00:00:04:00:01"]
    gen(hwp_gen, loop, "--mode", "subscribe", "--subscribers", 64,
        "--channels", 8, "--batch", 4, *common)
    for k in range(8):
        first = ["--first-pub-seq", 1 + 50 * k] + (["--no-start"] if k
                                                    else [])
        gen(hwp_gen, loop, "--mode", "publish", "--channels", 8,
            "--publishers", 4, "--messages", 200, "--payload-size", 64,
            "--seed", 10 + k, *first)
        if k == 3:
            gen(hwp_gen, loop, "--mode", "unsubscribe", "--subscribers", 32,
                "--channel-list", "1-4", *common)
    gen(hwp_gen, once, "--mode", "subscribe", "--subscribers", 2000,
        "--channel-list", "5-8", "--batch", 4, "--sub-ip", "198.18.8.1",
        "--sub-mac", "02:00:00:08:00:01")


def main():
    herald, hwp_gen = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    tmp = tempfile.mkdtemp()
    loop, once = os.path.join(tmp, "loop.pcap"), os.path.join(tmp, "once.pcap")
    build_captures(hwp_gen, loop, once)
    ini = os.path.join(tmp, "h.ini")
    with open(ini, "w") as f:
        f.write("[herald]\nepoch = 0x57e55001\n"
                "token_key = 000102030405060708090a0b0c0d0e0f"
                "101112131415161718191a1b1c1d1e1f\n"
                "egress_port = 2\n"
                "[limits]\nendpoint_timeout_ms = 1000\nmax_subscribers = 4096\n"
                "[control]\nitem_ring_size = 65536\nsocket = none\n")
    stats = os.path.join(tmp, "s.json")
    prefix = "hrcu%d" % os.getpid()
    # A looping capture sends each publisher's START again: let it reopen
    # the session (the benchmarks' hook), so messages keep flowing.
    env = dict(os.environ, HERALD_BENCH_START_REOPENS="1")
    proc = subprocess.Popen(
        [herald, "-l", "0-1", "--no-huge", "-m", "1024", "--no-pci",
         "--file-prefix", prefix, "--log-level=warning",
         "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % loop,
         "--vdev", "net_pcap1,rx_pcap=%s" % once,
         "--vdev", "net_null0,no-rx=1", "--",
         "--config", ini, "--stats-json", stats],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    time.sleep(seconds)
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        return verdict("rcu_stress", ["herald did not stop:\n" + out[-2000:]])
    errors = []
    if proc.returncode != 0:
        errors.append("herald exit %d:\n%s" % (proc.returncode, out[-3000:]))
        return verdict("rcu_stress", errors)
    with open(stats) as f:
        s = json.load(f)
    errors += book_errors(s)
    k, c = s["control"], s["counters"]
    # Enough of everything happened for the run to mean something.
    for name, low in (("subscribed", 1000), ("unsubscribed", 100),
                      ("subscriptions_expired", 8000),
                      ("channels_published", 100)):
        if k[name] < low:
            errors.append("control.%s = %d, expected at least %d" %
                          (name, k[name], low))
    if c["deliveries"] < 100000 or c["subacks"] < 1000:
        errors.append("deliveries %d, subacks %d: too little traffic" %
                      (c["deliveries"], c["subacks"]))
    if not s["mempools_ok"] or not s["conservation_ok"]:
        errors.append("herald's own checks: mempools_ok %s conservation_ok "
                      "%s" % (s["mempools_ok"], s["conservation_ok"]))
    print("rcu_stress: %d subscribed, %d unsubscribed, %d expired, %d "
          "snapshots, %d deliveries in %.1f s" % (
              k["subscribed"], k["unsubscribed"],
              k["subscriptions_expired"], k["channels_published"],
              c["deliveries"], s["run_seconds"]))
    return verdict("rcu_stress", errors)


if __name__ == "__main__":
    sys.exit(main())
