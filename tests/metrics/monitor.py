#!/usr/bin/python3
"""herald-ctl monitor driven in tmux (issue 12): against a herald that
forwards without end (net_pcap, infinite_rx), the screen shows the rates,
the workers and the latency, its figures change from one refresh to the
next, and q leaves it (the tmux session ends); herald's books balance.

Usage: monitor.py HERALD HWP_GEN HERALD_CTL
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import book_errors  # noqa: E402
from verdict import verdict  # noqa: E402
from herald_argv import herald_argv  # noqa: E402


def tmux(*args, check=True):
    return subprocess.run(["tmux"] + list(args), capture_output=True,
                          text=True, check=check)


def pane(session):
    return tmux("capture-pane", "-p", "-t", session).stdout


def figure(text, pattern):
    m = re.search(pattern, text)
    return float(m.group(1)) if m else None


def main():
    herald, gen, ctl = sys.argv[1:4]
    if shutil.which("tmux") is None:
        return verdict("monitor", ["tmux is needed (Debian package tmux)"])
    tmp = tempfile.mkdtemp()
    pcap = os.path.join(tmp, "pub.pcap")
    subprocess.run([gen, "--mode", "publish", "-o", pcap, "--publishers", "2",
                    "--channels", "4", "--messages", "512", "--quiet"],
                   check=True)
    sock = os.path.join(tmp, "ctl.sock")
    with open(os.path.join(tmp, "h.ini"), "w") as f:
        f.write("[herald]\nepoch = 0x9e770002\nnext_hop_mac = 02:00:00:00:00:fe\n"
                "egress_port = 1\n[control]\nsocket = %s\n" % sock)
    with open(os.path.join(tmp, "cmds"), "w") as f:
        for ch in range(1, 5):
            f.write("sub add %d 10 198.18.2.1 40000\n" % ch)
    prefix = "hmon%d" % os.getpid()
    hp = subprocess.Popen(
        herald_argv(herald, prefix, tmp, pcap),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        # A looping capture replays its START frames: without the
        # benchmarks' re-opening hook every loop after the first would be
        # duplicates, and the rates the screen shows would fall to 0.
        env=dict(os.environ, HERALD_BENCH_START_REOPENS="1"))
    session = "hxmon%d" % os.getpid()
    errors = []
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("no control socket")
        tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40",
             "%s --socket %s monitor --interval 0.5; sleep 30" % (ctl, sock))
        time.sleep(2.5)
        first = pane(session)
        time.sleep(1.5)
        second = pane(session)
        for text, when in ((first, "first"), (second, "second")):
            for want in ("rates/s", "worker 0 lcore 1", "rx_to_tx",
                         "drops/s", "top channels", "channel 1 ",
                         "busiest slots"):
                if want not in text:
                    errors.append("%s screen lacks %r:\n%s" % (when, want, text))
        up1, up2 = (figure(t, r"up ([0-9.]+) s") for t in (first, second))
        d1, d2 = (figure(t, r"deliveries +([0-9.]+)") for t in (first, second))
        c1, c2 = (figure(t, r"rx_to_tx +([0-9]+)") for t in (first, second))
        if up1 is None or up2 is None or not up2 > up1:
            errors.append("the uptime did not move: %r -> %r" % (up1, up2))
        if not d1 or not d2:
            errors.append("no delivery rate: %r, %r" % (d1, d2))
        if c1 is None or c2 is None or not c2 > c1:
            errors.append("the latency count did not grow: %r -> %r" % (c1, c2))
        tmux("send-keys", "-t", session, "q")
        time.sleep(1.0)
        after = pane(session)
        if "rates/s" in after:
            errors.append("q did not leave the monitor:\n%s" % after)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        errors.append("failed: %s" % e)
    finally:
        tmux("kill-session", "-t", session, check=False)
        hp.send_signal(signal.SIGINT)
        out, _ = hp.communicate(timeout=30)
    if hp.returncode != 0:
        errors.append("herald exit %d:\n%s" % (hp.returncode, out))
    else:
        with open(os.path.join(tmp, "s.json")) as f:
            errors += book_errors(json.load(f))
    shutil.rmtree(tmp, ignore_errors=True)
    return verdict("monitor", errors[:10])


if __name__ == "__main__":
    sys.exit(main())
