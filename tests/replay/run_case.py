#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Replay one Herald test case and judge every packet it sent.

A case is a folder tests/replay/cases/<name>/ holding:
  gen.args     hwp-gen invocations, one per line ('#' comments); the runner
               adds -q -o <input.pcap> --manifest <gen-K.json>, and --append
               from the second line on
  herald.ini   Herald's configuration (set a fixed epoch)
  commands     optional command file (--cmdline-file)
  expect.json  expected results (see EXPECT_KEYS below)

The runner builds the input, runs herald on net_pcap, then checks:
  * the exit code (and stderr patterns);
  * conservation from the JSON counters and every mempool's in_use;
  * every output packet: Ethernet/IPv4/UDP headers and checksums, Herald's
    source address and port, one valid HWP frame per datagram;
  * DELIVERs and PUBACKs against a reference model of PROTOCOL.md section
    6 run over the input pcap and the command file: who receives which
    seq, payload and timestamp of the PUBLISH, PUBACK acked_seq and credit;
  * the model's counters against herald's, then the case's own counters
    and per-subscriber expectations.
Herald runs a copy of the command file with a 'show stats' after every
'pause at N', so the runner can check that herald really paused at N
packets (and, with per_packet_reasons, which counter each packet moved).
The model (model.py) assumes one worker lcore (-l 0-1): commands before
the first 'pause at' apply before packet 0, those after 'pause at N'
before packet N. case_input.py reads the case, judge.py holds the checks.
Any failure prints a precise message and exits 1.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from case_input import (PORT_MAC, CaseFailure, build_input, fail,  # noqa
                        load_config, malformed_index, publisher_endpoints,
                        queue_pcap, read_commands, read_gen_lines, timeline)
from hwp_pcap import (T_DELIVER, T_PUBACK, fmix64, parse_udp4,  # noqa
                      read_pcap, write_pcap)
from inet_csum import csum_fold  # noqa: E402
from judge import (check_conservation, check_delivers, check_epochs,
                   check_heartbeats, check_repairs,  # noqa
                   check_frame,
                   check_generator_acks, check_model_counters,
                   check_pause_points, check_per_packet, check_ports,
                   check_publishers, check_pubacks, check_show_channel,
                   check_subscribers, compare_counters, flatten,
                   herald_commands, parse_output, renumber,
                   stdout_snapshots)
from model import Model  # noqa: E402
from judge_control import check_byte_budget, check_subacks, ok_subacks  # noqa: E402

NUM_SLOTS = 4096

EXPECT_KEYS = {
    "description",  # free text
    "exit_code",  # herald's exit code (default 0)
    "stderr",  # list of regexes that must match herald's stderr
    "stats_json",  # false: herald must not write it (default true)
    "runs",  # 2: run twice, output packet bytes must be identical
    "counters",  # {"group.name": value} exact JSON values
    "subscribers",  # [{channel, subscriber ("*" = all), count|seqs}]
    "publishers",  # [{publisher, port?, acked | last_acked | none}]
    "output_packets",  # exact number of packets herald sent
    "per_packet_reasons",  # pause after every packet, attribute counters
    "slots_min",  # at least this many distinct slots carry messages
    # at least this many OK SUBACKs took effect before the channel's last
    # message (the control thread answered mid-stream)
    "subacks_mid_stream_min",
}



def run_herald(args, case_dir, work, tag, cmd_file):
    """Herald on net_pcap, one RX and one TX queue per worker (worker q
    reads capture q and sends on output q)."""
    n = args.n_queues
    outs = [os.path.join(work, f"output-{tag}.pcap" if q == 0
                         else f"output-{tag}-q{q}.pcap") for q in range(n)]
    stats = os.path.join(work, f"stats-{tag}.json")
    for p in outs + [stats]:
        if os.path.exists(p):
            os.unlink(p)
    prefix = f"replay-{os.path.basename(case_dir)}-{os.getpid()}-{tag}"
    vdev = "net_pcap0," + ",".join(
        [f"rx_pcap={queue_pcap(work, q)}" for q in range(n)] +
        [f"tx_pcap={o}" for o in outs])
    lcores = (["-l", "0-1"] if n == 1 else
              ["--lcores", "0@0," + ",".join(f"{q + 1}@1"
                                             for q in range(n))])
    cmd = [args.herald] + lcores + [
           "--no-huge", "-m", "1024", "--no-pci",
           "--file-prefix", prefix, "--log-level=warning",
           "--vdev", vdev, "--",
           "--config", os.path.join(case_dir, "herald.ini"),
           "--exit-after-packets", str(args.n_packets),
           "--stats-json", stats, "--clock", "pcap"]
    if cmd_file is not None:
        cmd += ["--cmdline-file", cmd_file]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=args.timeout)
    except subprocess.TimeoutExpired:
        fail(f"herald did not exit within {args.timeout} s: {' '.join(cmd)}")
    finally:
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)
    with open(os.path.join(work, f"herald-{tag}.log"), "w") as f:
        f.write(" ".join(cmd) + "\n--- stdout\n" + r.stdout
                + "--- stderr\n" + r.stderr)
    return {"rc": r.returncode, "stdout": r.stdout, "stderr": r.stderr,
            "out": outs[0], "outs": outs, "stats": stats,
            "cmd": " ".join(cmd)}


