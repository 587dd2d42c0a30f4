#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Data-plane benchmark of Herald: deliveries per second on one worker.

One run measures, interleaved round-robin so that background load hits
every configuration alike:

  * herald, one worker on lcore 1 (control on lcore 0), fed by net_pcap
    (infinite_rx=1) with a looping pcap of PUBLISH datagrams from hwp-gen,
    DELIVERs sent to a net_null sink, at each fan-out (1, 8, 64, 512
    subscribers of the one channel, added by a command file);
  * dpdk-testpmd --forward-mode=txonly on net_null (one lcore);
  * dpdk-testpmd --forward-mode=io from the same net_pcap source to net_null.

Every herald run is checked: exit code 0, the conservation equations of the
stats JSON (recomputed here from the counters), every mempool back to its
start level, each message delivered exactly fan-out times, and the pcap
looped at least twice with every loop accepted again (START, with the
HERALD_BENCH_START_REOPENS hook since PROTOCOL.md revision 2).

Rates: herald = counters.deliveries / run_seconds (the traffic phase); testpmd
= its own "Tx-pps" between two "show port stats all" taken DURATION apart.
The worker thread's CPU share (from /proc/PID/task/TID/schedstat) is sampled
in the same window: on a shared machine the poller does not get 100 % of its
core, so the table also gives the rates per CPU-second of the polling thread.

Usage: bench_dataplane.py BUILD_DIR [--runs N] [--duration S] [--quick] ...
Exit status: 0 done, 1 a run failed or a check did not hold, 2 bad usage.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

FANOUTS = (1, 8, 64, 512)
CHANNEL = 1
NEXT_HOP_MAC = "02:00:00:00:00:99"
WORKER_THREAD = "rte-worker-1"
READY_COMMAND = "show lcores"
START_TIMEOUT_S = 120.0
EXIT_TIMEOUT_S = 60.0

GOAL_FANOUT64_MDPS = 30.0
GOAL_FANOUT64_TXONLY_RATIO = 0.8
GOAL_FANOUT1_IO_RATIO = 0.7


class BenchError(Exception):
    """A run failed or a check did not hold: the benchmark fails loudly."""


# ---------------------------------------------------------------- helpers

def log(msg):
    print(msg, file=sys.stderr, flush=True)


def pow2_minus_1_at_least(n):
    """Mempool sizes of 2^k - 1 are the most memory-efficient."""
    size = 1023
    while size < n:
        size = size * 2 + 1
    return size


class OutputReader:
    """Collects a child's merged stdout/stderr in the background."""

    def __init__(self, proc):
        self._chunks = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, args=(proc,),
                                        daemon=True)
        self._thread.start()

    def _run(self, proc):
        # Raw reads, not lines: a prompt has no newline.
        fd = proc.stdout.fileno()
        while True:
            data = os.read(fd, 65536)
            if not data:
                break
            with self._lock:
                self._chunks.append(data)

    def text(self):
        with self._lock:
            return b"".join(self._chunks).decode("utf-8", "replace")

    def wait_for(self, pattern, timeout, proc):
        """True once pattern (regex) appears; False on timeout or exit."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern, re.M)
        while time.monotonic() < deadline:
            if regex.search(self.text()):
                return True
            if proc.poll() is not None:
                self._thread.join(1.0)
                return regex.search(self.text()) is not None
            time.sleep(0.02)
        return False

    def join(self):
        self._thread.join(5.0)


def start_child(argv):
    # stdbuf: line-buffered stdout so progress is visible through the pipe.
    # The looping capture restarts its sessions with START at every loop:
    # herald's benchmark hook lets START re-open a known session (as
    # PROTOCOL.md revision 1 did; a revision-2 herald otherwise takes every
    # later loop as duplicates). Herald builds before the hook ignore it.
    env = dict(os.environ, HERALD_BENCH_START_REOPENS="1")
    return subprocess.Popen(["stdbuf", "-oL", "-eL"] + argv,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env)


def stop_child(proc, reader, sig=None):
    """Signal (optionally) and reap a child; raise if it hangs."""
    if sig is not None and proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=EXIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        reader.join()
        raise BenchError("child did not exit within %.0f s:\n%s"
                         % (EXIT_TIMEOUT_S, tail(reader.text())))
    reader.join()
    return proc.returncode


def end_child(proc, prefix):
    """Whatever happened: no child left running, no EAL runtime dir."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    remove_runtime_dir(prefix)


