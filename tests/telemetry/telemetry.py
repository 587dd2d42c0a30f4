#!/usr/bin/python3
"""Herald's rte_telemetry endpoints while it forwards: /herald/info,
/herald/lcores and /herald/stats answer, counters grow between two
queries, and the books balance once herald is stopped. /herald/channel
and /herald/subscriber page long lists (128 a page: every reply stays
within 16 KiB) and every page together lists exactly the subscriptions
the command file made; bad parameters get the usage line.

Teardown (hardening issue, defect 3): clients keep polling while herald
stops. Every answer must be a consistent one (counters that only grow,
the worker list) or "herald is stopping", never values read from freed
workers (the debug build poisons a freed worker context with 0xdb bytes,
so such a read shows), and herald must exit cleanly.

Usage: telemetry.py HERALD HWP_GEN
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import book_errors  # noqa: E402
from verdict import verdict  # noqa: E402
from herald_argv import herald_argv  # noqa: E402

EPOCH = 0x7e1e0001
HERALD_CMDS = {"/herald/" + c for c in (
    "stats", "info", "lcores", "latency", "channel", "subscriber",
    "subscribers/top", "channels/top", "publishers/top", "slots/top")}


def query(path, cmd, sizes=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    json.loads(s.recv(16384).decode())  # greeting
    s.send(cmd.encode())
    raw = s.recv(65536)
    s.close()
    if sizes is not None:
        sizes.append(len(raw))
    reply = json.loads(raw.decode())
    return reply[cmd.split(",")[0]]


PAGE = 128
# The command file: channel 1 has subscriber 9 and 300 more; endpoint
# 198.18.2.9:40000 holds channels 1 and 101-300.
MEMBERS = {"9 198.18.2.9:40000 02:00:00:00:00:fe operator"} | {
    "%d 198.18.3.%d:%d 02:00:00:00:00:fe operator" % (
        1000 + i, i % 200 + 1, 41000 + i) for i in range(300)}
EP_CHANNELS = {1} | set(range(101, 301))


def all_pages(sock, cmd, field, sizes):
    first = query(sock, cmd, sizes)
    items = list(first[field])
    for page in range(1, first["pages"]):
        items += query(sock, "%s,%d" % (cmd, page), sizes)[field]
    return first, items


def check_lists(sock):
    errors, sizes = [], []
    first, members = all_pages(sock, "/herald/channel,1", "members", sizes)
    if first["subscribers"] != len(MEMBERS) or first["pages"] != 3:
        errors.append("channel 1: %r" % {k: v for k, v in first.items()
                                         if k != "members"})
    if len(members) != len(MEMBERS) or set(members) != MEMBERS:
        errors.append("channel 1 pages list %d members, %d expected, "
                      "e.g. %r" % (len(members), len(MEMBERS),
                                   sorted(set(members) ^ MEMBERS)[:3]))
    if len(query(sock, "/herald/channel,1,2")["members"]) != 301 - 2 * PAGE:
        errors.append("channel 1 page 2 is not the remainder")
    first, chans = all_pages(sock, "/herald/subscriber,198.18.2.9:40000",
                             "channels", sizes)
    got = {int(c.split()[1]) for c in chans}
    if first["subscriptions"] != len(EP_CHANNELS) or got != EP_CHANNELS \
            or len(chans) != len(EP_CHANNELS):
        errors.append("endpoint 198.18.2.9:40000: %d subscriptions, "
                      "%d listed" % (first["subscriptions"], len(chans)))
    if max(sizes) > 16384:
        errors.append("a reply of %d bytes (over 16 KiB)" % max(sizes))
    for cmd, want in (("/herald/channel,0", "usage"),
                      ("/herald/channel,x", "usage"),
                      ("/herald/channel,1,y", "usage"),
                      ("/herald/subscriber,198.18.2.9", "usage"),
                      ("/herald/subscriber,198.18.2.9:0", "usage"),
                      ("/herald/subscriber,198.18.2.99:40000", "no such")):
        r = query(sock, cmd)
        if not isinstance(r, str) or want not in r:
            errors.append("%s answered %r" % (cmd, r))
    r = query(sock, "/herald/channel,77")
    if not isinstance(r, dict) or r.get("subscribers") != 0 \
            or r.get("members") != []:
        errors.append("an unsubscribed channel: %r" % (r,))
    return errors


POISON = 0xDBDBDBDB00000000


def poll_until_gone(sock, stop, replies):
    """Query /herald/stats and /herald/lcores until herald is gone."""
    while True:
        for cmd in ("/herald/stats", "/herald/lcores", "/herald/channel,1"):
            try:
                replies.append((cmd, query(sock, cmd)))
            except (OSError, ValueError, KeyError):
                if stop.is_set():
                    return


def check_teardown(per_poller):
    """Each poller's answers, in its own order."""
    errors = []
    if not any(per_poller):
        return ["no telemetry answer while herald stopped"]
    for replies in per_poller:
        errors += check_replies(replies)
    return errors[:10]


