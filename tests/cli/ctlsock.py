#!/usr/bin/python3
"""The control socket (issue 9; docs/CLI.md, The control socket):

* a stale socket file (nobody listening) is replaced at start; the socket
  has mode 0600; a second herald on the same path is a startup error
  (exit 2) and leaves the first one's socket serving; a path that is not
  a socket is refused and left alone; herald removes its socket at exit;
* the framing: output "o ", errors "e ", one "= ok"/"= fail" per line,
  empty lines answered, a last line without newline runs, a line over
  1023 bytes refused, "!" when herald refuses a client;
* two herald-ctl clients at once, each running long answers in a loop
  (show config and show slots all; help and show port xstats all): each
  gets exactly its own complete answers, in order;
* a client parked on "pause at" does not hold up another client;
* a client that sends commands and never reads: the others are still
  answered at once, it is disconnected (counted in show control);
* quit while forwarding is stopped ends herald at once;
* the 17th client is refused; herald-ctl exits 2 without herald and on
  a usage error;
* books and mempools balance at the end of every run.

Usage: ctlsock.py HERALD HWP_GEN
"""
import os
import re
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_lib import Fail, Herald, ctl, ctl_argv, ctl_json, make_pcap  # noqa
from verdict import verdict  # noqa: E402


def raw_connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    return s


def read_answers(s, n):
    """n answers (up to their status lines) as raw text."""
    buf, got = b"", 0
    while got < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        got = len(re.findall(rb"^= (ok|fail)\n", buf, re.M))
    return buf.decode(errors="replace")


def check_framing(h, errors):
    s = raw_connect(h.sock)
    s.sendall(b"show port stats 9\n\n# a comment\nclear stats\n"
              + b"y" * 1100 + b"\nshow control")
    s.shutdown(socket.SHUT_WR)
    text = read_answers(s, 6)
    want = ("e show port stats 9: no port 9 (ports: 0-1)\n= fail\n"
            "= ok\n= ok\no stats cleared\n= ok\n"
            "e the line is longer than 1023 bytes\n= fail\n"
            "o   control socket %s: 1 client(s) connected (at most 16)\n"
            % h.sock)
    if not text.startswith(want) or not text.endswith("\n= ok\n"):
        errors.append("framing: %r, expected %r... ending '= ok'" % (text,
                                                                   want))
    # Everything answered and the client's input ended: herald closes.
    s.settimeout(5)
    try:
        if s.recv(100) != b"":
            errors.append("framing: herald did not close after the last "
                          "answer")
    except socket.timeout:
        errors.append("framing: connection left open after EOF")
    s.close()


def normal(text):
    """Answers whose only varying part is the time they count over."""
    return re.sub(r"last [\d.]+ s", "last X s", text)


