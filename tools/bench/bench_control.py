#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Control-plane benchmark of Herald (issue 9): how fast subscriptions are
applied, and what applying them costs the data plane.

Each scenario runs herald on net_pcap/net_null vdevs (control on lcore 0,
one worker on lcore 1), checks its books and pools, and is repeated
--runs times, interleaved with the others so that background load hits
them alike; medians are reported.

  baseline   port 0 loops PUBLISH datagrams to channel 1 (fan-out 8,
             DELIVERs to a net_null sink): deliveries/s and drops.
  updates    the same, plus port 1 reading once a capture of UPDATES
             SUBSCRIBE/UNSUBSCRIBE frames (valid tokens, 8 per datagram,
             to other channels): deliveries/s and drops against baseline,
             and the updates applied per second (subscribed + unsubscribed
             over the time the control thread took to apply them all,
             from /herald/stats polled every 20 ms).
  cli        the same traffic while a command file of UPDATES sub add/del
             lines is loaded through the control socket (herald-ctl load).
  join       JOINERS endpoints SUBSCRIBE to one channel (one capture read
             once): the time until all are applied and answered; and the
             same through a command file of sub add lines.
  flood      baseline traffic plus port 1 looping bad-token SUBSCRIBEs
             from 4096 sources, while 1000 endpoints that already hold a
             subscription SUBSCRIBE to 8 channels each (port 2, once):
             deliveries/s against baseline, and how many of the good
             SUBSCRIBEs were answered OK (and how fast).
  junk       the flood's reference: the same datagrams to another UDP
             port (dropped by the worker as other_port), so that the
             flood's cost to the data plane is read apart from the cost
             of receiving that many packets on the same core.

Goals (issue 9): at least 1 M updates/s applied; no drop the baseline
does not have; at most 10 % fewer deliveries/s than the baseline; 100 000
joins to one channel in under a second.

Usage: bench_control.py BUILD_DIR [--runs N] [--duration S] [--quick]
Exit status: 0 done (goals are reported, not enforced), 1 a run failed
or a check did not hold, 2 bad usage.
"""
import argparse
import ipaddress
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_dataplane as bd  # noqa: E402

KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
FANOUT = 8
# sub add lines of the startup command file: the fan-out, and the
# flood scenario's known endpoints.
KNOWN_ENDPOINTS = 1000
SETUP_ADDS = FANOUT + KNOWN_ENDPOINTS
GOAL_UPDATES_PER_S = 1e6
GOAL_DELIVERY_LOSS = 0.10
GOAL_JOIN_S = 1.0


def gen(tools, out, *args):
    subprocess.run([tools["hwp-gen"], "-o", out, "--append", "--quiet"]
                   + [str(a) for a in args], check=True)


def packets_of(path):
    """Packets in a pcap (16-byte record headers)."""
    n, off = 0, 24
    with open(path, "rb") as f:
        data = f.read()
    while off + 16 <= len(data):
        incl = int.from_bytes(data[off + 8:off + 12], "little")
        off += 16 + incl
        n += 1
    return n


def endpoints(n, base3):
    """n subscriber endpoints from 198.18.base3.1 on: hwp-gen's base+i."""
    return ["--subscribers", n, "--sub-ip", "198.18.%d.1" % base3,
            "--sub-mac", "02:00:00:%02x:00:01" % base3]