# ------------------------------------------------------------- main

def run_one(args, case_dir, work, expect, tag, cmd_file):
    res = run_herald(args, case_dir, work, tag, cmd_file)
    want_rc = expect.get("exit_code", 0)
    if res["rc"] != want_rc:
        fail(f"herald exited {res['rc']}, expected {want_rc}\n"
             f"command: {res['cmd']}\nstderr:\n{res['stderr'][-3000:]}")
    for pat in expect.get("stderr", []):
        if not re.search(pat, res["stderr"], re.M):
            fail(f"stderr lacks /{pat}/:\n{res['stderr'][-3000:]}")
    has_json = os.path.exists(res["stats"])
    if has_json != expect.get("stats_json", True):
        fail(f"stats JSON {'written' if has_json else 'missing'}, expected "
             f"{'it' if expect.get('stats_json', True) else 'none'}")
    if has_json:
        with open(res["stats"]) as f:
            res["json"] = json.load(f)
        check_conservation(res["json"])
        check_ports(res["json"])
    return res


def read_outputs(res):
    """Every output packet, queue after queue, and the queue of each."""
    pkts, queues = [], []
    for q, path in enumerate(res["outs"]):
        got = read_pcap(path) if os.path.exists(path) else []
        pkts += got
        queues += [q] * len(got)
    return pkts, queues


def judge(expect, res, ctx):
    cfg, runs, inputs = ctx["cfg"], ctx["runs"], ctx["inputs"]
    out_pkts, out_queues = read_outputs(res)
    parsed = parse_output(out_pkts, cfg, out_queues)
    if "output_packets" in expect and len(out_pkts) != expect[
            "output_packets"]:
        fail(f"herald sent {len(out_pkts)} packets, expected "
             f"{expect['output_packets']}")
    flat = flatten(res["json"])
    malformed = ctx["malformed"]
    stats, chans = stdout_snapshots(res["stdout"])
    check_pause_points(stats, ctx["pauses"],
                       [len(q) for q in ctx["queues"]])
    model = Model(cfg, ctx["changes"])
    model.ok_out = ok_subacks(parsed)
    model.run(ctx["queues"], malformed, ctx["pauses"])
    check_model_counters(model, flat)
    if model.n_workers > 1:
        if ctx["shows"] or expect.get("per_packet_reasons"):
            fail("'show channel' and per_packet_reasons need one worker")
        renumber(parsed, model)
    check_delivers(parsed, model)
    check_repairs(parsed, model)
    check_heartbeats(parsed, model)
    check_epochs(model)
    acks = check_pubacks(parsed, model, cfg, ctx["endpoints"])
    check_generator_acks(runs, acks, model)
    check_show_channel(chans, model, ctx["shows"])
    check_subacks(parsed, model, expect.get("subacks_mid_stream_min", 0))
    check_byte_budget(ctx["queues"], parsed, model)
    if expect.get("per_packet_reasons"):
        check_per_packet(stats, malformed[0], len(inputs))
    compare_counters("expect.json", expect.get("counters", {}), flat)
    check_subscribers(expect, parsed, model)
    check_publishers(expect, acks)
    slots = {fmix64(ch) % NUM_SLOTS for ch, _e, _s in model.messages}
    if len(slots) < expect.get("slots_min", 0):
        fail(f"messages cover {len(slots)} slots, expected at least "
             f"{expect['slots_min']}")
    return out_pkts


