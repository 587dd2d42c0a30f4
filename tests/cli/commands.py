#!/usr/bin/python3
"""Every command of docs/CLI.md, through a command file and through
herald-ctl against one running herald (issue 9, CLI section):

* a command file of every command that succeeds runs quietly: no
  acknowledgement, a line echoed only before output it produces, the
  show commands' output, "paused at N packets" exactly at N, JSON after
  "set output json", one summary line;
* a command file of bad arguments of every command: each line answered
  with exactly one stderr line "herald: FILE:LINE: ..." naming what was
  wrong, herald exits 2 before traffic, the summary counts them;
* herald-ctl runs every command against one herald fed by a looping pcap:
  answers, exit status 0, and the facts behind them: slots busiest first
  with exactly the pcap's messages per slot, every config key, pause at
  an exact packet count, stop freezing the workers (RCU-offline) while a
  subscription still changes, start, load, clear stats; JSON forms;
* every bad argument through herald-ctl: exit status 1 and exactly one
  stderr line, the one docs/CLI.md promises;
* every command of docs/CLI.md is exercised (a new command without a
  case here fails), and help lists them all;
* books and mempools balance at the end of every run.

Usage: commands.py HERALD HWP_GEN SOURCE_ROOT
"""
import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_lib import (BAD, Fail, Herald, acks_in, config_keys,  # noqa: E402
                     ctl, ctl_json, doc_commands, error_matches, file_form,
                     make_pcap)
from verdict import verdict  # noqa: E402

TOKEN_KEY = "00112233445566778899aabbccddeeff"

LCORE2_RE = re.compile(
    r"^    (forwarding|stopped), RCU (online|offline); last [\d.]+ s "
    r"\(since (start|clear stats)\): (\d+) loops, busy ([\d.]+) %, "
    r"rx (\d+), tx (\d+), hand-offs out (\d+) in (\d+)$", re.M)
LCORE1_RE = re.compile(r"^  worker 0: lcore 1, 4096 slots, rx (\d+) pkts, "
                       r"(\d+) messages sequenced, (\d+) deliveries"
                       r"( \(paused\))?$", re.M)
SLOT_RE = re.compile(r"^  slot +(\d+): worker 0 \(lcore 1\), (\d+) "
                     r"messages$", re.M)


def lines_of(text):
    return [ln for ln in text.splitlines() if ln.strip()]


def herald_errors(stderr):
    """herald's own error lines (EAL may log too)."""
    return [ln for ln in stderr.splitlines() if ln.startswith("herald: ")]


# ------------------------------------------------- the command files

GOOD_FILE = """# every command that succeeds, run quietly
show stats
show port stats all
show port stats 1
show port xstats 0
show lcores
show slots
show slots all
show config
show control
show channel 1
sub add 5 1 198.18.2.9 40000
sub add 5 2 198.18.2.10 40000 02:00:00:02:00:0a
sub add 6 3 198.18.2.11 40000 passive
sub add 6 4 198.18.2.11 40000 02:00:00:02:00:0b passive
sub del 5 1 198.18.2.9 40000
show subscriber 198.18.2.10 40000
show sessions
show subscribers top
show xdp
help
help show port
set log-level warning
set output text
pause at 1000
show stats
resume
stop
show lcores
start
load {load}
clear stats
set output json
show lcores
set output text
quit
"""

# Syntax of the commands GOOD_FILE runs (coverage).
GOOD_FILE_COVERS = {
    "show stats", "show port stats all|<port>", "show port xstats all|<port>",
    "show lcores", "show slots", "show slots all", "show config",
    "show control", "show channel <id>",
    "sub add <channel> <subscriber> <ip> <port>",
    "sub add <channel> <subscriber> <ip> <port> <mac>",
    "sub add <channel> <subscriber> <ip> <port> passive",
    "sub add <channel> <subscriber> <ip> <port> <mac> passive",
    "sub del <channel> <subscriber> <ip> <port>",
    "show subscriber <ip> <port>", "show sessions", "show subscribers top",
    "show xdp", "help",
    "help <words>", "set log-level <level>", "set output json|text",
    "pause at <packets>", "resume", "stop", "start", "load <file>",
    "clear stats", "quit",
}
# Produce output: echoed before it. The others are acknowledged only.
ECHOED = ["show stats", "show port stats all", "show port stats 1",
          "show port xstats 0", "show lcores", "show slots",
          "show slots all", "show config", "show control", "show channel 1",
          "show subscriber 198.18.2.10 40000", "show sessions",
          "show subscribers top", "show xdp",
          "help", "help show port", "pause at 1000"]
