#!/usr/bin/python3
"""Herald's rte_telemetry endpoints while it forwards: /herald/info,
/herald/lcores and /herald/stats answer, counters grow between two
queries, and the books balance once herald is stopped.

Usage: telemetry.py HERALD HWP_GEN
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import book_errors  # noqa: E402

EPOCH = 0x7e1e0001


def query(path, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    json.loads(s.recv(16384).decode())  # greeting
    s.send(cmd.encode())
    reply = json.loads(s.recv(65536).decode())
    s.close()
    return reply[cmd]


def main():
    herald, gen = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    pcap = os.path.join(tmp, "pub.pcap")
    subprocess.run([gen, "--mode", "publish", "-o", pcap, "--publishers", "2",
                    "--channels", "4", "--messages", "512", "--quiet"], check=True)
    with open(os.path.join(tmp, "h.ini"), "w") as f:
        f.write("[herald]\nepoch = %d\nnext_hop_mac = 02:00:00:00:00:fe\n"
                "egress_port = 1\n" % EPOCH)
    with open(os.path.join(tmp, "cmds"), "w") as f:
        f.write("sub add 1 9 198.18.2.9 40000\n")
    prefix = "htel%d" % os.getpid()
    sock = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    proc = subprocess.Popen(
        [herald, "-l", "0-1", "--no-huge", "-m", "512", "--file-prefix", prefix,
         "--log-level=warning",
         "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap,
         "--vdev", "net_null0,no-rx=1", "--",
         "--config", os.path.join(tmp, "h.ini"),
         "--cmdline-file", os.path.join(tmp, "cmds"),
         "--stats-json", os.path.join(tmp, "s.json")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    errors = []
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        else:
            errors.append("no telemetry socket at " + sock)
            raise RuntimeError
        time.sleep(0.5)
        info = query(sock, "/herald/info")
        if info.get("epoch") != EPOCH or info.get("udp_port") != 7700:
            errors.append("info: %r" % info)
        if query(sock, "/herald/lcores") != [1]:
            errors.append("lcores: %r" % query(sock, "/herald/lcores"))
        a = query(sock, "/herald/stats")
        time.sleep(0.5)
        b = query(sock, "/herald/stats")
        for key in ("rx_packets", "deliveries", "frames_publish_accepted",
                    "nonhwp_not_ipv4", "invalid_bad_magic"):
            if key not in b:
                errors.append("stats lacks %s" % key)
        if not b.get("rx_packets", 0) > a.get("rx_packets", 0) > 0:
            errors.append("rx_packets did not grow: %r -> %r" %
                          (a.get("rx_packets"), b.get("rx_packets")))
        if not b.get("deliveries", 0) > 0:
            errors.append("no deliveries")
    except (RuntimeError, OSError, ValueError, KeyError) as e:
        if str(e):
            errors.append("query failed: %s" % e)
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    if proc.returncode != 0:
        errors.append("herald exit %d:\n%s" % (proc.returncode, out))
    else:
        with open(os.path.join(tmp, "s.json")) as f:
            errors += book_errors(json.load(f))
    for e in errors:
        print("FAIL:", e)
    print("telemetry: %s" % ("FAIL" if errors else "OK"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