def prepare(args, case_dir, work, expect):
    lines, edits = read_gen_lines(case_dir)
    pcaps, runs = build_input(args.gen, lines, edits, work)
    queues = [read_pcap(p) for p in pcaps]
    inputs = queues[0]
    cmd_file = os.path.join(case_dir, "commands")
    if not os.path.exists(cmd_file):
        cmd_file = None
    if expect.get("exit_code", 0) == 0:
        # Failing cases keep the case's file: stderr names its lines.
        cmd_file = herald_commands(cmd_file,
                                   expect.get("per_packet_reasons"),
                                   len(inputs), work)
    ctx = {"runs": runs, "inputs": inputs, "queues": queues,
           "cmd_file": cmd_file}
    if expect.get("exit_code", 0) == 0:
        cfg = load_config(os.path.join(case_dir, "herald.ini"))
        if cfg["workers"] != len(queues):
            fail(f"herald.ini has {cfg['workers']} workers, gen.args "
                 f"fills {len(queues)} queues")
        malformed = [malformed_index(runs, edits, cfg["verify_udp"], q)
                     for q in range(len(queues))]
        changes, pauses, shows = timeline(read_commands(cmd_file),
                                          cfg["next_hop_mac"])
        ctx.update(cfg=cfg, malformed=malformed, changes=changes,
                   pauses=pauses, shows=shows,
                   endpoints=publisher_endpoints(queues, malformed))
    else:
        ctx["cfg"] = {"address": None, "udp_port": None, "epoch": None,
                      "src_mac": PORT_MAC, "next_hop_mac": None}
    return ctx


def run_case(args):
    case_dir = os.path.abspath(args.case)
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(os.path.join(case_dir, "expect.json")) as f:
        expect = json.load(f)
    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        fail(f"expect.json: unknown keys {sorted(unknown)}")
    ctx = prepare(args, case_dir, work, expect)
    # Herald ends at the end of the capture, however slow the machine.
    args.n_packets = sum(len(q) for q in ctx["queues"])
    args.n_queues = len(ctx["queues"])
    outputs = []
    for run in range(expect.get("runs", 1)):
        res = run_one(args, case_dir, work, expect, f"run{run}",
                      ctx["cmd_file"])
        if expect.get("exit_code", 0) == 0:
            outputs.append(judge(expect, res, ctx))
        else:
            outputs.append(judge_failed_run(expect, res))
    if expect.get("exit_code", 0) == 0:
        compare_runs(outputs)
    n_out = len(outputs[0])
    print(f"replay {os.path.basename(case_dir)}: OK ({len(ctx['inputs'])} "
          f"packets in, {n_out} out, {len(outputs) or 1} run(s))")


def judge_failed_run(expect, res):
    """A run expected to fail: the packets it sent must still be
    well-formed (no model: the run stops at an arbitrary point), and the
    case's counters are compared. Returns the output packets."""
    out_pkts, _queues = read_outputs(res)
    for i, (_ts, pkt) in enumerate(out_pkts):
        d = parse_udp4(pkt)
        if d is None or csum_fold(pkt[14:34]) != 0xFFFF:
            fail(f"output packet {i} of the failed run is malformed")
        check_frame(i, d)
    if "output_packets" in expect and len(out_pkts) != expect[
            "output_packets"]:
        fail(f"herald sent {len(out_pkts)} packets, expected "
             f"{expect['output_packets']}")
    if "json" in res:
        compare_counters("expect.json", expect.get("counters", {}),
                         flatten(res["json"]))
    return out_pkts


def control_thread_packet(pkt):
    """A failure SUBACK: built by the control thread, whose moment
    against the workers' packets is its own timing (docs/CONTROL.md)."""
    d = parse_udp4(pkt)
    p = d["payload"] if d else b""
    return len(p) >= 21 and p[3] == 6 and p[20] != 0


def compare_runs(outputs):
    """Same input and config: byte-identical packets (not timestamps),
    in the same order; the control thread's own, as the same set."""
    for k in range(1, len(outputs)):
        runs = []
        for out in (outputs[0], outputs[k]):
            pkts = [p for _t, p in out]
            runs.append(([p for p in pkts if not control_thread_packet(p)],
                         sorted(p for p in pkts if control_thread_packet(p))))
        (a, fa), (b, fb) = runs
        if len(a) + len(fa) != len(b) + len(fb):
            fail(f"run {k} sent {len(b) + len(fb)} packets, run 0 sent "
                 f"{len(a) + len(fa)}")
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                fail(f"run {k} packet {i} (of the workers') differs from "
                     f"run 0:\n  {x[:64].hex()}\n  {y[:64].hex()}")
        if fa != fb:
            fail(f"run {k}: the failure SUBACKs differ from run 0's")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--herald", required=True)
    ap.add_argument("--gen", required=True, help="hwp-gen binary")
    ap.add_argument("--case", required=True, help="case folder")
    ap.add_argument("--workdir", required=True, help="scratch folder")
    ap.add_argument("--timeout", type=int, default=60)
    args = ap.parse_args()
    try:
        run_case(args)
    except CaseFailure as e:
        print(f"replay {os.path.basename(args.case)}: FAIL: {e}",
              file=sys.stderr)
        print(f"  (logs and pcaps in {args.workdir})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