SILENT = ["sub add 5", "sub add 6", "sub del 5", "set log-level", "set output",
          "resume", "stop", "start", "clear stats", "quit"]


def check_good_file(binary, tmp, pcap, errors):
    load = os.path.join(tmp, "loaded.cli")
    with open(load, "w") as f:
        f.write("sub add 7 1 198.18.2.12 40000\nshow channel 7\n")
    text = GOOD_FILE.format(load=load)
    h = Herald(binary, tmp, "goodfile", pcap, infinite=False, cmds=text,
               socket=False)
    rc, out, err = h.run()
    what = "good command file"
    if rc != 0:
        errors.append("%s: exit %d: %s" % (what, rc, err[-2000:]))
    if herald_errors(err):
        errors.append("%s: error lines %r" % (what, herald_errors(err)))
    n = sum(1 for ln in text.splitlines()
            if ln.strip() and not ln.startswith("#"))
    if "%s: %d commands, 0 failed" % (h.cmds, n) not in out:
        errors.append("%s: no summary '%d commands, 0 failed': %r"
                      % (what, n, out[-800:]))
    if acks_in(out):
        errors.append("%s: acknowledgements printed: %r" % (what,
                                                            acks_in(out)))
    pos = 0
    for cmd in ECHOED:
        i = out.find("herald> %s\n" % cmd, pos)
        if i < 0:
            errors.append("%s: '%s' not echoed before its output (in "
                          "order)" % (what, cmd))
            continue
        pos = i + 1
    for cmd in SILENT:
        if re.search(r"^herald> %s" % re.escape(cmd), out, re.M):
            errors.append("%s: '%s' echoed without output" % (what, cmd))
    m = re.search(r"^paused at 1000 packets\nherald> show stats\n(.*?)"
                  r"^herald> ", out, re.M | re.S)
    if m is None or not re.search(r"^  rx_packets +1000$", m.group(1),
                                  re.M):
        errors.append("%s: show stats after 'pause at 1000' is not at "
                      "1000 packets" % what)
    m = re.search(r"^herald> stop$", out, re.M)
    if m is not None:
        errors.append("%s: 'stop' echoed" % what)
    if not re.search(r"herald> show lcores\n  control: lcore 0\n  worker 0"
                     r"[^\n]*\n    stopped, RCU offline;", out):
        errors.append("%s: show lcores after stop: not stopped and "
                      "RCU-offline" % what)
    if not re.search(r"herald> load %s\nherald> show channel 7\nchannel 7: "
                     r"[^\n]*\n(  [^\n]*\n)*?  1 subscriber\(s\)\n"
                     r"(  [^\n]*\n)*%s: 2 commands, 0 failed\n"
                     % (re.escape(load), re.escape(load)), out):
        errors.append("%s: load: its show channel and summary, in order: "
                      "%r" % (what, out[out.find("herald> load"):][:400]))
    m = re.search(r"^herald> show lcores\n(\{\"control_lcore\".*?\]\}\n)",
                  out, re.M | re.S)
    try:
        doc = json.loads(m.group(1)) if m else None
        if doc is None or doc["workers"][0]["lcore"] != 1:
            raise ValueError("no worker on lcore 1")
    except (ValueError, KeyError, TypeError) as e:
        errors.append("%s: show lcores after 'set output json' is not its "
                      "JSON: %s" % (what, e))
    h.books(errors)


