#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""What channel heartbeats cost (issue 10: "100 000 idle active
subscriptions cost what in CPU?"; docs/RELIABILITY.md).

Herald on net_pcap/net_null (one worker on lcore 1, the real clock):
1000 subscriber endpoints each subscribed to CHANNELS channels (100 000
subscriptions with the defaults, made by a command file), one message on
each channel, then nothing for DURATION seconds: every channel is idle,
so each subscription gets its heartbeat a second after the message and
then every 10 s. Reported, from the stats JSON (medians of --runs):
heartbeats sent, the worker's busy cycles (iterations that did work,
heartbeats included) per heartbeat and per second, and as a share of
one core; against the same run without any message (no heartbeat due:
the reference, what the idle subscriptions cost without heartbeats).

Usage: bench_heartbeat.py BUILD_DIR [--runs N] [--duration S]
                          [--endpoints N] [--channels N]
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

def write_inputs(work, hwp_gen, args, messages):
    pcap = os.path.join(work, "msgs-%d.pcap" % messages)
    subprocess.run([hwp_gen, "-q", "-o", pcap, "--mode", "publish",
                    "--channel-list", "1-%d" % args.channels, "--messages",
                    str(max(messages, 1)), "--payload-size", "32"],
                   check=True)
    ini = os.path.join(work, "h.ini")
    with open(ini, "w") as f:
        f.write("[herald]\nepoch = 1\negress_port = 1\n"
                "next_hop_mac = 02:00:00:00:00:fe\n"
                "[control]\nsocket = none\n")
    cmds = os.path.join(work, "subs.cmd")
    with open(cmds, "w") as f:
        for e in range(args.endpoints):
            ip = "198.18.%d.%d" % (2 + e // 250, 1 + e % 250)
            for ch in range(1, args.channels + 1):
                f.write("sub add %d %d %s 40000\n" % (ch, e + 1, ip))
        f.write(READY + "\n")
    return pcap, ini, cmds


def run(herald, work, pcap, ini, cmds, duration, tag, with_messages):
    stats = os.path.join(work, "stats-%s.json" % tag)
    prefix = "hhb%d_%s" % (os.getpid(), tag)
    rx = "rx_pcap=%s" % pcap if with_messages else "no-rx=1"
    argv = [herald, "-l", "0-1"] + bd.eal_memory() + [
            "--file-prefix", prefix, "--log-level=warning",
            "--vdev", "net_%s0,%s" % ("pcap" if with_messages else "null",
                                      rx),
            "--vdev", "net_null1,no-rx=1",
            "--", "--config", ini, "--cmdline-file", cmds,
            "--stats-json", stats, "--clock", "system"]
    s, _share = bd.idle_run(argv, prefix, stats, duration, 120)
    c = s["counters"]
    secs = s["run_seconds"]
    return {"heartbeats": c["heartbeats"], "busy": c["busy_cycles"],
            "secs": secs, "hz": s["tsc_hz"],
            "messages": c["messages_sequenced"]}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("build")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--duration", type=float, default=23.0)
    p.add_argument("--endpoints", type=int, default=1000)
    p.add_argument("--channels", type=int, default=100)
    args = p.parse_args(argv)
    herald = os.path.join(args.build, "app", "herald")
    hwp_gen = os.path.join(args.build, "tools", "hwp-gen", "hwp-gen")
    work = tempfile.mkdtemp(prefix="herald-hb-")
    pcap, ini, cmds = write_inputs(work, hwp_gen, args, args.channels)
    res = {"idle": [], "ref": []}
    for r in range(args.runs):
        for name, msgs in (("idle", True), ("ref", False)):
            x = run(herald, work, pcap, ini, cmds, args.duration,
                    "%s%d" % (name, r), msgs)
            res[name].append(x)
            bd.log("run %d %-4s: %d heartbeats, %d messages, busy %.3f "
                   "Mcycles/s" % (r + 1, name, x["heartbeats"],
                                  x["messages"], x["busy"] / x["secs"] / 1e6))
    med = {k: {f: statistics.median(x[f] for x in v)
               for f in ("heartbeats", "busy", "secs", "hz")}
           for k, v in res.items()}
    i, ref = med["idle"], med["ref"]
    extra = i["busy"] / i["secs"] - ref["busy"] / ref["secs"]
    subs = args.endpoints * args.channels
    print("%d subscriptions (%d endpoints x %d channels), %.0f s idle "
          "after one message per channel, medians of %d runs"
          % (subs, args.endpoints, args.channels, args.duration, args.runs))
    print("  heartbeats sent: %d (%.0f/s)" % (i["heartbeats"],
                                               i["heartbeats"] / i["secs"]))
    print("  worker busy: %.3f Mcycles/s with them, %.3f without any "
          "message (reference)" % (i["busy"] / i["secs"] / 1e6,
                                   ref["busy"] / ref["secs"] / 1e6))
    if i["heartbeats"]:
        print("  cost: %.0f cycles per heartbeat, %.4f %% of one core"
              % (extra * i["secs"] / i["heartbeats"],
                 100.0 * extra / i["hz"]))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except bd.BenchError as e:
        print("bench_heartbeat: %s" % e, file=sys.stderr)
        sys.exit(1)