def make_inputs(tools, work, args):
    f = {k: os.path.join(work, k + ".pcap")
         for k in ("publish", "updates", "join", "flood", "good")}
    for p in f.values():
        if os.path.exists(p):
            os.unlink(p)
    gen(tools, f["publish"], "--mode", "publish", "--publishers", 4,
        "--channels", 1, "--messages", 20000, "--payload-size", 64)
    # UPDATES frames: E endpoints x C channels, subscribed then left.
    e, c = 1000, args.updates // 2000
    gen(tools, f["updates"], "--mode", "subscribe", *endpoints(e, 8),
        "--channel-list", "1001-%d" % (1000 + c), "--batch", args.batch)
    gen(tools, f["updates"], "--mode", "unsubscribe", *endpoints(e, 8),
        "--channel-list", "1001-%d" % (1000 + c), "--batch", args.batch)
    # JOINERS endpoints from 198.18.16.1 on (hwp-gen adds i to the
    # address), one SUBSCRIBE each to channel 7.
    gen(tools, f["join"], "--mode", "subscribe",
        *endpoints(args.joiners, 16), "--channel-list", 7)
    gen(tools, f["flood"], "--mode", "subscribe", *endpoints(4096, 40),
        "--channel-list", "2-9", "--batch", 8, "--bad-token")
    gen(tools, f["good"], "--mode", "subscribe", *endpoints(1000, 80),
        "--channel-list", "11-18", "--batch", 8)
    f["junk"] = os.path.join(work, "junk.pcap")
    junk_copy(f["flood"], f["junk"])
    f["idle"] = os.path.join(work, "idle.pcap")
    first_packet(f["junk"], f["idle"])
    cli = os.path.join(work, "updates.cmd")
    with open(cli, "w") as out:
        for op in ("add", "del"):
            for ch in range(2001, 2001 + c):
                for i in range(e):
                    ip = "198.18.%d.%d" % (100 + i // 250, 1 + i % 250)
                    out.write("sub %s %d %d %s 40000%s\n" % (
                        op, ch, i + 1, ip,
                        " 02:00:00:64:00:01" if op == "add" else ""))
    joins = os.path.join(work, "join.cmd")
    with open(joins, "w") as out:
        for i in range(args.joiners):
            out.write("sub add 7 %d %s 40000 02:00:00:13:00:01\n"
                      % (i + 1, ipaddress.IPv4Address("198.19.0.1") + i))
    f["updates.cmd"], f["join.cmd"] = cli, joins
    return f


def junk_copy(src, dst):
    """The same datagrams to UDP port 7701 (checksum 0: none): what the
    worker drops as other_port, the RX cost of the flood without its
    control-plane part."""
    with open(src, "rb") as f:
        data = bytearray(f.read())
    off = 24
    while off + 16 <= len(data):
        incl = int.from_bytes(data[off + 8:off + 12], "little")
        pkt = off + 16
        udp = pkt + 14 + (data[pkt + 14] & 0x0F) * 4
        data[udp + 2:udp + 4] = (7701).to_bytes(2, "big")
        data[udp + 6:udp + 8] = b"\0\0"
        off = pkt + incl
    with open(dst, "wb") as f:
        f.write(data)


def first_packet(src, dst):
    """A capture of src's first packet only: a port that is exhausted at
    once (net_pcap then costs a read() attempt per poll)."""
    with open(src, "rb") as f:
        data = f.read()
    incl = int.from_bytes(data[24 + 8:24 + 12], "little")
    with open(dst, "wb") as f:
        f.write(data[:24 + 16 + incl])


def write_config(work, args, npkts):
    path = os.path.join(work, "herald-egress%d.ini" % args.egress)
    with open(path, "w") as f:
        f.write("[herald]\nepoch = 1\negress_port = %d\n"
                "next_hop_mac = 02:00:00:00:00:99\ntoken_key = %s\n"
                "[limits]\nmax_subscribers = %d\nmax_endpoints = %d\n"
                "[control]\nitem_ring_size = %d\nrequest_ring_size = 65536\n"
                "socket = %s\n"
                "[mempool]\nrx_mbufs = %d\n" % (
                    args.egress, KEY, max(2 * args.joiners, 1024),
                    max(2 * args.joiners, 65536),
                    args.item_ring, os.path.join(work, "ctl.sock"),
                    bd.pow2_minus_1_at_least(npkts + 40000)))
    return path


def subs_commands(work):
    path = os.path.join(work, "subs.cmd")
    with open(path, "w") as f:
        for i in range(FANOUT):
            f.write("sub add 1 %d 198.18.2.%d 40000\n" % (i + 1, i + 1))
        # The 1000 endpoints of the flood scenario's good SUBSCRIBEs hold
        # a subscription already (known endpoints).
        for i in range(KNOWN_ENDPOINTS):
            f.write("sub add 10 %d %s 40000\n" % (
                i + 1, ipaddress.IPv4Address("198.18.80.1") + i))
        f.write(bd.READY_COMMAND + "\n")
    return path


def tel_query(sock, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(2)
    s.connect(sock)
    s.recv(16384)
    s.send(cmd.encode())
    reply = json.loads(s.recv(65536).decode())
    s.close()
    return reply[cmd.split(",")[0]]


def run_scenario(tools, work, setup, name, duration, tag, extra_ports=(),
                 ctl=None, watch=None):
    """herald on the publish loop (port 0) plus extra_ports pcaps; ctl()
    runs once traffic flows; watch(stats) polls /herald/stats every
    20 ms. Returns the stats JSON and what the callbacks returned."""
    stats = os.path.join(work, "stats-%s.json" % tag)
    prefix = "hbc%d_%s" % (os.getpid(), tag)
    vdevs = ["--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" %
             setup["publish"]]
    for i, (pcap, loop) in enumerate(extra_ports):
        vdevs += ["--vdev", "net_pcap%d,rx_pcap=%s%s" % (
            i + 1, pcap, ",infinite_rx=1" if loop else "")]
    vdevs += ["--vdev", "net_null0,no-rx=1"]
    mem = (["-m", "3072", "--huge-unlink"] if setup["huge"] else
           ["--no-huge", "-m", "3072"])
    argv = [tools["herald"], "-l", "0-1"] + mem + [
            "--file-prefix", prefix, "--log-level=warning"] + vdevs + [
            "--", "--config", setup["config%d" % len(extra_ports)],
            "--cmdline-file", setup["subs"], "--stats-json", stats]
    proc = bd.start_child(argv)
    reader = bd.OutputReader(proc)
    sock = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    out = {}
    setup["tel"] = sock
    try:
        if not reader.wait_for(r"^\S*>\s*%s" % bd.READY_COMMAND,
                               bd.START_TIMEOUT_S, proc):
            raise bd.BenchError("%s: herald did not start:\n%s" % (
                name, bd.tail(reader.text())))
        t0 = time.monotonic()
        if ctl is not None:
            out["ctl"] = ctl(setup)
        while time.monotonic() - t0 < duration:
            if watch is not None:
                watch(tel_query(sock, "/herald/stats"), time.monotonic())
            time.sleep(0.02)
        rc = bd.stop_child(proc, reader, signal.SIGINT)
    finally:
        bd.end_child(proc, prefix)
    if rc != 0:
        raise bd.BenchError("%s: herald exited %d:\n%s" % (
            name, rc, bd.tail(reader.text())))
    with open(stats) as f:
        s = json.load(f)
    errs = bd.conservation_errors(s)
    if errs:
        raise bd.BenchError("%s (%s): %s" % (name, stats, "; ".join(errs)))
    return s, out


def dp_figures(s):
    c, fr = s["counters"], s["frames"]
    drops = {k: c[k] for k in ("deliveries_nombuf", "tx_dropped",
                               "channel_table_full", "subacks_nombuf",
                               "keepalives_nombuf") if c.get(k)}
    drops.update({"frames." + k: fr[k] for k in (
        "publish_handoff_full", "publish_nombuf", "publish_channel_full",
        "control_ring_full") if fr.get(k)})
    return {"mdps": c["deliveries"] / s["run_seconds"] / 1e6,
            "drops": drops}


class Applied:
    """When the control thread had applied n changes (from polls), and
    the deliveries the data plane made meanwhile."""

    def __init__(self, want, names):
        self.want, self.names = want, names
        self.first = self.done = self.read = None

    def __call__(self, st, now):
        n = sum(st.get("control_" + k, 0) for k in self.names)
        if n > 0 and self.first is None:
            self.first = (now, st["deliveries"])
        # Every frame of the capture received and queued: from here on
        # the worker no longer reads the capture file (net_pcap's
        # read() calls on the worker's core, which a NIC would not
        # cost), only answers and delivers.
        if st.get("frames_subscribe_queued", 0) >= self.want and \
                self.read is None:
            self.read = (now, st["deliveries"])
        if n >= self.want and self.done is None:
            self.done = (now, st["deliveries"])

    def seconds(self):
        if self.first is None or self.done is None:
            return None
        # One poll interval is the resolution: never report 0.
        return max(self.done[0] - self.first[0], 0.02)

    def mdps(self):
        """Deliveries/s (M) while the changes were being applied."""
        secs = self.seconds()
        if secs is None or self.done[0] <= self.first[0]:
            return None
        return (self.done[1] - self.first[1]) / secs / 1e6

    def mdps_after_input(self):
        """Deliveries/s (M) from when the whole capture was received to
        the last change applied (None: under 0.1 s of it)."""
        if self.read is None or self.done is None or \
                self.done[0] - self.read[0] < 0.1:
            return None
        return (self.done[1] - self.read[1]) / (self.done[0] -
                                                self.read[0]) / 1e6


def scenario_updates(tools, work, setup, args, tag):
    watch = Applied(args.updates, ("subscribed", "unsubscribed"))
    s, _ = run_scenario(tools, work, setup, "updates", args.duration, tag,
                        [(setup["updates"], False)], watch=watch)
    k = s["control"]
    applied = k["subscribed"] + k["unsubscribed"]
    if applied != args.updates or k["items"] != args.updates:
        raise bd.BenchError("updates: %d of %d applied (%d items; %s)" % (
            applied, args.updates, k["items"],
            {n: v for n, v in k.items() if v}))
    secs = watch.seconds()
    return dict(dp_figures(s), updates_per_s=(applied / secs if secs
                                              else None),
                mdps_applying=watch.mdps(),
                mdps_after_input=watch.mdps_after_input())


def herald_ctl(setup, *words):
    return subprocess.run([setup["herald-ctl"], "--socket", setup["sock"]] +
                          list(words), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600)


def scenario_cli(tools, work, setup, args, tag):
    def load(setup):
        d0 = tel_query(setup["tel"], "/herald/stats")["deliveries"]
        t = time.monotonic()
        r = herald_ctl(setup, "load", setup["updates.cmd"])
        secs = time.monotonic() - t
        if r.returncode != 0:
            raise bd.BenchError("cli: herald-ctl load: %s" % r.stdout[-500:])
        d1 = tel_query(setup["tel"], "/herald/stats")["deliveries"]
        return secs, (d1 - d0) / secs / 1e6

    s, out = run_scenario(tools, work, setup, "cli", args.duration, tag,
                          ctl=load)
    k = s["control"]
    # The startup command file adds SETUP_ADDS of its own.
    if k["operator_adds"] + k["operator_dels"] != args.updates + SETUP_ADDS:
        raise bd.BenchError("cli: %d adds + %d dels of %d + %d" % (
            k["operator_adds"], k["operator_dels"], args.updates,
            SETUP_ADDS))
    return dict(dp_figures(s), updates_per_s=args.updates / out["ctl"][0],
                load_seconds=out["ctl"][0], mdps_applying=out["ctl"][1])


def scenario_join(tools, work, setup, args, tag):
    watch = Applied(args.joiners, ("subscribed",))
    s, _ = run_scenario(tools, work, setup, "join", 2.0, tag,
                        [(setup["join"], False)], watch=watch)
    if s["control"]["subscribed"] != args.joiners or \
            s["counters"]["subacks"] != args.joiners:
        raise bd.BenchError("join: %d subscribed, %d SUBACKs of %d" % (
            s["control"]["subscribed"], s["counters"]["subacks"],
            args.joiners))

    def load(setup):
        t = time.monotonic()
        r = herald_ctl(setup, "load", setup["join.cmd"])
        if r.returncode != 0:
            raise bd.BenchError("join: herald-ctl load: %s" % r.stdout[-500:])
        return time.monotonic() - t

    _s2, out = run_scenario(tools, work, setup, "join-cli", 1.0, tag + "c",
                            ctl=load)
    return {"frames_s": watch.seconds(), "cli_s": out["ctl"]}


def scenario_flood(tools, work, setup, args, tag):
    good = 1000 * 8
    watch = Applied(good, ("subscribed",))
    s, _ = run_scenario(tools, work, setup, "flood", args.duration, tag,
                        [(setup["flood"], True), (setup["good"], False)],
                        watch=watch)
    k = s["control"]
    return dict(dp_figures(s), good_ok=k["subscribed"], good_total=good,
                good_s=watch.seconds(), bad_handled=k["bad_token"],
                bad_dropped=s["frames"]["control_ring_full"])


def scenario_idle(tools, work, setup, args, tag):
    """The updates' reference: the baseline traffic with the updates'
    port set, the extra port's capture one packet long (dropped as
    other_port), so that the worker polls an exhausted net_pcap port
    there as it does in updates once its capture is read."""
    s, _ = run_scenario(tools, work, setup, "idle", args.duration, tag,
                        [(setup["idle"], False)], watch=lambda st, now: None)
    return dp_figures(s)


def scenario_junk(tools, work, setup, args, tag):
    """The flood's reference: the same datagrams to another UDP port."""
    good = 1000 * 8
    watch = Applied(good, ("subscribed",))
    s, _ = run_scenario(tools, work, setup, "junk", args.duration, tag,
                        [(setup["junk"], True), (setup["good"], False)],
                        watch=watch)
    return dict(dp_figures(s), good_ok=s["control"]["subscribed"],
                good_total=good, good_s=watch.seconds(),
                junk_dropped=s["nonhwp"]["other_port"])


def med(runs, key):
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def report(results, args):
    base = med(results["baseline"], "mdps")
    lines = ["", "Control plane (medians of %d runs, %.1f s each)" % (
        args.runs, args.duration), ""]
    lines.append("| scenario | deliveries/s (M), whole run | vs baseline | "
                 "while applying | vs baseline | updates/s applied | "
                 "drops |")
    lines.append("|---|---|---|---|---|---|---|")
    for name in ("baseline", "idle", "updates", "cli", "junk", "flood"):
        runs = results.get(name)
        if not runs:
            continue
        m = med(runs, "mdps")
        ma = med(runs, "mdps_applying")
        ups = med(runs, "updates_per_s")
        drops = sorted({k for r in runs for k in r["drops"]})
        lines.append("| %s | %.2f | %s | %s | %s | %s | %s |" % (
            name, m, "%.3f" % (m / base) if base else "-",
            "%.2f" % ma if ma else "-",
            "%.3f" % (ma / base) if ma and base else "-",
            "%.2f M" % (ups / 1e6) if ups else "-",
            ", ".join(drops) or "none"))
    u = results.get("updates", [])
    ai = med(u, "mdps_after_input") if u else None
    if ai and base:
        lines.append("")
        lines.append("updates, from the whole capture received to the last "
                     "change applied (the worker no longer reads the "
                     "capture file): %.2f M deliveries/s, %.3f of the "
                     "baseline" % (ai, ai / base))
    idle = med(results.get("idle", []), "mdps")
    ma = med(u, "mdps_applying") if u else None
    if idle and ma:
        lines.append("updates against idle (the same ports, the extra "
                     "one's capture exhausted at once): %.3f while "
                     "applying, %s from the whole capture received" % (
                         ma / idle, "%.3f" % (ai / idle) if ai else "-"))
    j = results.get("join", [])
    if j:
        lines.append("")
        lines.append("%d joins to one channel: %.3f s from SUBSCRIBE "
                     "frames, %.3f s from a command file (median)" % (
                         args.joiners, med(j, "frames_s"), med(j, "cli_s")))
    f, jk = results.get("flood", []), results.get("junk", [])
    if f and jk:
        lines.append("flood against its reference (the same datagrams to "
                     "another UDP port, dropped as other_port): "
                     "deliveries/s %.3f; good SUBSCRIBEs answered in %s s "
                     "against %s s" % (
                         med(f, "mdps") / med(jk, "mdps"),
                         "%.3f" % med(f, "good_s") if med(f, "good_s")
                         else "-",
                         "%.3f" % med(jk, "good_s") if med(jk, "good_s")
                         else "-"))
    if f:
        lines.append("flood: good SUBSCRIBEs of known endpoints answered "
                     "OK %d of %d (median), all in %s s; %d bad tokens "
                     "verified, %d dropped at the ring (medians)" % (
                         med(f, "good_ok"), f[0]["good_total"],
                         "%.3f" % med(f, "good_s") if med(f, "good_s")
                         else "-", med(f, "bad_handled"),
                         med(f, "bad_dropped")))
    print("\n".join(lines))
    return {"baseline_mdps": base}


SCENARIOS = ("baseline", "idle", "updates", "cli", "join", "junk", "flood")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=float, default=3.0)
    ap.add_argument("--updates", type=int, default=1000000)
    ap.add_argument("--joiners", type=int, default=100000)
    ap.add_argument("--item-ring", type=int, default=1 << 20)
    ap.add_argument("--batch", type=int, default=8,
                    help="SUBSCRIBE / UNSUBSCRIBE frames per datagram of "
                    "the updates capture (default 8; at most what fits "
                    "in 1500 bytes)")
    ap.add_argument("--quick", action="store_true",
                    help="1 run, 1.5 s, 200 000 updates, 20 000 joiners")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS),
                    help="comma-separated subset of %s" % ",".join(
                        SCENARIOS))
    ap.add_argument("--huge", action="store_true",
                    help="run herald on hugepages (reserve 1600 of 2 MiB "
                    "first, hugetlbfs at /dev/hugepages): memory that is "
                    "not faulted in on first touch, as on an edge node")
    ap.add_argument("--json", help="write every run's figures here")
    ap.add_argument("--workdir")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs, args.duration = 1, 1.5
        args.updates, args.joiners = 200000, 20000
    args.scenarios = args.scenarios.split(",")
    if not set(args.scenarios) <= set(SCENARIOS):
        ap.error("--scenarios: one of %s" % ",".join(SCENARIOS))
    if args.updates % 2000:
        ap.error("--updates must be a multiple of 2000")
    return args