def check_bad_file(binary, tmp, pcap, errors):
    lines, want = ["pause at 100"], {}
    for _syntax, line, msg in BAD:
        lines.append(line)
        want[len(lines)] = (line, msg)
    # Failures that need a state: past the point, stopped.
    for line, msg in (("pause at 5", "pause at 5: a worker has already "
                       "received more packets"),
                      ("stop", None),
                      ("pause at 200", "pause at 200: forwarding is stopped "
                       "(start first)"),
                      ("start", None)):
        lines.append(line)
        if msg is not None:
            want[len(lines)] = (line, msg)
    h = Herald(binary, tmp, "badfile", pcap, infinite=False,
               cmds="\n".join(lines) + "\n", socket=False)
    rc, out, err = h.run()
    what = "bad command file"
    if rc != 2:
        errors.append("%s: exit %d, expected 2" % (what, rc))
    got = herald_errors(err)
    for lineno, (line, msg) in sorted(want.items()):
        tag = "herald: %s:%d:" % (h.cmds, lineno)
        mine = [g for g in got if g.startswith(tag + " ")]
        expect = file_form(h.cmds, lineno, line, msg)
        if len(mine) != 1 or not error_matches(mine[0], expect):
            errors.append("%s: line %d (%s): %r, expected one line %r"
                          % (what, lineno, line[:40], mine, expect[:300]))
    stray = [g for g in got if not any(
        g.startswith("herald: %s:%d: " % (h.cmds, n)) for n in want)]
    if stray:
        errors.append("%s: lines nobody asked for: %r" % (what, stray))
    if "%s: %d commands, %d failed" % (h.cmds, len(lines),
                                       len(want)) not in out:
        errors.append("%s: summary: %r" % (what, out[-500:]))
    if acks_in(out):
        errors.append("%s: acknowledgements printed: %r" % (what,
                                                            acks_in(out)))
    h.books(errors)


# ------------------------------------------------- herald-ctl

class Ctl:
    """herald-ctl runs against one herald, each judged."""

    def __init__(self, h, errors):
        self.h, self.errors = h, errors

    def ok(self, *words, cwd=None):
        rc, out, err = ctl(self.h.sock, *words, cwd=cwd)
        if rc != 0 or err:
            self.errors.append("herald-ctl %s: exit %d, stderr %r"
                               % (" ".join(words), rc, err[-300:]))
        return out

    def fails(self, words, want, errors):
        """herald-ctl words must fail with exactly the line want."""
        rc, out, err = ctl(self.h.sock, *words)
        got = err.splitlines()
        if rc != 1 or out or got != [want]:
            errors.append("herald-ctl %s: exit %d, stdout %r, stderr %r; "
                          "expected exit 1 and %r" % (" ".join(words), rc,
                                                      out[:100], got, want))

    def json(self, *words):
        try:
            return ctl_json(self.h.sock, *words)
        except Fail as e:
            self.errors.append(str(e))
            return None

    def lcores(self):
        out = self.ok("show", "lcores")
        m1, m2 = LCORE1_RE.search(out), LCORE2_RE.search(out)
        if m1 is None or m2 is None:
            self.errors.append("show lcores: %r" % out)
            return None
        return {"rx_abs": int(m1.group(1)), "paused": bool(m1.group(4)),
                "state": m2.group(1), "rcu": m2.group(2),
                "since": m2.group(3), "loops": int(m2.group(4)),
                "busy": float(m2.group(5)), "rx": int(m2.group(6))}


def wait_sequenced(c, total, errors):
    """The pcap's first pass is done: every message sequenced (the loops
    after it are duplicates)."""
    for _ in range(100):
        s = c.json("show", "stats")
        if s is not None and s["counters"]["messages_sequenced"] >= total:
            return
        time.sleep(0.05)
    errors.append("the pcap's %d messages were not all sequenced" % total)


