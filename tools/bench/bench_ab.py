#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A/B data-plane benchmark: two herald builds (a tree before and after a
change) on the same traffic, run in pairs back to back.

A shared machine speeds up and slows down over minutes; a pair of runs a
few seconds apart sees the same machine. For each fan-out and round this
runs A then B (B then A in odd rounds, so that a drift within a pair
cancels over the rounds), each exactly as bench_dataplane.py runs herald
(the same pcap, config, command files and checks), and reports per
fan-out the median of the per-pair ratios B/A, with the median rates.

Usage: bench_ab.py BUILD_A BUILD_B [--rounds N] [--duration S]
                   [--fanouts 1,8,64,512] [--json FILE]
                   [--herald-a KEY=VALUE] [--herald-b KEY=VALUE]
                   [--huge]

One tree, two settings (history off against on, say):
    bench_ab.py B B --herald-a history_depth=0
"""
import argparse
import json
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_dataplane as bd  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("build_a", help="meson build directory of A (before)")
    p.add_argument("build_b", help="meson build directory of B (after)")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--duration", type=float, default=3.0)
    p.add_argument("--fanouts", default="1,8,64,512")
    p.add_argument("--publishers", type=int, default=4)
    p.add_argument("--messages", type=int, default=4096)
    p.add_argument("--payload-size", type=int, default=64)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--testpmd", default="dpdk-testpmd")
    p.add_argument("--herald-a", action="append", default=[],
                   metavar="KEY=VALUE",
                   help="a [herald] key (or SECTION.KEY=VALUE) for A only "
                   "(repeatable): with the same build twice, one tree with "
                   "two settings")
    p.add_argument("--herald-b", action="append", default=[],
                   metavar="KEY=VALUE", help="the same for B")
    p.add_argument("--huge", action="store_true",
                   help="herald on 2 MiB pages (reserve 600 first, "
                   "hugetlbfs at /dev/hugepages), as an edge node runs")
    args = p.parse_args(argv)
    if args.huge:
        os.environ["HERALD_BENCH_HUGEPAGES"] = "1"
    args.fanouts = [int(x) for x in args.fanouts.split(",")]
    return args


def tools_of(build, args):
    ns = argparse.Namespace(build=build, testpmd=args.testpmd)
    return bd.find_tools(ns)


def main(argv):
    args = parse_args(argv)
    work = tempfile.mkdtemp(prefix="herald-ab-")
    ta, tb = tools_of(args.build_a, args), tools_of(args.build_b, args)
    pcap, npkts = bd.generate_pcap(ta, work, args)
    setup = {"work": work, "pcap": pcap, "npkts": npkts,
             "configs": {
                 name: bd.write_config(
                     work, npkts, bd.has_control_socket(build), keys,
                     "-" + name)
                 for name, build, keys in (
                     ("a", args.build_a, args.herald_a),
                     ("b", args.build_b, args.herald_b))},
             "cmds": {fo: bd.write_commands(work, fo) for fo in args.fanouts}}
    runs = {fo: {"a": [], "b": [], "ratio": []} for fo in args.fanouts}
    for r in range(args.rounds):
        for fo in args.fanouts:
            order = [("a", ta), ("b", tb)]
            if r % 2:
                order.reverse()
            got = {}
            for name, tools in order:
                setup["config"] = setup["configs"][name]
                res = bd.run_herald(tools, work, setup, fo, args.duration,
                                    "%s%d_%d" % (name, fo, r))
                got[name] = bd.per_cpu(res["mdps"], res["cpu_share"])
            runs[fo]["a"].append(got["a"])
            runs[fo]["b"].append(got["b"])
            runs[fo]["ratio"].append(got["b"] / got["a"])
            bd.log("round %d/%d fan-out %-3d A %6.2f B %6.2f M/s  B/A %.3f"
                   % (r + 1, args.rounds, fo, got["a"], got["b"],
                      got["b"] / got["a"]))
    print("A: %s\nB: %s\n%d rounds x %.1f s, pairs back to back, "
          "per CPU-second of the worker" % (args.build_a, args.build_b,
                                             args.rounds, args.duration))
    print("%-8s %12s %12s %10s %18s" % ("fan-out", "A Mdlv/s", "B Mdlv/s",
                                         "B/A", "B/A min..max"))
    summary = {}
    for fo in args.fanouts:
        x = runs[fo]
        summary[fo] = {"a": statistics.median(x["a"]),
                       "b": statistics.median(x["b"]),
                       "ratio": statistics.median(x["ratio"])}
        print("%-8d %12.2f %12.2f %10.3f %8.3f..%.3f"
              % (fo, summary[fo]["a"], summary[fo]["b"],
                 summary[fo]["ratio"], min(x["ratio"]), max(x["ratio"])))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"runs": {str(k): v for k, v in runs.items()},
                       "medians": {str(k): v for k, v in summary.items()}},
                      f, indent=1)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except bd.BenchError as e:
        print("bench_ab: %s" % e, file=sys.stderr)
        sys.exit(1)