def check_two_clients(h, errors):
    rc, config, _e = ctl(h.sock, "show", "config")
    rc2, slots, _e = ctl(h.sock, "show", "slots", "all")
    rc3, helps, _e = ctl(h.sock, "help")
    rc4, xstats, _e = ctl(h.sock, "show", "port", "xstats", "all")
    if (rc, rc2, rc3, rc4) != (0, 0, 0, 0) or len(slots) < 100000:
        errors.append("two clients: reference answers failed")
        return
    # xstats move with traffic: compare their names only.
    xnames = re.sub(r" \d+\n", "\n", xstats)
    plans = [("show config\nshow slots all\n" * 12,
              normal(config + slots) * 12, lambda t: normal(t)),
             ("help\nshow port xstats all\n" * 12, (helps + xnames) * 12,
              lambda t: re.sub(r" \d+\n", "\n", t))]
    procs = [subprocess.Popen(ctl_argv(h.sock), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in plans]
    results = [None, None]

    def run(i):
        results[i] = procs[i].communicate(plans[i][0], timeout=60)

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, (plan, want, norm) in enumerate(plans):
        out, err = results[i]
        if procs[i].returncode != 0 or err or norm(out) != want:
            errors.append("two clients: client %d (%s): exit %d, stderr %r,"
                          " %d bytes of %d expected, equal %s" % (
                              i, plan.split("\n")[0], procs[i].returncode,
                              err[:200], len(out), len(want),
                              norm(out) == want))


def check_parked(h, errors):
    """A client waiting for 'pause at' does not hold up another one."""
    a = ctl_json(h.sock, "show", "stats")["counters"]["rx_packets"]
    time.sleep(0.2)
    b = ctl_json(h.sock, "show", "stats")["counters"]["rx_packets"]
    n = b + max(10 * (b - a), 200000)
    p = subprocess.Popen(ctl_argv(h.sock) + ["pause", "at", str(n)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    t0 = time.monotonic()
    rc, out, _e = ctl(h.sock, "show", "lcores")
    took = time.monotonic() - t0
    if rc != 0 or "worker 0" not in out:
        errors.append("parked: another client's show lcores: exit %d" % rc)
    out, err = p.communicate(timeout=40)
    if p.returncode != 0 or out != "paused at %d packets\n" % n:
        errors.append("parked: pause at %d: exit %d %r %r" % (
            n, p.returncode, out, err))
    elif took > 1.0:
        errors.append("parked: another client waited %.1f s" % took)
    if ctl(h.sock, "resume")[0] != 0:
        errors.append("parked: resume failed")


def check_not_reading(h, errors):
    s = raw_connect(h.sock)
    s.setblocking(False)
    sent = 0
    try:
        for _ in range(400):
            sent += s.send(b"show slots all\n" * 20)
    except BlockingIOError:
        pass
    slow = []
    for _ in range(10):
        t0 = time.monotonic()
        rc, out, _e = ctl(h.sock, "show", "stats")
        slow.append(time.monotonic() - t0)
        if rc != 0 or "Herald stats" not in out:
            errors.append("not reading: another client's show stats: "
                          "exit %d" % rc)
    if max(slow) > 1.0:
        errors.append("not reading: others waited up to %.1f s" % max(slow))
    dropped = None
    for _ in range(80):
        j = ctl_json(h.sock, "show", "control")
        dropped = j["disconnected_not_reading"]
        if dropped >= 1:
            break
        time.sleep(0.1)
    if dropped != 1:
        errors.append("not reading: disconnected_not_reading %r after 8 s"
                      % dropped)
    # Its connection is closed: what was sent, then the end.
    s.setblocking(True)
    s.settimeout(5)
    try:
        while s.recv(1 << 20):
            pass
    except socket.timeout:
        errors.append("not reading: the client's connection is still open")
    except OSError:
        pass
    s.close()


def check_too_many(h, errors):
    conns = []
    try:
        for i in range(16):
            c = raw_connect(h.sock)
            c.sendall(b"show control\n")
            if not read_answers(c, 1).endswith("= ok\n"):
                errors.append("too many: client %d not served" % i)
            conns.append(c)
        extra = raw_connect(h.sock)
        got = extra.recv(200)
        if got != b"! too many control clients (at most 16)\n" or \
                extra.recv(200) != b"":
            errors.append("too many: the 17th got %r" % got)
        extra.close()
    finally:
        for c in conns:
            c.close()
    time.sleep(0.1)
    j = ctl_json(h.sock, "show", "control")
    if j["refused"] != 1:
        errors.append("too many: refused %r" % j["refused"])


def check_second_herald(binary, tmp, pcap, h, errors):
    other = Herald(binary, tmp, "second", pcap, socket=h.sock)
    rc, _out, err = other.run()
    if rc != 2 or "[control] socket" not in err or \
            "is served by a running herald" not in err:
        errors.append("second herald on a live socket: exit %d, %r"
                      % (rc, err[-400:]))
    if not os.path.exists(h.sock) or ctl(h.sock, "show", "control")[0]:
        errors.append("second herald: the first one's socket stopped "
                      "serving")


def check_not_socket(binary, tmp, pcap, errors):
    path = os.path.join(tmp, "plain-file")
    with open(path, "w") as f:
        f.write("precious\n")
    h = Herald(binary, tmp, "plain", pcap, socket=path)
    rc, _out, err = h.run()
    with open(path) as f:
        kept = f.read() == "precious\n"
    if rc != 2 or "exists and is not a socket" not in err or not kept:
        errors.append("a regular file at the socket path: exit %d, kept %s,"
                      " %r" % (rc, kept, err[-300:]))


def main():
    binary, gen = sys.argv[1:3]
    tmp = tempfile.mkdtemp()
    errors = []
    pcap = os.path.join(tmp, "pub.pcap")
    make_pcap(gen, pcap)
    h = Herald(binary, tmp, "sock", pcap,
               cmds="sub add 1 1 198.18.2.1 40000\n")
    # A stale socket: bound, then left behind by a process that is gone.
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(h.sock)
    stale.close()
    try:
        h.start()
        try:
            st = os.stat(h.sock)
            if not stat.S_ISSOCK(st.st_mode) or st.st_mode & 0o777 != 0o600:
                errors.append("socket mode %o, expected a socket with 0600"
                              % st.st_mode)
            check_framing(h, errors)
            check_two_clients(h, errors)
            check_parked(h, errors)
            check_not_reading(h, errors)
            check_too_many(h, errors)
            check_second_herald(binary, tmp, pcap, h, errors)
            # Quit while forwarding is stopped: herald still drains and
            # ends at once, books balanced.
            rc, out, _e = ctl(h.sock, "stop")
            if rc != 0 or out != "forwarding stopped\n":
                errors.append("stop: exit %d %r" % (rc, out))
            t0 = time.monotonic()
            rc, out, _e = ctl(h.sock, "quit")
            if rc != 0 or out != "stopping herald\n":
                errors.append("quit: exit %d %r" % (rc, out))
            rc = h.wait()
            if rc != 0 or time.monotonic() - t0 > 5:
                errors.append("herald after quit while stopped: exit %r "
                              "after %.1f s: %s" % (
                                  rc, time.monotonic() - t0, h.log()))
        finally:
            h.stop()
        h.books(errors)
        if os.path.exists(h.sock):
            errors.append("the socket is left behind after exit")
        rc, _o, err = ctl(h.sock, "show", "stats")
        if rc != 2 or "cannot connect" not in err:
            errors.append("herald-ctl without herald: exit %d %r" % (rc,
                                                                    err))
        for bad in (["--bogus", "show", "stats"], ["--timeout", "soon"],
                    ["--socket"]):
            p = subprocess.run(ctl_argv(h.sock)[:2] + bad,
                               capture_output=True, text=True, timeout=30)
            if p.returncode != 2 or "usage: herald-ctl" not in p.stderr:
                errors.append("herald-ctl %s: exit %d, expected 2 with the "
                              "usage" % (" ".join(bad), p.returncode))
        check_not_socket(binary, tmp, pcap, errors)
    except (Fail, OSError, subprocess.SubprocessError) as e:
        errors.append("%s: %s" % (type(e).__name__, e))
    return verdict("ctlsock", errors)


if __name__ == "__main__":
    sys.exit(main())