def idle_run(argv, prefix, stats, duration, ready_timeout):
    """Herald from argv (with --cmdline-file ending in READY_COMMAND and
    --stats-json stats) through its command file, then duration seconds,
    then SIGINT. Returns (its stats JSON, the CPU share of its worker
    meanwhile); raises unless it exited 0 with its books balanced."""
    proc = start_child(argv)
    reader = OutputReader(proc)
    try:
        if not reader.wait_for(r"^\S*>\s*%s" % READY_COMMAND,
                               ready_timeout, proc):
            raise BenchError("herald did not get through its command "
                             "file:\n%s" % tail(reader.text()))
        window = CpuWindow(proc.pid)
        time.sleep(duration)
        share = window.share()
        rc = stop_child(proc, reader, signal.SIGINT)
    finally:
        end_child(proc, prefix)
    if rc != 0:
        raise BenchError("herald exited %d:\n%s" % (rc, tail(reader.text())))
    with open(stats) as f:
        s = json.load(f)
    errs = conservation_errors(s)
    if errs:
        raise BenchError("%s: %s" % (stats, "; ".join(errs)))
    return s, share


def remove_runtime_dir(prefix):
    """EAL leaves /var/run/dpdk/PREFIX (about 13 MB with --no-huge)."""
    bases = ["/var/run/dpdk"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        bases.append(os.path.join(os.environ["XDG_RUNTIME_DIR"], "dpdk"))
    for base in bases:
        shutil.rmtree(os.path.join(base, prefix), ignore_errors=True)


def tail(text, lines=25):
    return "\n".join(text.splitlines()[-lines:])


def thread_cpu_ns(pid, name):
    """CPU time (ns) of the thread of pid whose comm is name, or None."""
    task_dir = "/proc/%d/task" % pid
    try:
        tids = os.listdir(task_dir)
    except OSError:
        return None
    for tid in tids:
        try:
            with open("%s/%s/comm" % (task_dir, tid)) as f:
                if f.read().strip() != name:
                    continue
            with open("%s/%s/schedstat" % (task_dir, tid)) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None
    return None


def thread_id(pid, name):
    task_dir = "/proc/%d/task" % pid
    for tid in os.listdir(task_dir):
        try:
            with open("%s/%s/comm" % (task_dir, tid)) as f:
                if f.read().strip() == name:
                    return int(tid)
        except OSError:
            continue
    return None


class CpuWindow:
    """Wall time and worker-thread CPU time between two samples."""

    def __init__(self, pid):
        self.pid = pid
        self.wall0 = time.monotonic()
        self.cpu0 = thread_cpu_ns(pid, WORKER_THREAD)

    def share(self):
        cpu1 = thread_cpu_ns(self.pid, WORKER_THREAD)
        wall = time.monotonic() - self.wall0
        if self.cpu0 is None or cpu1 is None or wall <= 0:
            return None
        return min(1.0, (cpu1 - self.cpu0) / 1e9 / wall)


# ------------------------------------------------------------ generation

def generate_pcap(tools, work, args):
    pcap = os.path.join(work, "publish.pcap")
    manifest = os.path.join(work, "publish.json")
    cmd = [tools["hwp-gen"], "--mode", "publish", "-o", pcap,
           "--manifest", manifest, "--quiet",
           "--publishers", str(args.publishers), "--channels", "1",
           "--messages", str(args.messages),
           "--payload-size", str(args.payload_size)]
    subprocess.run(cmd, check=True)
    with open(manifest) as f:
        man = json.load(f)
    return pcap, int(man["packet_count"])


def has_control_socket(build):
    """Whether the tree of a build knows [control] socket (a tree from
    before the control socket refuses the section)."""
    with open(os.path.join(build, "meson-info", "meson-info.json")) as f:
        src = json.load(f)["directories"]["source"]
    return os.path.exists(os.path.join(src, "app", "control", "ctlsock.c"))


def write_config(work, npkts, control_socket=True, keys=(), tag=""):
    """keys: extra KEY=VALUE settings, of [herald] or SECTION.KEY=VALUE
    (bench_ab.py's --herald-a/-b: one tree with two settings)."""
    herald_keys, other_sections = "", ""
    for kv in keys:
        k, v = kv.split("=", 1)
        if "." in k:
            sec, k = k.split(".", 1)
            other_sections += "[%s]\n%s = %s\n" % (sec, k, v)
        else:
            herald_keys += "%s = %s\n" % (k, v)
    path = os.path.join(work, "herald%s%s.ini" % (
        "" if control_socket else "-nosocket", tag))
    # infinite_rx keeps the whole pcap in rx mbufs: add room for the RX
    # bursts, the per-lcore cache and messages waiting in TX buffers.
    rx_mbufs = pow2_minus_1_at_least(npkts + 8192)
    with open(path, "w") as f:
        f.write("[herald]\n"
                "epoch = 1\n"
                "egress_port = 1\n"
                "next_hop_mac = %s\n"
                "%s"
                "[lcores]\n"
                "workers = 1\n"
                "[mempool]\n"
                "rx_mbufs = %d\n" % (NEXT_HOP_MAC, herald_keys, rx_mbufs))
        if control_socket:
            # No control socket: never the one of an operator's herald.
            f.write("[control]\nsocket = none\n")
        f.write(other_sections)
    return path


def write_commands(work, fanout):
    path = os.path.join(work, "subs-%d.cmd" % fanout)
    with open(path, "w") as f:
        f.write("# %d subscribers on channel %d\n" % (fanout, CHANNEL))
        for i in range(fanout):
            ip = "198.18.%d.%d" % (2 + i // 250, 1 + i % 250)
            f.write("sub add %d %d %s 40000\n" % (CHANNEL, i + 1, ip))
        # Its echo marks the end of the command file: traffic starts.
        f.write(READY_COMMAND + "\n")
    return path


# ---------------------------------------------------------------- herald

def herald_argv(tools, prefix, pcap, config, cmds, stats):
    return [tools["herald"], "-l", "0-1"] + eal_memory() + [
            "--file-prefix", prefix, "--log-level=warning",
            "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap,
            "--vdev", "net_null0,no-rx=1",
            "--", "--config", config, "--cmdline-file", cmds,
            "--stats-json", stats, "--clock", "system"]


def eal_memory():
    """4 KiB pages (--no-huge) unless HERALD_BENCH_HUGEPAGES is set (2 MiB
    pages reserved beforehand: echo 600 > /proc/sys/vm/nr_hugepages), as
    a production box runs."""
    if os.environ.get("HERALD_BENCH_HUGEPAGES"):
        # Unlinked at once: nothing left in hugetlbfs after a run.
        return ["-m", "1024", "--huge-unlink"]
    return ["--no-huge", "-m", "1024"]


def conservation_errors(s):
    """The accounting equations, recomputed from the counters."""
    c, errs = s["counters"], []

    def need(ok, what):
        if not ok:
            errs.append(what)

    need(c["rx_packets"] == sum(s["nonhwp"].values()) +
         sum(s["invalid"].values()) + c["rx_datagrams_valid"],
         "rx_packets != nonhwp + invalid + rx_datagrams_valid")
    need(c["rx_frames"] == sum(s["frames"].values()),
         "rx_frames != sum(frames)")
    need(s["frames"]["publish_accepted"] ==
         c["messages_sequenced"] + c["channel_table_full"],
         "publish_accepted != messages_sequenced + channel_table_full")
    need(c["handoffs_out"] == c["handoffs_in"],
         "handoffs_out != handoffs_in")
    # SUBACKs, keep-alive answers and the control thread's packets (the
    # control plane) are 0 in trees before it.
    sent = sum(c.get(k, 0) for k in ("deliveries", "pubacks", "subacks",
                                     "keepalives", "control_sent",
                                     "retransmits", "gaps", "heartbeats", "pulses"))
    need(sent == c["tx_packets"] + c["tx_dropped"],
         "deliveries + pubacks + subacks + keepalives + control_sent + "
         "retransmits + gaps + heartbeats + pulses != tx_packets + tx_dropped")
    for mp in s["mempools"]:
        need(mp["in_use_end"] == mp["in_use_start"],
             "mempool %s: in_use %d at start, %d at end"
             % (mp["name"], mp["in_use_start"], mp["in_use_end"]))
    return errs


def benchmark_errors(s, fanout, npkts):
    """What this benchmark relies on: every loop accepted, full fan-out."""
    c, fr, errs = s["counters"], s["frames"], []
    if c["rx_packets"] < 2 * npkts:
        errs.append("the pcap did not loop twice (%d packets in, file has %d)"
                    % (c["rx_packets"], npkts))
    if fr["publish_accepted"] != c["rx_frames"]:
        errs.append("not every PUBLISH accepted (accepted %d of %d frames): "
                    "the loops of the pcap are not re-accepted"
                    % (fr["publish_accepted"], c["rx_frames"]))
    if c["deliveries"] != c["messages_sequenced"] * fanout:
        errs.append("deliveries %d != messages %d x fan-out %d"
                    % (c["deliveries"], c["messages_sequenced"], fanout))
    for key in ("deliveries_nombuf", "tx_dropped", "channel_table_full"):
        if c[key] != 0:
            errs.append("%s = %d" % (key, c[key]))
    if s["run_seconds"] <= 0:
        errs.append("run_seconds is %r" % s["run_seconds"])
    return errs


def run_herald(tools, work, setup, fanout, duration, tag, perf=None):
    stats = os.path.join(work, "stats-%s.json" % tag)
    if os.path.exists(stats):
        os.unlink(stats)
    prefix = "hbench%d_%s" % (os.getpid(), tag)
    argv = herald_argv(tools, prefix, setup["pcap"], setup["config"],
                       setup["cmds"][fanout], stats)
    proc = start_child(argv)
    reader = OutputReader(proc)
    try:
        ready = reader.wait_for(r"^\S*>\s*%s" % READY_COMMAND,
                                START_TIMEOUT_S, proc)
        if not ready:
            raise BenchError("herald (fan-out %d) did not get through its "
                             "command file:\n%s" % (fanout,
                                                    tail(reader.text())))
        window = CpuWindow(proc.pid)
        perf_proc = start_perf(perf, proc.pid, duration)
        time.sleep(duration)
        share = window.share()
        finish_perf(perf_proc, perf)
        rc = stop_child(proc, reader, signal.SIGINT)
    finally:
        end_child(proc, prefix)
    if rc != 0:
        raise BenchError("herald (fan-out %d) exited %d:\n%s"
                         % (fanout, rc, tail(reader.text())))
    with open(stats) as f:
        s = json.load(f)
    errs = conservation_errors(s) + benchmark_errors(s, fanout,
                                                     setup["npkts"])
    if errs:
        raise BenchError("herald (fan-out %d), %s:\n  %s"
                         % (fanout, stats, "\n  ".join(errs)))
    dlv = s["counters"]["deliveries"]
    secs = s["run_seconds"]
    return {
        "fanout": fanout,
        "deliveries": dlv,
        "messages": s["counters"]["messages_sequenced"],
        "run_seconds": secs,
        "tsc_hz": s["tsc_hz"],
        "mdps": dlv / secs / 1e6,
        "cycles_per_delivery": secs * s["tsc_hz"] / dlv,
        "cpu_share": share,
    }


def start_perf(perf, pid, duration):
    """Optional: sample the worker thread with perf (cpu-clock)."""
    if perf is None:
        return None
    tid = thread_id(pid, WORKER_THREAD)
    if tid is None:
        raise BenchError("no %s thread to profile" % WORKER_THREAD)
    cmd = ["perf", "record", "-q", "-e", "cpu-clock", "-F", "4999",
           "-t", str(tid), "-o", perf["data"], "--",
           "sleep", "%.1f" % max(1.0, duration - 0.5)]
    if perf.get("callgraph"):
        cmd[2:2] = ["-g"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def finish_perf(perf_proc, perf):
    if perf_proc is None:
        return
    perf_proc.wait()
    out = subprocess.run(["perf", "report", "-i", perf["data"], "--stdio",
                          "--no-children", "--sort", "dso,symbol",
                          "--percent-limit", "0.5"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    print("\n# perf profile of the worker (fan-out %d)" % perf["fanout"])
    print("\n".join(l for l in out.splitlines()
                    if l.strip() and not l.startswith("#"))[:6000])


# --------------------------------------------------------------- testpmd

def testpmd_argv(tools, prefix, mode, pcap, npkts):
    argv = [tools["testpmd"], "-l", "0-1", "--no-huge", "-m", "1024",
            "--file-prefix", prefix, "--log-level=warning"]
    if mode == "txonly":
        argv += ["--vdev", "net_null0,no-rx=1", "--",
                 "--forward-mode=txonly", "--port-topology=loop",
                 "--total-num-mbufs=16384"]
    else:
        argv += ["--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap,
                 "--vdev", "net_null0,no-rx=1", "--",
                 "--forward-mode=io", "--no-flush-rx",
                 "--total-num-mbufs=%d" % pow2_minus_1_at_least(
                     npkts + 16384)]
    return argv + ["-i", "--nb-cores=1"]


def parse_port_pps(text, port, key):
    """The key ("Tx-pps"/"Rx-pps") of the last stats block of port."""
    blocks = re.split(r"#+ NIC statistics for port (\d+)\s+#+", text)
    value = None
    for i in range(1, len(blocks) - 1, 2):
        if int(blocks[i]) == port:
            m = re.search(r"%s:\s+(\d+)" % key, blocks[i + 1])
            if m:
                value = int(m.group(1))
    return value


class Testpmd:
    """An interactive testpmd driven through stdin, one command at a time:
    each command is complete when testpmd prints its next prompt."""

    PROMPT = "testpmd> "

    def __init__(self, argv):
        self.proc = start_child(argv)
        self.reader = OutputReader(self.proc)

    def _prompts(self):
        return self.reader.text().count(self.PROMPT)

    def wait_prompts(self, n, what):
        deadline = time.monotonic() + START_TIMEOUT_S
        while self._prompts() < n:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise BenchError("testpmd: no prompt after %s:\n%s"
                                 % (what, tail(self.reader.text())))
            time.sleep(0.005)

    def command(self, cmd):
        n = self._prompts()
        self.proc.stdin.write((cmd + "\n").encode())
        self.proc.stdin.flush()
        self.wait_prompts(n + 1, repr(cmd))

    def quit(self):
        self.proc.stdin.write(b"quit\n")
        self.proc.stdin.close()
        return stop_child(self.proc, self.reader)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_testpmd(tools, setup, mode, duration, warmup, tag):
    prefix = "hbench%d_%s" % (os.getpid(), tag)
    argv = testpmd_argv(tools, prefix, mode, setup["pcap"], setup["npkts"])
    tp = Testpmd(argv)
    try:
        tp.wait_prompts(1, "start-up")
        tp.command("start")
        time.sleep(warmup)
        # testpmd's pps is measured between consecutive shows (its clock).
        tp.command("show port stats all")
        window = CpuWindow(tp.proc.pid)
        time.sleep(duration)
        tp.command("show port stats all")
        share = window.share()
        tp.command("stop")
        rc = tp.quit()
    finally:
        tp.kill()
        remove_runtime_dir(prefix)
    text = tp.reader.text()
    log_path = os.path.join(setup["work"], "testpmd-%s.log" % tag)
    with open(log_path, "w") as f:
        f.write(text)
    if rc != 0:
        raise BenchError("testpmd %s exited %d (log %s):\n%s"
                         % (mode, rc, log_path, tail(text)))
    tx_port = 0 if mode == "txonly" else 1
    pps = parse_port_pps(text, tx_port, "Tx-pps")
    if not pps:
        raise BenchError("testpmd %s: no Tx-pps for port %d (log %s):\n%s"
                         % (mode, tx_port, log_path, tail(text, 60)))
    if mode == "io":
        rx = parse_port_pps(text, 0, "Rx-pps")
        if not rx or abs(rx - pps) > 0.01 * rx:
            raise BenchError("testpmd io: Rx-pps %r on port 0 but Tx-pps %d "
                             "on port 1 (log %s)" % (rx, pps, log_path))
    return {"mode": mode, "mpps": pps / 1e6, "cpu_share": share}


# ---------------------------------------------------------------- report

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def per_cpu(rate, share):
    return rate / share if rate is not None and share else None


def summarize(results, fanouts):
    """Medians per configuration (rates normalised run by run)."""
    summary = {}
    for mode in ("txonly", "io"):
        runs = results[mode]
        summary[mode] = {
            "mpps": med([r["mpps"] for r in runs]),
            "cpu_share": med([r["cpu_share"] for r in runs]),
            "mpps_per_cpu": med([per_cpu(r["mpps"], r["cpu_share"])
                                 for r in runs]),
        }
    for fo in fanouts:
        runs = results["herald"][fo]
        summary[fo] = {
            "mdps": med([r["mdps"] for r in runs]),
            "cpu_share": med([r["cpu_share"] for r in runs]),
            "mdps_per_cpu": med([per_cpu(r["mdps"], r["cpu_share"])
                                 for r in runs]),
            "cycles_per_delivery": med([r["cycles_per_delivery"]
                                        for r in runs]),
            "cpu_cycles_per_delivery": med(
                [r["cycles_per_delivery"] * r["cpu_share"]
                 for r in runs if r["cpu_share"]]),
        }
    return summary


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def ratio(a, b):
    return a / b if a is not None and b else None


def print_table(summary, fanouts, runs, duration):
    tx, io = summary["txonly"], summary["io"]
    print("\nHerald data plane: one worker (lcore 1), net_pcap infinite_rx "
          "-> net_null, medians of %d run(s) of %.1f s" % (runs, duration))
    print("(wall = per second of the traffic phase; /cpu = per CPU-second "
          "of the polling thread, i.e. corrected for a shared core)\n")
    hdr = ("%-7s %10s %10s %6s %10s %10s %8s %8s %9s %9s"
           % ("fan-out", "Mdlv/s", "Mdlv/s", "cpu", "txonly", "txonly",
              "ratio", "ratio", "cyc/dlv", "cyc/dlv"))
    hdr2 = ("%-7s %10s %10s %6s %10s %10s %8s %8s %9s %9s"
            % ("", "wall", "/cpu", "share", "Mpps wall", "Mpps /cpu",
               "wall", "/cpu", "wall", "cpu"))
    print(hdr)
    print(hdr2)
    for fo in fanouts:
        h = summary[fo]
        print("%-7d %10s %10s %6s %10s %10s %8s %8s %9s %9s" % (
            fo, fmt(h["mdps"], ".2f"), fmt(h["mdps_per_cpu"], ".2f"),
            fmt(h["cpu_share"], ".2f"), fmt(tx["mpps"], ".2f"),
            fmt(tx["mpps_per_cpu"], ".2f"),
            fmt(ratio(h["mdps"], tx["mpps"]), ".3f"),
            fmt(ratio(h["mdps_per_cpu"], tx["mpps_per_cpu"]), ".3f"),
            fmt(h["cycles_per_delivery"], ".1f"),
            fmt(h["cpu_cycles_per_delivery"], ".1f")))
    one = summary[fanouts[0]] if fanouts[0] == 1 else None
    print("\ntestpmd txonly (net_null): %s Mpps wall, %s Mpps /cpu "
          "(cpu share %s)" % (fmt(tx["mpps"], ".2f"),
                              fmt(tx["mpps_per_cpu"], ".2f"),
                              fmt(tx["cpu_share"], ".2f")))
    print("testpmd io (net_pcap -> net_null): %s Mpps wall, %s Mpps /cpu "
          "(cpu share %s)" % (fmt(io["mpps"], ".2f"),
                              fmt(io["mpps_per_cpu"], ".2f"),
                              fmt(io["cpu_share"], ".2f")))
    if one is not None:
        print("fan-out 1 vs testpmd io: %s wall, %s /cpu"
              % (fmt(ratio(one["mdps"], io["mpps"]), ".3f"),
                 fmt(ratio(one["mdps_per_cpu"], io["mpps_per_cpu"]), ".3f")))
    print_goals(summary, fanouts)


def print_goals(summary, fanouts):
    print("\nGoals (judged on the /cpu figures):")
    tx, io = summary["txonly"], summary["io"]
    if 64 in fanouts:
        h = summary[64]
        r = ratio(h["mdps_per_cpu"], tx["mpps_per_cpu"])
        goal("fan-out 64 >= %.0f M deliveries/s" % GOAL_FANOUT64_MDPS,
             h["mdps_per_cpu"], h["mdps_per_cpu"] is not None and
             h["mdps_per_cpu"] >= GOAL_FANOUT64_MDPS)
        goal("fan-out 64 >= %.1fx testpmd txonly"
             % GOAL_FANOUT64_TXONLY_RATIO, r,
             r is not None and r >= GOAL_FANOUT64_TXONLY_RATIO)
    if 1 in fanouts:
        r = ratio(summary[1]["mdps_per_cpu"], io["mpps_per_cpu"])
        goal("fan-out 1 >= %.1fx testpmd io" % GOAL_FANOUT1_IO_RATIO, r,
             r is not None and r >= GOAL_FANOUT1_IO_RATIO)


def goal(what, value, met):
    print("  %-36s %8s  %s" % (what, fmt(value, ".2f"),
                               "met" if met else "NOT met"))


RXPATH_RE = re.compile(r"^(classify \+ hwp_parse|classify \(UDP checksum "
                       r"verified\)|hwp_parse)\s+([0-9.]+)\s", re.M)


def fanout1_floor(build, summary, args):
    """The receive checks alone (bench_rxpath, no PMD) against the time per
    message the fan-out 1 goal leaves beyond testpmd io."""
    exe = os.path.join(build, "tools", "bench", "bench_rxpath")
    io = summary["io"]["mpps_per_cpu"]
    if 1 not in args.fanouts or io is None or not os.access(exe, os.X_OK):
        return None
    out = subprocess.run(["taskset", "-c", "1", exe, "9", "100",
                          str(args.payload_size)], check=True,
                         capture_output=True, text=True).stdout
    ns = {m.group(1): float(m.group(2)) for m in RXPATH_RE.finditer(out)}
    if "classify + hwp_parse" not in ns:
        raise BenchError("bench_rxpath: unexpected output:\n" + out)
    io_ns = 1e3 / io
    goal_ns = io_ns / GOAL_FANOUT1_IO_RATIO
    floor = {"io_ns": io_ns, "goal_ns": goal_ns,
             "budget_ns": goal_ns - io_ns,
             "receive_checks_ns": ns["classify + hwp_parse"],
             "classify_ns": ns.get("classify (UDP checksum verified)"),
             "parse_ns": ns.get("hwp_parse")}
    if summary[1]["mdps_per_cpu"]:
        floor["herald_ns"] = 1e3 / summary[1]["mdps_per_cpu"]
    print("\nFan-out 1 floor (bench_rxpath: the receive checks alone, no "
          "PMD, %d-byte payload):" % args.payload_size)
    print("  testpmd io spends %.1f ns per packet; %.1fx of its rate "
          "allows %.1f ns per message," % (io_ns, GOAL_FANOUT1_IO_RATIO,
                                           goal_ns))
    print("  i.e. %.1f ns beyond forwarding for everything Herald does."
          % floor["budget_ns"])
    print("  classify (both checksums) %.1f ns + hwp_parse %.1f ns: %.1f ns "
          "= %.1fx that budget," % (floor["classify_ns"] or 0,
                                    floor["parse_ns"] or 0,
                                    floor["receive_checks_ns"],
                                    floor["receive_checks_ns"] /
                                    floor["budget_ns"]))
    print("  before sessions, sequencing, DELIVER headers and PUBACKs.")
    if "herald_ns" in floor:
        print("  Herald now: %.1f ns per message (testpmd io + %.1f ns)."
              % (floor["herald_ns"], floor["herald_ns"] - io_ns))
    return floor


# ------------------------------------------------------------------ main

def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Herald data-plane benchmark (deliveries/s on one "
        "worker) against dpdk-testpmd txonly and io.")
    p.add_argument("build", help="meson build directory")
    p.add_argument("--runs", type=int, default=5,
                   help="runs per configuration, median reported "
                   "(default 5)")
    p.add_argument("--duration", type=float, default=5.0,
                   help="measured seconds per run (default 5)")
    p.add_argument("--warmup", type=float, default=1.0,
                   help="testpmd: seconds forwarding before the measured "
                   "window (default 1)")
    p.add_argument("--fanouts", default=",".join(map(str, FANOUTS)),
                   help="comma list of fan-outs (default 1,8,64,512)")
    p.add_argument("--publishers", type=int, default=4,
                   help="publishers in the pcap (default 4)")
    p.add_argument("--messages", type=int, default=4096,
                   help="PUBLISH datagrams in the pcap (default 4096)")
    p.add_argument("--payload-size", type=int, default=64,
                   help="payload bytes per message (default 64)")
    p.add_argument("--quick", action="store_true",
                   help="smoke check: 1 run of 1 s per configuration")
    p.add_argument("--json", metavar="FILE",
                   help="write every run and the medians to FILE")
    p.add_argument("--perf", type=int, metavar="FANOUT",
                   help="after the benchmark, profile the herald worker at "
                   "FANOUT with perf record -e cpu-clock")
    p.add_argument("--perf-callgraph", action="store_true",
                   help="with --perf: record call graphs (-g)")
    p.add_argument("--workdir", help="keep generated files here "
                   "(default: a temporary directory, removed at the end)")
    p.add_argument("--testpmd", default="dpdk-testpmd",
                   help="testpmd binary (default dpdk-testpmd)")
    a = p.parse_args(argv)
    if a.quick:
        a.runs, a.duration, a.warmup = 1, 1.0, 0.5
    try:
        a.fanouts = [int(x) for x in a.fanouts.split(",") if x]
    except ValueError:
        p.error("--fanouts: not a comma list of integers")
    if a.runs < 1 or a.duration <= 0 or not a.fanouts or \
            min(a.fanouts) < 1:
        p.error("--runs, --duration and --fanouts must be positive")
    return a


def find_tools(args):
    tools = {
        "herald": os.path.join(args.build, "app", "herald"),
        "hwp-gen": os.path.join(args.build, "tools", "hwp-gen", "hwp-gen"),
        "testpmd": shutil.which(args.testpmd),
    }
    hints = {"herald": "build it first", "hwp-gen": "build it first",
             "testpmd": "install the Debian package dpdk"}
    for name, path in tools.items():
        if path is None or not os.access(path, os.X_OK):
            raise BenchError("%s not found (%s): %s"
                             % (name, path, hints[name]))
    if shutil.which("stdbuf") is None:
        raise BenchError("stdbuf (coreutils) not found")
    return tools


def describe_machine(tools):
    """One line: CPU model, online CPUs, tree revision."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    rev = subprocess.run(["git", "-C", here, "describe", "--always",
                          "--dirty"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout.strip()
    return "%s, %d CPUs online; tree %s; herald %s" % (
        model, os.cpu_count() or 0, rev or "unknown", tools["herald"])


def run_all(tools, setup, args):
    results = {"herald": {fo: [] for fo in args.fanouts},
               "txonly": [], "io": []}
    for r in range(args.runs):
        for fo in args.fanouts:
            res = run_herald(tools, setup["work"], setup, fo, args.duration,
                             "h%d_%d" % (fo, r))
            log("run %d/%d herald fan-out %-3d %7.2f M deliveries/s "
                "(cpu share %s)" % (r + 1, args.runs, fo, res["mdps"],
                                     fmt(res["cpu_share"], ".2f")))
            results["herald"][fo].append(res)
        for mode in ("txonly", "io"):
            res = run_testpmd(tools, setup, mode, args.duration, args.warmup,
                              "%s_%d" % (mode, r))
            log("run %d/%d testpmd %-6s        %7.2f Mpps (cpu share %s)"
                % (r + 1, args.runs, mode, res["mpps"],
                   fmt(res["cpu_share"], ".2f")))
            results[mode].append(res)
    return results


def write_json(path, args, setup, results, summary, floor):
    doc = {
        "machine": setup["machine"],
        "duration": args.duration, "runs": args.runs,
        "pcap_packets": setup["npkts"], "publishers": args.publishers,
        "payload_size": args.payload_size,
        "runs_herald": {str(k): v for k, v in results["herald"].items()},
        "runs_txonly": results["txonly"], "runs_io": results["io"],
        "medians": {str(k): v for k, v in summary.items()},
        "fanout1_floor": floor,
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


def main(argv):
    args = parse_args(argv)
    work = args.workdir or tempfile.mkdtemp(prefix="herald-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        tools = find_tools(args)
        pcap, npkts = generate_pcap(tools, work, args)
        setup = {"work": work, "pcap": pcap, "npkts": npkts,
                 "config": write_config(work, npkts),
                 "cmds": {fo: write_commands(work, fo)
                          for fo in set(args.fanouts) |
                          ({args.perf} if args.perf else set())}}
        setup["machine"] = describe_machine(tools)
        log("machine: %s" % setup["machine"])
        log("pcap: %d PUBLISH datagrams from %d publishers, %d-byte "
            "payloads; %d run(s) x %.1f s per configuration"
            % (npkts, args.publishers, args.payload_size, args.runs,
               args.duration))
        results = run_all(tools, setup, args)
        summary = summarize(results, args.fanouts)
        print_table(summary, args.fanouts, args.runs, args.duration)
        floor = fanout1_floor(args.build, summary, args)
        if args.json:
            write_json(args.json, args, setup, results, summary, floor)
        if args.perf:
            perf = {"data": os.path.join(work, "perf.data"),
                    "fanout": args.perf,
                    "callgraph": args.perf_callgraph}
            run_herald(tools, work, setup, args.perf, args.duration,
                       "perf", perf=perf)
    except BenchError as e:
        log("bench_dataplane: FAILED: %s" % e)
        return 1
    except (OSError, subprocess.CalledProcessError) as e:
        log("bench_dataplane: FAILED: %s" % e)
        return 1
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