def check_stats_ports(c, errors):
    out = c.ok("show", "stats")
    if "######## Herald stats (epoch 00000007) ########" not in out or \
            not re.search(r"^  rx_packets +\d+$", out, re.M):
        errors.append("show stats: %r" % out[:300])
    s = c.json("show", "stats")
    if s is not None:
        for k in ("counters", "frames", "nonhwp", "invalid", "rates"):
            if k not in s:
                errors.append("show stats JSON lacks %s" % k)
        if s["counters"]["rx_packets"] <= 0 or s["since"] != "start" or \
                s["epoch"] != 7:
            errors.append("show stats JSON: %r" % {
                k: s.get(k) for k in ("epoch", "since")})
    out = c.ok("show", "port", "stats", "all")
    if "######## port 0 (net_pcap0) ########" not in out or \
            "######## port 1 (net_null0) ########" not in out:
        errors.append("show port stats all: %r" % out[:300])
    out = c.ok("show", "port", "stats", "1")
    if "######## port 1 (net_null0)" not in out or "port 0" in out:
        errors.append("show port stats 1: %r" % out[:300])
    p = c.json("show", "port", "stats", "all")
    if p is not None and [x["name"] for x in p] != ["net_pcap0",
                                                     "net_null0"]:
        errors.append("show port stats all JSON: %r" % p)
    p = c.json("show", "port", "stats", "0")
    if p is not None and (len(p) != 1 or p[0]["ipackets"] <= 0):
        errors.append("show port stats 0 JSON: %r" % p)
    out = c.ok("show", "port", "xstats", "all")
    if out.count("extended statistics") != 2 or \
            not re.search(r"^  rx_good_packets +\d+$", out, re.M):
        errors.append("show port xstats all: %r" % out[:300])
    x = c.json("show", "port", "xstats", "0")
    if x is not None and (len(x) != 1 or
                          x[0]["xstats"].get("rx_good_packets", 0) <= 0):
        errors.append("show port xstats 0 JSON: %r" % str(x)[:300])


def check_lcores_slots(c, per_slot, errors):
    a, b = c.lcores(), c.lcores()
    if a and b:
        if not (b["loops"] > a["loops"] and 0 < b["busy"] <= 100 and
                a["state"] == "forwarding" and a["rcu"] == "online"):
            errors.append("show lcores: %r then %r (loops must grow, busy "
                          "in (0, 100] under traffic)" % (a, b))
    j = c.json("show", "lcores")
    if j is not None:
        w = j["workers"][0]
        if not (w["lcore"] == 1 and w["slots"] == 4096 and w["rcu_online"]
                and not w["stopped"] and w["rx_packets"] > 0):
            errors.append("show lcores JSON: %r" % w)
    out = c.ok("show", "slots")
    rows = [(int(s), int(m)) for s, m in SLOT_RE.findall(out)]
    want = sorted(per_slot.items(), key=lambda sm: (-sm[1], sm[0]))
    if rows != want:
        errors.append("show slots: %r, expected the pcap's %r (busiest "
                      "first)" % (rows, want))
    busy = "worker 0 (lcore 1): owns 4096 slots, %d with messages" % len(
        per_slot)
    if busy not in out:
        errors.append("show slots: per-worker line: %r" % out[:300])
    j = c.json("show", "slots")
    if j is not None and [(r["slot"], r["messages"]) for r in
                          j["slots"]] != want:
        errors.append("show slots JSON: %r" % j["slots"][:5])
    rows = SLOT_RE.findall(c.ok("show", "slots", "all"))
    j = c.json("show", "slots", "all")
    if len(rows) != 4096 or (j is not None and len(j["slots"]) != 4096):
        errors.append("show slots all: %d rows" % len(rows))
    elif [(int(s), int(m)) for s, m in rows[:len(want)]] != want:
        errors.append("show slots all: not busiest first")


def check_config(c, src_root, errors):
    keys = config_keys(src_root)
    out = c.ok("show", "config")
    sec = None
    found = set()
    for ln in out.splitlines():
        m = re.match(r"^  \[(\w+)\]$", ln)
        if m:
            sec = m.group(1)
            continue
        m = re.match(r"^  (?:; )?(\w+)(?: = |: not set)", ln)
        if m:
            found.add((sec, m.group(1)))
    missing = [k for k in keys if k not in found]
    if missing:
        errors.append("show config lacks %r" % missing)
    for pat in (r"^  epoch = 7 +; line 2$", r"^  udp_port = 7700 +; default$",
                r"^  ; mac: not set$", r"^  socket = %s +; line \d+$"
                % re.escape(c.h.sock),
                r"^  token_key = \(16 bytes, not shown\) +; line \d+$"):
        if not re.search(pat, out, re.M):
            errors.append("show config: no line /%s/" % pat)
    if TOKEN_KEY in out:
        errors.append("show config shows the token key")
    j = c.json("show", "config")
    if j is not None:
        got = {(k["section"], k["key"]): k for k in j["keys"]}
        if sorted(got) != sorted(keys):
            errors.append("show config JSON keys differ from config_keys.h")
        elif not (got[("herald", "epoch")]["value"] == 7 and
                  got[("herald", "epoch")]["line"] == 2 and
                  got[("herald", "mac")]["value"] is None and
                  got[("herald", "verify_udp_checksum")]["value"] is True and
                  got[("control", "socket")]["value"] == c.h.sock):
            errors.append("show config JSON values: %r" % {
                k: got[k] for k in (("herald", "epoch"), ("herald", "mac"))})
        if TOKEN_KEY in json.dumps(j):
            errors.append("show config JSON shows the token key")


