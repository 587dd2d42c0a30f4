#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Herald against what a user would pick instead, with the same kernel
clients (tools/bench/peers/bench-peer: C, epoll, batching where the peer
allows), on this machine, in one run.

Systems, each serving on 198.18.0.1 (the host side of a veth), clients in
a network namespace behind it (198.18.0.2; created and removed here):
  herald  herald on an af_xdp port of the veth with its XDP program, one
          worker; clients on libherald-client (acks, NACK repair)
  relay   tools/bench/peers/udp-relay: one thread, recvmmsg/sendmmsg
          (the "no Herald" baseline: no order, no repair)
  nats    nats-server (Debian package), TCP
  redis   redis-server pub/sub (Debian package), TCP

Every server runs on core 1 (herald's worker lcore; herald's control
thread, mostly asleep, on core 0), the publisher and subscriber processes
on core 0, so each system gets the same two halves of the machine.

For each fan-out (subscriber connections of one channel, all in one
subscriber process) two phases, each run --runs times (median):
  throughput  the publisher as fast as the system takes it, --duration s:
              delivered messages/s, CPU seconds per million deliveries
              (server, publisher and subscriber processes, from /proc and
              getrusage), loss
  latency     --latency-rate messages/s: p50/p99/p999 from the
              publisher's send time to the subscriber's receive (and, for
              Herald, from the DELIVER timestamp)

Usage: bench_clients.py BUILD [--fanouts 1,8,64] [--runs 3] [--size 64]
                        [--duration 3] [--latency-rate 2000]
                        [--systems herald,relay,nats,redis] [--json FILE]
Root (namespace, veth, XDP). Prints one table (markdown) and writes JSON.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

NS = "hxbc%d" % os.getpid()
HV, PV = "hxbh%d" % os.getpid(), "hxbp%d" % os.getpid()
HOST, PEER = "198.18.0.1", "198.18.0.2"
KEY = "00112233445566778899aabbccddeeff"
PORTS = {"herald": 7700, "relay": 7800, "nats": 4222, "redis": 6379}
CLK = os.sysconf("SC_CLK_TCK")
GRO = True
SERVER_CPU, CLIENT_CPU = "1", "0"
XDP_PASS = os.environ.get("XDP_PASS")


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)


def net_up():
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "add", HV, "type", "veth", "peer", "name", PV)
    sh("ip", "link", "set", PV, "netns", NS)
    sh("ip", "addr", "add", HOST + "/30", "dev", HV)
    sh("ip", "link", "set", HV, "up")
    sh("ip", "-n", NS, "addr", "add", PEER + "/30", "dev", PV)
    sh("ip", "-n", NS, "link", "set", PV, "up")
    sh("ip", "-n", NS, "link", "set", "lo", "up")
    # AF_XDP sees raw bytes: the peer computes real checksums (for every
    # system alike).
    sh("ip", "netns", "exec", NS, "ethtool", "-K", PV, "tx", "off")
    # GRO on the receiving side, as a NIC does it (TCP segments and UDP
    # runs alike; off: --no-gro).
    if GRO:
        sh("ip", "netns", "exec", NS, "ethtool", "-K", PV, "gro", "on")
        if XDP_PASS:
            # A veth runs NAPI (and so GRO) only with an XDP program.
            sh("ip", "-n", NS, "link", "set", "dev", PV, "xdp", "obj",
               XDP_PASS, "sec", "xdp")


def net_down():
    sh("ip", "link", "del", HV, check=False)
    sh("ip", "netns", "del", NS, check=False)