def main(argv):
    args = parse_args(argv)
    work = args.workdir or tempfile.mkdtemp(prefix="herald-bench-ctl-")
    os.makedirs(work, exist_ok=True)
    try:
        tools = bd.find_tools(argparse.Namespace(build=args.build,
                                                 testpmd="true"))
        setup = make_inputs(tools, work, args)
        npkts = packets_of(setup["publish"])
        # Egress is the net_null port: after the pcap ports of a run.
        setup["subs"] = subs_commands(work)
        for extra in range(3):
            args.egress = 1 + extra
            setup["config%d" % extra] = write_config(work, args, npkts + (
                packets_of(setup["flood"]) if extra == 2 else 0))
        setup["sock"] = os.path.join(work, "ctl.sock")
        setup["huge"] = args.huge
        setup["herald-ctl"] = os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "herald-ctl",
            "herald-ctl")
        bd.log("machine: %s" % bd.describe_machine(tools))
        results = {k: [] for k in SCENARIOS}
        for r in range(args.runs):
            for name, fn in (("baseline", None), ("idle", scenario_idle),
                             ("updates", scenario_updates),
                             ("cli", scenario_cli), ("join", scenario_join),
                             ("junk", scenario_junk),
                             ("flood", scenario_flood)):
                if name not in args.scenarios:
                    continue
                tag = "%s%d" % (name, r)
                if fn is None:
                    # Polled as the updates are (every 20 ms): the
                    # poller's own cost, on whichever core the kernel
                    # gives it, is then on both sides.
                    s, _ = run_scenario(tools, work, setup, name,
                                        args.duration, tag,
                                        watch=lambda st, now: None)
                    res = dp_figures(s)
                else:
                    res = fn(tools, work, setup, args, tag)
                bd.log("run %d/%d %-8s %s" % (r + 1, args.runs, name, res))
                results[name].append(res)
        report(results, args)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=1)
    except (bd.BenchError, subprocess.CalledProcessError, OSError) as e:
        bd.log("bench_control: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