def check_misc(c, src_root, errors):
    out = c.ok("show", "control")
    if not re.search(r"^  control socket %s: \d+ client\(s\) connected"
                     % re.escape(c.h.sock), out, re.M):
        errors.append("show control: %r" % out)
    j = c.json("show", "control")
    if j is not None and (j["socket"] != c.h.sock or j["clients"] < 1 or
                          j["max_clients"] != 16):
        errors.append("show control JSON: %r" % j)
    out = c.ok("show", "channel", "1")
    if not re.search(r"^channel 1: slot \d+, owner lcore 1, last seq \d+$",
                     out, re.M):
        errors.append("show channel 1: %r" % out)
    for words, want in (
            ("sub add 5 1 198.18.2.9 40000",
             "sub add: channel 5 subscriber 1 done\n"),
            ("sub add 5 2 198.18.2.10 40000 02:00:00:02:00:0a",
             "sub add: channel 5 subscriber 2 done\n"),
            ("sub add 5 2 198.18.2.10 40000 02:00:00:02:00:0b",
             "sub add: channel 5 subscriber 2 updated\n"),
            ("sub del 5 1 198.18.2.9 40000",
             "sub del: channel 5 subscriber 1 done\n"),
            ("sub add 6 3 198.18.2.10 40000 passive",
             "sub add: channel 6 subscriber 3 done\n"),
            ("sub add 6 3 198.18.2.10 40000 passive",
             "sub add: channel 6 subscriber 3 updated\n"),
            ("set log-level info", "log level info\n"),
            ("set log-level warning", "log level warning\n"),
            ("set output text", "output text\n")):
        out = c.ok(*words.split())
        if out != want:
            errors.append("herald-ctl %s: %r, expected %r" % (words, out,
                                                              want))
    if "1 subscriber(s)" not in c.ok("show", "channel", "5"):
        errors.append("show channel 5: not 1 subscriber after the changes")
    # docs/RELIABILITY.md: an operator does not turn a subscription over
    # (the subscriber does, with a SUBACK saying where).
    for words, want in (
            ("sub add 5 2 198.18.2.10 40000 passive",
             "sub add: that endpoint's subscription is active (sub del it "
             "first)"),
            ("sub add 6 3 198.18.2.10 40000",
             "sub add: that endpoint's subscription is passive (sub del it "
             "first)")):
        c.fails(words.split(), want, errors)
    out = c.ok("show", "subscriber", "198.18.2.10", "40000")
    if not re.search(r"^  channel 6 subscriber 3 \(operator\) \(passive\)$",
                     out, re.M) or re.search(r"channel 5 subscriber 2 .*"
                                             r"passive", out):
        errors.append("show subscriber 198.18.2.10 40000: passive marks: "
                      "%r" % out)
    out = c.ok("show", "subscriber", "198.18.2.1", "40000")
    if not re.search(r"^subscriber endpoint 198\.18\.2\.1:40000: mac \S+, "
                     r"2 subscription\(s\)", out, re.M):
        errors.append("show subscriber 198.18.2.1 40000: %r" % out)
    # Nobody NACKed here: an empty ranking (its order is the e2e
    # tap_loss tests').
    out = c.ok("show", "subscribers", "top")
    if out != "subscribers by repair, worst first (0 of 0 that NACKed):\n":
        errors.append("show subscribers top: %r" % out)
    out = c.ok("show", "sessions")
    if "publisher sessions:" not in out or "subscriber endpoints:" not in out:
        errors.append("show sessions: %r" % out[:300])
    if not c.ok("show", "xdp").strip():
        errors.append("show xdp: no answer")
    out = c.ok("help")
    for syntax in doc_commands(src_root):
        if "  " + syntax not in out:
            errors.append("help does not list %r" % syntax)
    out = c.ok("help", "show", "port")
    if lines_of(out)[1:] and not all(
            ln.startswith("  show port ") for ln in lines_of(out)[1:]) or \
            len(lines_of(out)) != 3:
        errors.append("help show port: %r" % out)