def cpu_of(pid):
    """utime + stime of a process, all threads, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


class Server:
    def __init__(self, system, build, tmp):
        self.system, self.build, self.tmp = system, build, tmp
        self.proc = None

    def start(self):
        s, log = self.system, open(os.path.join(self.tmp, self.system + ".log"), "w")
        if s == "herald":
            ini = os.path.join(self.tmp, "h.ini")
            with open(ini, "w") as f:
                f.write("[herald]\naddress = %s\ntoken_key = %s\n"
                        "xdp_pin_root = /sys/fs/bpf/%s\n"
                        "[lcores]\nworkers = 1\n[mempool]\nrx_mbufs = 16383\n"
                        "header_mbufs = 65535\nindirect_mbufs = 4095\n"
                        "[limits]\nendpoint_timeout_ms = 60000\n"
                        "[control]\nsocket = none\n" % (HOST, KEY, NS))
            cmd = [os.path.join(self.build, "app/herald"), "-l", "0-1",
                   "--no-huge", "-m", "2048", "--file-prefix", NS,
                   "--log-level=warning", "--vdev",
                   "net_af_xdp0,iface=%s,xdp_prog=%s" % (
                       HV, os.path.join(self.build, "ebpf/herald_xdp.bpf.o")),
                   "--", "--config", ini,
                   "--stats-json", os.path.join(self.tmp, "herald.json")]
        elif s == "relay":
            cmd = [os.path.join(self.build, "tools/bench/peers/udp-relay"),
                   HOST, str(PORTS[s])]
        elif s == "nats":
            cmd = ["nats-server", "-a", HOST, "-p", str(PORTS[s])]
        else:
            cmd = ["redis-server", "--bind", HOST, "--port", str(PORTS[s]),
                   "--save", "", "--appendonly", "no", "--protected-mode",
                   "no", "--client-output-buffer-limit", "pubsub 0 0 0"]
        if s != "herald":
            # The server on core 1, as herald's worker (-l 0-1: its
            # control thread on 0, mostly asleep); clients on core 0.
            cmd = ["taskset", "-c", SERVER_CPU] + cmd
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        time.sleep(3.0 if s == "herald" else 1.0)
        if self.proc.poll() is not None:
            sys.exit("bench_clients: %s did not start (%s)" % (
                s, open(log.name).read()[-2000:]))

    def cpu(self):
        return cpu_of(self.proc.pid)

    def wait_idle(self):
        """Until the server has drained what an earlier run left queued
        (a relay behind its publisher): under 10 % of a core over 0.3 s,
        or 30 s. Herald's worker polls, so its floor is one core."""
        floor = 1.0 if self.system == "herald" else 0.0
        for _ in range(100):
            c0 = self.cpu()
            time.sleep(0.3)
            if (self.cpu() - c0) / 0.3 < floor + 0.1:
                return

    def stop(self):
        self.proc.send_signal(2)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.system == "herald":
            shutil.rmtree("/var/run/dpdk/" + NS, ignore_errors=True)


