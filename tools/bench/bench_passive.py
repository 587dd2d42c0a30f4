#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""What passive subscriptions cost (issue 10: "a channel with 64 active
and 100 000 passive subscriptions costs, per message, close to the 64
active ones alone (say within 10 %), and the pulses cost what per
second?"; docs/RELIABILITY.md).

Two measurements, herald with one worker on lcore 1:

  fan-out   net_pcap infinite_rx of PUBLISH datagrams on one channel
            (bench_dataplane's setup), the channel with ACTIVE active
            subscriptions alone, and with ACTIVE active plus PASSIVE
            passive ones (operator's, from the command file: "sub add
            ... passive"), rounds alternating. Reported: messages per
            second and worker cycles per message (wall, and per second
            the worker had the CPU), medians, and the ratio of the two;
            the pulses the passive ones got meanwhile (one per second).
  pulses    PASSIVE passive subscriptions over CHANNELS channels, one
            message on each, then DURATION idle seconds: one pulse per
            subscription; the worker's busy cycles against the same run
            with its messages on channels nobody subscribes to (no pulse
            due): cycles per pulse, and
            what a pulse a second to each costs as a share of one core.

Usage: bench_passive.py BUILD_DIR [--runs N] [--duration S]
                        [--active N] [--passive N] [--channels N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_dataplane as bd  # noqa: E402

READY = bd.READY_COMMAND
IDS_PER_ENDPOINT = 100  # passive subscriptions per endpoint (subscriber ids)


def passive_lines(n, channels):
    """n passive subscriptions spread over channels 1..channels, at most
    IDS_PER_ENDPOINT subscriber ids per endpoint."""
    out = []
    for i in range(n):
        e = i // IDS_PER_ENDPOINT
        ip = "198.18.%d.%d" % (10 + e // 250, 1 + e % 250)
        out.append("sub add %d %d %s 41000 passive\n"
                   % (1 + i % channels, 1000 + i % IDS_PER_ENDPOINT, ip))
    return out


def write_commands(work, name, active, passive, channels):
    path = os.path.join(work, "%s.cmd" % name)
    with open(path, "w") as f:
        for i in range(active):
            f.write("sub add 1 %d 198.18.2.%d 40000\n" % (i + 1, 1 + i))
        f.writelines(passive_lines(passive, channels))
        f.write(READY + "\n")
    return path


def write_config(work, passive, npkts):
    """npkts: packets net_pcap's infinite_rx keeps in RX mbufs."""
    ini = os.path.join(work, "passive-%d.ini" % npkts)
    with open(ini, "w") as f:
        f.write("[herald]\nepoch = 1\negress_port = 1\n"
                "next_hop_mac = %s\n[lcores]\nworkers = 1\n"
                "[mempool]\nrx_mbufs = %d\n"
                "[limits]\nmax_passive_subscriptions = %d\n"
                "[control]\nsocket = none\n"
                % (bd.NEXT_HOP_MAC, bd.pow2_minus_1_at_least(npkts + 8192),
                   max(passive, 1)))
    return ini


def run(tools, work, rx, ini, cmds, duration, tag):
    """One herald run; rx: the net_pcap/net_null RX device arguments."""
    stats = os.path.join(work, "stats-%s.json" % tag)
    prefix = "hpas%d_%s" % (os.getpid(), tag)
    argv = [tools["herald"], "-l", "0-1"] + bd.eal_memory() + [
            "--file-prefix", prefix, "--log-level=warning", "--vdev", rx,
            "--vdev", "net_null1,no-rx=1", "--", "--config", ini,
            "--cmdline-file", cmds, "--stats-json", stats, "--clock",
            "system"]
    s, share = bd.idle_run(argv, prefix, stats, duration, 300)
    c, errs = s["counters"], []
    for key in ("deliveries_nombuf", "pulses_nombuf", "tx_dropped"):
        if c[key] != 0:
            errs.append("%s = %d" % (key, c[key]))
    if errs:
        raise bd.BenchError("%s: %s" % (stats, "; ".join(errs)))
    return {"messages": c["messages_sequenced"], "pulses": c["pulses"],
            "pulse_cycles": c["pulse_cycles"],
            "deliveries": c["deliveries"], "busy": c["busy_cycles"],
            "secs": s["run_seconds"], "hz": s["tsc_hz"], "share": share,
            "passive": c["passive_added"]}


def med(rs, f):
    return statistics.median(f(r) for r in rs)


def fanout_part(tools, work, args):
    pcap, npkts = bd.generate_pcap(tools, work, argparse.Namespace(
        publishers=64, messages=65536, payload_size=64))
    rx = "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap
    ini = write_config(work, args.passive, npkts)
    cmds = {"active": write_commands(work, "active", args.active, 0, 1),
            "both": write_commands(work, "both", args.active, args.passive,
                                   1)}
    res = {k: [] for k in cmds}
    for r in range(args.runs):
        for k in ("active", "both"):
            x = run(tools, work, rx, ini, cmds[k], args.duration,
                    "%s%d" % (k, r))
            if x["deliveries"] != x["messages"] * args.active:
                raise bd.BenchError("%s: %d deliveries of %d messages"
                                    % (k, x["deliveries"], x["messages"]))
            res[k].append(x)
            bd.log("fan-out run %d %-6s: %.3f M messages/s, %d pulses, "
                   "cpu %.2f" % (r + 1, k, x["messages"] / x["secs"] / 1e6,
                                 x["pulses"], x["share"]))

    def rate(x):
        return x["messages"] / x["secs"]

    def cpm(x):  # cycles of the worker's CPU time per message
        return x["secs"] * x["share"] * x["hz"] / x["messages"]

    a, b = res["active"], res["both"]
    print("fan-out: channel 1 with %d active subscriptions, alone and with "
          "%d passive ones; medians of %d runs of %.0f s"
          % (args.active, args.passive, args.runs, args.duration))
    print("  messages/s: %.3f M alone, %.3f M with the passive ones "
          "(ratio %.3f)" % (med(a, rate) / 1e6, med(b, rate) / 1e6,
                            med(b, rate) / med(a, rate)))
    print("  worker cycles per message (its CPU time): %.0f alone, %.0f "
          "with them (ratio %.3f)" % (med(a, cpm), med(b, cpm),
                                      med(b, cpm) / med(a, cpm)))
    print("  ratios per round (messages/s): %s" % ", ".join(
        "%.3f" % (rate(y) / rate(x)) for x, y in zip(a, b)))
    print("  pulses meanwhile: %.0f/s" % med(b, lambda x: x["pulses"] /
                                              x["secs"]))


def pulses_part(tools, work, args):
    pcaps = {}
    # The reference: as many messages, on channels nobody subscribes to
    # (the same RX device and work, no pulse due).
    for k, first in (("pulse", 1), ("ref", 1000001)):
        pcaps[k] = os.path.join(work, "one-each-%s.pcap" % k)
        subprocess.run([tools["hwp-gen"], "-q", "-o", pcaps[k], "--mode",
                        "publish", "--channel-list", "%d-%d" % (
                            first, first + args.channels - 1),
                        "--messages", str(args.channels), "--payload-size",
                        "32"], check=True)
    ini = write_config(work, args.passive, 0)
    cmds = write_commands(work, "pulses", 0, args.passive, args.channels)
    res = {"pulse": [], "ref": []}
    for r in range(args.runs):
        for k in ("pulse", "ref"):
            rx = "net_pcap0,rx_pcap=%s" % pcaps[k]
            x = run(tools, work, rx, ini, cmds, args.idle, "%s%d" % (k, r))
            res[k].append(x)
            bd.log("pulse run %d %-5s: %d pulses, busy %.3f Mcycles/s"
                   % (r + 1, k, x["pulses"], x["busy"] / x["secs"] / 1e6))
    p, ref = res["pulse"], res["ref"]
    extra = (med(p, lambda x: x["busy"] / x["secs"]) -
             med(ref, lambda x: x["busy"] / x["secs"]))
    secs = med(p, lambda x: x["secs"])
    pulses = med(p, lambda x: x["pulses"])
    hz = med(p, lambda x: x["hz"])
    print("pulses: %d passive subscriptions over %d channels, one message "
          "each, %.0f s idle; medians of %d runs"
          % (args.passive, args.channels, args.idle, args.runs))
    if pulses == 0:
        raise bd.BenchError("no pulse was sent")
    per = extra * secs / pulses
    direct = med(p, lambda x: x["pulse_cycles"] / x["pulses"])
    print("  pulses sent: %d (one per subscription expected: %d)"
          % (pulses, args.passive))
    print("  cost: %.0f cycles per pulse where they are made (counter "
          "pulse_cycles), %.0f from the busy cycles against the reference"
          % (direct, per))
    print("  a pulse a second to each of the %d: %.2f %% of one core"
          % (args.passive, 100.0 * direct * args.passive / hz))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("build")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--idle", type=float, default=5.0)
    p.add_argument("--active", type=int, default=64)
    p.add_argument("--passive", type=int, default=100000)
    p.add_argument("--channels", type=int, default=100)
    p.add_argument("--only", choices=("fanout", "pulses"))
    args = p.parse_args(argv)
    tools = {"herald": os.path.join(args.build, "app", "herald"),
             "hwp-gen": os.path.join(args.build, "tools", "hwp-gen",
                                     "hwp-gen")}
    work = tempfile.mkdtemp(prefix="herald-passive-")
    if args.only != "pulses":
        fanout_part(tools, work, args)
    if args.only != "fanout":
        pulses_part(tools, work, args)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except bd.BenchError as e:
        print("bench_passive: %s" % e, file=sys.stderr)
        sys.exit(1)