def check_pause(c, errors):
    a = c.lcores()
    time.sleep(0.2)
    b = c.lcores()
    if a is None or b is None:
        return
    # A point about a second ahead, whatever the machine's packet rate.
    n = b["rx_abs"] + max(5 * (b["rx_abs"] - a["rx_abs"]), 100000)
    out = c.ok("pause", "at", str(n))
    if out != "paused at %d packets\n" % n:
        errors.append("pause at %d: %r" % (n, out))
    b = c.lcores()
    s = c.json("show", "stats")
    if b is None or b["rx_abs"] != n or not b["paused"] or \
            s is None or s["counters"]["rx_packets"] != n:
        errors.append("after pause at %d: show lcores %r, show stats "
                      "rx_packets %r" % (n, b, s and s["counters"]
                                         ["rx_packets"]))
    rc, out, err = ctl(c.h.sock, "pause", "at", "5")
    if rc != 1 or err != "pause at 5: a worker has already received more " \
            "packets\n":
        errors.append("pause at 5 after %d: exit %d %r" % (n, rc, err))
    if c.ok("resume") != "resumed\n":
        errors.append("resume: no 'resumed'")
    time.sleep(0.2)
    b = c.lcores()
    if b is None or b["rx_abs"] <= n or b["paused"]:
        errors.append("after resume: %r" % b)


def check_stop_start(c, errors):
    if c.ok("stop") != "forwarding stopped\n":
        errors.append("stop: no 'forwarding stopped'")
    a = c.lcores()
    time.sleep(0.3)
    b = c.lcores()
    if a is None or b is None or a["state"] != "stopped" or \
            a["rcu"] != "offline" or b["rx_abs"] != a["rx_abs"] or \
            b["loops"] != a["loops"]:
        errors.append("stopped: %r then %r (no rx, no loop, RCU offline)"
                      % (a, b))
    j = c.json("show", "lcores")
    if j is not None and (not j["workers"][0]["stopped"] or
                          j["workers"][0]["rcu_online"]):
        errors.append("stopped: show lcores JSON %r" % j["workers"][0])
    # The control thread's writer never waits for a stopped worker.
    t0 = time.monotonic()
    out = c.ok("sub", "add", "6", "1", "198.18.2.11", "40000")
    if out != "sub add: channel 6 subscriber 1 done\n" or \
            time.monotonic() - t0 > 2:
        errors.append("sub add while stopped: %r" % out)
    rc, _out, err = ctl(c.h.sock, "pause", "at", str(b["rx_abs"] + 10
                                                     if b else 10))
    if rc != 1 or "forwarding is stopped (start first)" not in err:
        errors.append("pause at while stopped: exit %d %r" % (rc, err))
    if c.ok("stop") != "forwarding already stopped\n":
        errors.append("stop twice: no 'forwarding already stopped'")
    if c.ok("start") != "forwarding started\n":
        errors.append("start: no 'forwarding started'")
    time.sleep(0.2)
    d = c.lcores()
    if d is None or d["state"] != "forwarding" or d["rcu"] != "online" or \
            b is None or d["rx_abs"] <= b["rx_abs"]:
        errors.append("started: %r" % d)