def peer(build, role, system, args, json_path):
    cmd = ["taskset", "-c", CLIENT_CPU, "ip", "netns", "exec", NS,
           os.path.join(build, "tools/bench/peers/bench-peer"), role, system,
           HOST, str(PORTS[system]), "--json", json_path] + args
    if system == "herald":
        cmd += ["--key", KEY]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def one_run(build, tmp, server, system, fanout, size, duration, rate):
    server.wait_idle()
    sj, pj = os.path.join(tmp, "sub.json"), os.path.join(tmp, "pub.json")
    for p in (sj, pj):
        if os.path.exists(p):
            os.unlink(p)
    sub = peer(build, "sub", system, ["--conns", str(fanout), "--size",
                                      str(size), "--idle-exit", "1.5",
                                      "--max-wait", str(duration + 30)], sj)
    line = sub.stdout.readline()
    if line.strip() != "READY":
        sub.kill()
        raise RuntimeError("%s subscriber not ready: %s %s" % (
            system, line, sub.stderr.read()[-500:]))
    cpu0 = server.cpu()
    pub = peer(build, "pub", system, ["--size", str(size), "--duration",
                                      str(duration), "--rate", str(rate)], pj)
    pub.wait()
    cpu1 = server.cpu()
    sub.wait()
    if pub.returncode or sub.returncode:
        raise RuntimeError("%s: pub %d sub %d: %s %s" % (
            system, pub.returncode, sub.returncode, pub.stderr.read()[-300:],
            sub.stderr.read()[-300:]))
    s, p = json.load(open(sj)), json.load(open(pj))
    recv = s["received"]
    expected = p["sent"] * fanout
    cpu = (cpu1 - cpu0) + s["cpu_s"] + p["cpu_s"]
    return {
        "delivered_per_s": recv / s["seconds"] if s["seconds"] > 0 else 0,
        "delivered": recv, "sent": p["sent"],
        "loss": 1 - recv / expected if expected else 0,
        "cpu_s": cpu, "server_cpu_s": cpu1 - cpu0,
        "cpu_s_per_M": cpu / recv * 1e6 if recv else float("inf"),
        "latency_ns": s["latency_ns"],
        "latency_deliver_ns": s["latency_deliver_ns"],
        "nacks": s.get("nacks", 0), "resends": p.get("resends", 0),
        "coalesced": s.get("coalesced", 0),
    }


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("--fanouts", default="1,8,64")
    ap.add_argument("--systems", default="herald,relay,nats,redis")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--duration", type=float, default=3.0)
    ap.add_argument("--latency-rate", type=int, default=2000)
    ap.add_argument("--no-gro", action="store_true",
                    help="no GRO on the subscribers' veth")
    ap.add_argument("--json")
    a = ap.parse_args()
    global GRO
    GRO = not a.no_gro
    if os.geteuid() != 0:
        sys.exit("bench_clients: needs root (namespace, veth, XDP)")
    fanouts = [int(x) for x in a.fanouts.split(",")]
    systems = a.systems.split(",")
    tmp = tempfile.mkdtemp(prefix="hxbc")
    results = {}
    net_down()
    net_up()
    try:
        for system in systems:
            server = Server(system, a.build, tmp)
            server.start()
            try:
                for fo in fanouts:
                    thr = [one_run(a.build, tmp, server, system, fo, a.size,
                                   a.duration, 0) for _ in range(a.runs)]
                    lat = [one_run(a.build, tmp, server, system, fo, a.size,
                                   2.0, a.latency_rate) for _ in range(a.runs)]
                    results[(system, fo)] = {"throughput": thr, "latency": lat}
                    print("%s fan-out %d: %.0f deliveries/s, %.3f CPU s/M, "
                          "%.0f coalesced" % (
                              system, fo, median_of(thr, "delivered_per_s"),
                              median_of(thr, "cpu_s_per_M"),
                              median_of(thr, "coalesced")), file=sys.stderr)
            finally:
                server.stop()
    finally:
        net_down()
    report(results, systems, fanouts, a)
    shutil.rmtree(tmp, ignore_errors=True)


def pct(runs, key, p):
    return statistics.median(r[key][p] for r in runs) / 1e3


def report(results, systems, fanouts, a):
    print("| system | fan-out | deliveries/s | vs Herald | CPU s per M deliveries"
          " | vs Herald | loss | latency p50 / p99 / p999 (us) at %d msg/s |" %
          a.latency_rate)
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    out = {}
    for fo in fanouts:
        href = results.get(("herald", fo))
        for s in systems:
            r = results[(s, fo)]
            thr, lat = r["throughput"], r["latency"]
            rate, cpm = median_of(thr, "delivered_per_s"), median_of(thr, "cpu_s_per_M")
            loss = median_of(thr, "loss")
            vs = vc = "-"
            if href and s != "herald":
                vs = "%.2f" % (rate / median_of(href["throughput"], "delivered_per_s"))
                vc = "%.2f" % (cpm / median_of(href["throughput"], "cpu_s_per_M"))
            lats = "%.0f / %.0f / %.0f" % (pct(lat, "latency_ns", "p50"),
                                           pct(lat, "latency_ns", "p99"),
                                           pct(lat, "latency_ns", "p999"))
            if s == "herald":
                lats += " (from DELIVER ts: %.0f / %.0f / %.0f)" % (
                    pct(lat, "latency_deliver_ns", "p50"),
                    pct(lat, "latency_deliver_ns", "p99"),
                    pct(lat, "latency_deliver_ns", "p999"))
            print("| %s | %d | %.0f | %s | %.3f | %s | %.2f %% | %s |" % (
                s, fo, rate, vs, cpm, vc, 100 * loss, lats))
            out["%s/%d" % (s, fo)] = r
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