def check_replies(replies):
    errors, last = [], {}
    for cmd, r in replies:
        if r == "herald is stopping":
            continue
        if cmd == "/herald/lcores":
            if r != [1] and r != []:
                errors.append("lcores during teardown: %r" % (r,))
            continue
        if cmd.startswith("/herald/channel"):
            if r != "the control thread did not answer" and (
                    not isinstance(r, dict) or r.get("subscribers") != 301):
                errors.append("channel during teardown: %r" % (r,))
            continue
        if not isinstance(r, dict):
            errors.append("stats during teardown: %r" % (r,))
            continue
        for k, v in r.items():
            if v >= POISON:
                errors.append("stats read a freed worker: %s = %#x" % (k, v))
            elif v < last.get(k, 0):
                errors.append("%s went back: %d after %d" % (k, v, last[k]))
            last[k] = v
    return errors


def main():
    herald, gen = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    pcap = os.path.join(tmp, "pub.pcap")
    subprocess.run([gen, "--mode", "publish", "-o", pcap, "--publishers", "2",
                    "--channels", "4", "--messages", "512", "--quiet"], check=True)
    with open(os.path.join(tmp, "h.ini"), "w") as f:
        f.write("[herald]\nepoch = %d\nnext_hop_mac = 02:00:00:00:00:fe\n"
                "egress_port = 1\n[control]\nsocket = none\n" % EPOCH)
    with open(os.path.join(tmp, "cmds"), "w") as f:
        f.write("sub add 1 9 198.18.2.9 40000\n")
        for i in range(300):
            f.write("sub add 1 %d 198.18.3.%d %d\n" % (1000 + i, i % 200 + 1,
                                                      41000 + i))
        for ch in range(101, 301):
            f.write("sub add %d 9 198.18.2.9 40000\n" % ch)
    prefix = "htel%d" % os.getpid()
    sock = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    proc = subprocess.Popen(
        herald_argv(herald, prefix, tmp, pcap),
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
        # The socket is the EAL's, up before herald registers its
        # commands: wait until /herald/info answers.
        for _ in range(100):
            info = query(sock, "/herald/info")
            if isinstance(info, dict):
                break
            time.sleep(0.1)
        if info.get("epoch") != EPOCH or info.get("udp_port") != 7700:
            errors.append("info: %r" % info)
        # Every command README.md names is registered (the library
        # refuses one whose help is too long: it would answer null).
        listed = {c for c in query(sock, "/") if c.startswith("/herald/")}
        if listed != HERALD_CMDS:
            errors.append("telemetry commands: %s, README names %s" % (
                sorted(listed), sorted(HERALD_CMDS)))
        if query(sock, "/herald/lcores") != [1]:
            errors.append("lcores: %r" % query(sock, "/herald/lcores"))
        # Traffic flows once the command file has run.
        for _ in range(100):
            a = query(sock, "/herald/stats")
            if isinstance(a, dict) and a.get("rx_packets", 0) > 0:
                break
            time.sleep(0.1)
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
        errors += check_lists(sock)
    except (RuntimeError, OSError, ValueError, KeyError) as e:
        if str(e):
            errors.append("query failed: %s" % e)
    finally:
        stop, replies = threading.Event(), [[], [], []]
        pollers = [threading.Thread(target=poll_until_gone,
                                    args=(sock, stop, r))
                   for r in replies]
        for t in pollers:
            t.start()
        time.sleep(0.2)
        stop.set()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        for t in pollers:
            t.join(timeout=30)
        errors += check_teardown(replies)
    if proc.returncode != 0:
        errors.append("herald exit %d:\n%s" % (proc.returncode, out))
    else:
        with open(os.path.join(tmp, "s.json")) as f:
            errors += book_errors(json.load(f))
    return verdict("telemetry", errors)


if __name__ == "__main__":
    sys.exit(main())