def check_load(c, tmp, errors):
    good = os.path.join(tmp, "ctlgood.cli")
    with open(good, "w") as f:
        f.write("sub add 7 1 198.18.2.12 40000\n# a comment\nshow channel 7\n")
    # A relative path: herald-ctl makes it absolute (herald's working
    # directory is another one).
    out = c.ok("load", "ctlgood.cli", cwd=tmp)
    want = ("herald> show channel 7\n", "  1 subscriber(s)\n",
            "%s: 2 commands, 0 failed\n" % good)
    if not all(w in out for w in want) or "sub add: channel 7" in out:
        errors.append("load ctlgood.cli: %r" % out)
    bad = os.path.join(tmp, "ctlbad.cli")
    with open(bad, "w") as f:
        f.write("sub del 99 1 198.18.2.1 40000\nshow channel 7\n")
    rc, out, err = ctl(c.h.sock, "load", bad)
    want_err = ["herald: %s:1: command failed: sub del 99 1 198.18.2.1 "
                "40000: sub del: no such subscription" % bad,
                "load: 1 of 2 commands failed"]
    if rc != 1 or err.splitlines() != want_err or \
            "%s: 2 commands, 1 failed" % bad not in out:
        errors.append("load ctlbad.cli: exit %d, stderr %r, stdout %r"
                      % (rc, err, out[-200:]))


def check_clear(c, errors):
    if c.ok("clear", "stats") != "stats cleared\n":
        errors.append("clear stats: no 'stats cleared'")
    # The looping pcap brings duplicates only: no message since.
    out = c.ok("show", "slots")
    if SLOT_RE.findall(out) or "(since clear stats)" not in out:
        errors.append("show slots after clear stats: %r" % out[:300])
    s = c.json("show", "stats")
    if s is not None and (s["since"] != "clear stats" or
                          s["counters"]["messages_sequenced"] != 0):
        errors.append("show stats after clear stats: since %r, messages "
                      "%r" % (s["since"], s["counters"]
                              ["messages_sequenced"]))
    a = c.lcores()
    if a is None or a["since"] != "clear stats":
        errors.append("show lcores after clear stats: %r" % a)


def check_bad_ctl(c, errors):
    for _syntax, line, msg in BAD:
        rc, out, err = ctl(c.h.sock, *line.split(" "))
        got = err.splitlines()
        if rc != 1 or out or len(got) != 1 or not error_matches(got[0],
                                                                 msg):
            errors.append("herald-ctl %s: exit %d, stdout %r, stderr %r; "
                          "expected exit 1 and %r" % (line[:40], rc,
                                                      out[:100], got, msg))


CTL_COVERS = GOOD_FILE_COVERS


def main():
    binary, gen, src_root = sys.argv[1:4]
    tmp = tempfile.mkdtemp()
    errors = []
    pcap = os.path.join(tmp, "pub.pcap")
    per_slot, _n = make_pcap(gen, pcap)
    total = sum(per_slot.values())
    try:
        check_good_file(binary, tmp, pcap, errors)
        check_bad_file(binary, tmp, pcap, errors)
        h = Herald(binary, tmp, "ctl", pcap,
                   ini="token_key = %s\n" % TOKEN_KEY,
                   cmds="sub add 1 1 198.18.2.1 40000\n"
                        "sub add 2 1 198.18.2.1 40000\n")
        h.start()
        c = Ctl(h, errors)
        try:
            wait_sequenced(c, total, errors)
            check_stats_ports(c, errors)
            check_lcores_slots(c, per_slot, errors)
            check_config(c, src_root, errors)
            check_misc(c, src_root, errors)
            check_pause(c, errors)
            check_stop_start(c, errors)
            check_load(c, tmp, errors)
            check_clear(c, errors)
            check_bad_ctl(c, errors)
            out = c.ok("quit")
            if out != "stopping herald\n":
                errors.append("quit: %r" % out)
            rc = h.wait()
            if rc != 0:
                errors.append("herald after quit: exit %r: %s" % (rc,
                                                                   h.log()))
        finally:
            h.stop()
        h.books(errors)
    except Fail as e:
        errors.append(str(e))
    covered = GOOD_FILE_COVERS | CTL_COVERS | {s for s, _l, _m in BAD if s}
    for syntax in doc_commands(src_root):
        if syntax not in covered:
            errors.append("docs/CLI.md's %r has no case here" % syntax)
    return verdict("commands", errors, "%d commands, %d bad arguments"
                   % (len(doc_commands(src_root)), len(BAD)))


if __name__ == "__main__":
    sys.exit(main())
