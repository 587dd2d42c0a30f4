"""What the CLI tests share: a herald on virtual devices (a pcap of
publishers on port 0, a net_null sink on port 1), herald-ctl runs, the
books at the end, and the expected answers of every command, written from
docs/CLI.md and the issue (not from what herald happens to print).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from herald_books import book_errors  # noqa: E402
from hwp_pcap import (parse_udp4, publish_fields, read_pcap,  # noqa: E402
                      slot, split_frames)

PYTHON = "/usr/bin/python3"
T_PUBLISH = 0x01
SUB_MAC = "02:00:00:02:00:01"
LEVELS = "emerg alert crit err warning notice info debug"


class Fail(Exception):
    pass


def make_pcap(gen, path, messages=3000):
    """PUBLISH traffic on channels 1-12, picked at random: the slots carry
    different numbers of messages."""
    subprocess.run([gen, "--mode", "publish", "-o", path, "--publishers",
                    "2", "--channel-list", "1-12", "--channel-pattern",
                    "random", "--messages", str(messages), "--seed", "5",
                    "--quiet"], check=True)
    per_slot, n = {}, 0
    for _ts, pkt in read_pcap(path):
        n += 1
        u = parse_udp4(pkt)
        for ftype, _flags, frame in split_frames(u["payload"]) or []:
            if ftype == T_PUBLISH:
                s = slot(publish_fields(frame)[0])
                per_slot[s] = per_slot.get(s, 0) + 1
    return per_slot, n


def config_keys(src_root):
    """(section, key) of every key in app/config/config_keys.h."""
    with open(os.path.join(src_root, "app", "config",
                           "config_keys.h")) as f:
        return re.findall(r"^X\((\w+), (\w+),", f.read(), re.M)


def doc_commands(src_root):
    """The syntax of every command, from docs/CLI.md's generated lists
    (the cli_doc test keeps them equal to the command tables)."""
    with open(os.path.join(src_root, "docs", "CLI.md")) as f:
        return re.findall(r"^- `([^`]+)`: ", f.read(), re.M)


class Herald:
    """One herald process with its own file prefix, socket and JSON."""

    def __init__(self, binary, tmp, name, pcap, infinite=True, ini="",
                 cmds=None, socket=True, args=()):
        """socket: True (a path of its own), False (none) or a path."""
        self.tmp, self.name = tmp, name
        self.sock = (os.path.join(tmp, name + ".sock") if socket is True
                     else socket or None)
        self.stats = os.path.join(tmp, name + "-stats.json")
        self.ini = os.path.join(tmp, name + ".ini")
        self.prefix = "hcli%d%s" % (os.getpid(), name)
        with open(self.ini, "w") as f:
            f.write("[herald]\nepoch = 7\nnext_hop_mac = 02:00:00:00:00:fe\n"
                    "egress_port = 1\n" + ini +
                    "[control]\nsocket = %s\n" % (self.sock or "none"))
        rx = "rx_pcap=%s%s" % (pcap, ",infinite_rx=1" if infinite else "")
        self.argv = [binary, "-l", "0-1", "--no-huge", "-m", "512",
                     "--no-pci", "--file-prefix", self.prefix,
                     "--log-level=error",
                     "--vdev", "net_pcap0," + rx,
                     "--vdev", "net_null0,no-rx=1", "--",
                     "--config", self.ini, "--stats-json", self.stats]
        if cmds is not None:
            self.cmds = os.path.join(tmp, name + ".cli")
            with open(self.cmds, "w") as f:
                f.write(cmds)
            self.argv += ["--cmdline-file", self.cmds]
        self.argv += list(args)
        self.proc = None

    def run(self, timeout=60):
        """Run to its end: (exit code, stdout, stderr)."""
        p = subprocess.run(self.argv, capture_output=True, text=True,
                           timeout=timeout)
        shutil.rmtree("/var/run/dpdk/" + self.prefix, ignore_errors=True)
        return p.returncode, p.stdout, p.stderr

    def start(self):
        self.out = open(os.path.join(self.tmp, self.name + ".out"), "w+")
        self.err = open(os.path.join(self.tmp, self.name + ".err"), "w+")
        self.proc = subprocess.Popen(self.argv, stdout=self.out,
                                     stderr=self.err, text=True)
        for _ in range(200):
            if self.proc.poll() is not None:
                raise Fail("%s exited %d at start: %s" % (
                    self.name, self.proc.returncode, self.log()))
            if os.path.exists(self.sock):
                rc, _o, _e = ctl(self.sock, "show", "control")
                if rc == 0:
                    return
            time.sleep(0.05)
        raise Fail("%s: no answer on %s: %s" % (self.name, self.sock,
                                                 self.log()))

    def log(self):
        text = ""
        for f in (self.out, self.err):
            f.flush()
            f.seek(0)
            text += f.read()
        return text[-3000:]

    def wait(self, timeout=30):
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = "killed (no exit)"
        shutil.rmtree("/var/run/dpdk/" + self.prefix, ignore_errors=True)
        return rc

    def stop(self):
        """SIGINT, then its exit code."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(2)
        return self.wait()

    def books(self, errors):
        """Conservation and mempools from the exit JSON (every test that
        runs herald checks them)."""
        try:
            with open(self.stats) as f:
                stats = json.load(f)
        except (OSError, ValueError) as e:
            errors.append("%s: no stats JSON: %s" % (self.name, e))
            return None
        errors += ["%s: %s" % (self.name, e) for e in book_errors(stats)]
        return stats


HERALD_CTL = os.path.join(HERE, "..", "..", "tools", "herald-ctl",
                          "herald-ctl")


def ctl_argv(sock, json_out=False):
    return [PYTHON, HERALD_CTL, "--socket", sock] + (
        ["--json"] if json_out else [])


def ctl(sock, *words, json_out=False, stdin=None, timeout=60, cwd=None):
    """herald-ctl: (exit status, stdout, stderr)."""
    p = subprocess.run(ctl_argv(sock, json_out) + list(words), input=stdin,
                       capture_output=True, text=True, timeout=timeout,
                       cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def ctl_json(sock, *words):
    rc, out, err = ctl(sock, *words, json_out=True)
    if rc != 0:
        raise Fail("herald-ctl --json %s: exit %d: %s" % (" ".join(words),
                                                          rc, err))
    try:
        return json.loads(out)
    except ValueError as e:
        raise Fail("herald-ctl --json %s: not JSON (%s): %r" % (
            " ".join(words), e, out[:300]))


def error_matches(got, want):
    """want ending in '...' is a prefix; else the whole line."""
    if want.endswith("..."):
        return got.startswith(want[:-3])
    return got == want


def file_form(path, lineno, line, want):
    """The line a command file prints for an error whose socket form is
    want (docs/CLI.md, Errors)."""
    for status in ("bad arguments", "unknown command"):
        if want.startswith(status + ": "):
            return "herald: %s:%d: %s: %s: %s" % (
                path, lineno, status, line, want[len(status) + 2:])
    if want.startswith("the line is longer"):
        return "herald: %s:%d: %s" % (path, lineno, want)
    return "herald: %s:%d: command failed: %s: %s" % (path, lineno, line,
                                                      want)


# Bad arguments of every command, each answered with this one line (the
# socket's form; herald-ctl prints it on stderr and exits 1). A line
# ending in "..." is a prefix.
BAD = [
    ("show stats", "show stats now",
     "bad arguments: 'show stats' takes no more arguments ('now') "
     "(usage: show stats)"),
    ("show port stats all|<port>", "show port stats 9",
     "show port stats 9: no port 9 (ports: 0-1)"),
    ("show port stats all|<port>", "show port stats x",
     "show port stats x: not a port (all, or 0-1)"),
    ("show port stats all|<port>", "show port stats",
     "bad arguments: 'show port stats' needs more arguments (usage: show "
     "port stats all|<port>)"),
    ("show port stats all|<port>", "show port stats all extra",
     "bad arguments: 'show port stats all' takes no more arguments "
     "('extra') (usage: show port stats all|<port>)"),
    ("show port xstats all|<port>", "show port xstats 2",
     "show port xstats 2: no port 2 (ports: 0-1)"),
    ("show lcores", "show lcores 1",
     "bad arguments: 'show lcores' takes no more arguments ('1') (usage: "
     "show lcores)"),
    ("show slots", "show slots some",
     "bad arguments: 'some' is not valid after 'show slots' (usage: show "
     "slots; show slots all)"),
    ("show slots all", "show slots all of them",
     "bad arguments: 'show slots all' takes no more arguments ('of') "
     "(usage: show slots all)"),
    ("clear stats", "clear stat",
     "bad arguments: 'stat' is not valid after 'clear' (usage: clear "
     "stats)"),
    ("show channel <id>", "show channel 0",
     "show channel: channel 0 is invalid"),
    ("show channel <id>", "show channel x",
     "bad arguments: 'x' is not valid after 'show channel' (usage: show "
     "channel <id>)"),
    ("sub add <channel> <subscriber> <ip> <port>",
     "sub add 1 2 198.18.300.2 40000",
     "bad arguments: '198.18.300.2' is not valid after 'sub add 1 2' "
     "(usage: sub add <channel> <subscriber> <ip> <port>; sub add "
     "<channel> <subscriber> <ip> <port> <mac>; sub add <channel> "
     "<subscriber> <ip> <port> passive; sub add <channel> <subscriber> "
     "<ip> <port> <mac> passive)"),
    ("sub add <channel> <subscriber> <ip> <port>",
     "sub add 1 2 198.18.2.2 0", "sub add: UDP port 0 is invalid"),
    ("sub add <channel> <subscriber> <ip> <port> <mac>",
     "sub add 1 2 198.18.2.2 40000 02:00:00:02:00",
     "bad arguments: '02:00:00:02:00' is not valid after 'sub add 1 2 "
     "198.18.2.2 40000' (usage: sub add <channel> <subscriber> <ip> "
     "<port>; sub add <channel> <subscriber> <ip> <port> <mac>; sub add "
     "<channel> <subscriber> <ip> <port> passive; sub add <channel> "
     "<subscriber> <ip> <port> <mac> passive)"),
    ("sub add <channel> <subscriber> <ip> <port> passive",
     "sub add 1 2 198.18.2.2 0 passive", "sub add: UDP port 0 is invalid"),
    ("sub add <channel> <subscriber> <ip> <port> <mac> passive",
     "sub add 1 2 198.18.2.2 0 02:00:00:02:00:02 passive",
     "sub add: UDP port 0 is invalid"),
    ("sub del <channel> <subscriber> <ip> <port>",
     "sub del 9 9 198.18.2.9 40000", "sub del: no such subscription"),
    ("show subscriber <ip> <port>", "show subscriber 198.18.2.99 40000",
     "show subscriber 198.18.2.99:40000: no subscription from this "
     "endpoint"),
    ("show subscriber <ip> <port>", "show subscriber 198.18.2.99",
     "bad arguments: 'show subscriber 198.18.2.99' needs more arguments "
     "(usage: show subscriber <ip> <port>)"),
    ("show latency", "show latency now",
     "bad arguments: 'show latency' takes no more arguments ('now') (usage: "
     "show latency)"),
    ("show top channels|subscribers|publishers|slots <n>",
     "show top channels 0",
     "show top channels 0: n must be 1 to 32"),
    ("show top channels|subscribers|publishers|slots <n>",
     "show top channels 3 4",
     "bad arguments: 'show top channels 3' takes no more arguments ('4') "
     "(usage: show top channels|subscribers|publishers|slots <n>)"),
    ("show top channels|subscribers|publishers|slots", "show top nothing",
     "bad arguments: 'nothing' is not valid after 'show top' (usage: show "
     "top channels|subscribers|publishers|slots <n>; show top "
     "channels|subscribers|publishers|slots; show top publishers <n> "
     "rate|duplicates; show top subscribers <n> "
     "repair|nacks|retransmits|gaps|budget)"),
    ("show top subscribers <n> repair|nacks|retransmits|gaps|budget",
     "show top subscribers 3 4",
     "bad arguments: '4' is not valid after 'show top subscribers 3' "
     "(usage: show top channels|subscribers|publishers|slots <n>; show top "
     "subscribers <n> repair|nacks|retransmits|gaps|budget)"),
    ("show top subscribers <n> repair|nacks|retransmits|gaps|budget",
     "show top subscribers 0 gaps",
     "show top subscribers 0: n must be 1 to 32"),
    ("show top publishers <n> rate|duplicates",
     "show top publishers 33 duplicates",
     "show top publishers 33: n must be 1 to 32"),
    ("show top publishers <n> rate|duplicates",
     "show top publishers 3 fastest",
     "bad arguments: 'fastest' is not valid after 'show top publishers 3' "
     "(usage: show top channels|subscribers|publishers|slots <n>; show top "
     "publishers <n> rate|duplicates)"),
    ("show sessions", "show sessions all",
     "bad arguments: 'show sessions' takes no more arguments ('all') "
     "(usage: show sessions)"),
    ("sub del <channel> <subscriber> <ip> <port>", "sub del 9",
     "bad arguments: 'sub del 9' needs more arguments (usage: sub del "
     "<channel> <subscriber> <ip> <port>)"),
    ("xdp slot <slot> local|pass", "xdp slot 5 pass", "xdp slot: ..."),
    ("xdp slot <slot> local|pass", "xdp slot 5 drop",
     "bad arguments: 'drop' is not valid after 'xdp slot 5' (usage: xdp "
     "slot <slot> local|pass; xdp slot <slot> node <ip> <mac>)"),
    ("xdp slot <slot> node <ip> <mac>",
     "xdp slot 5 node 198.18.0.9 02:00:00:00:00:09", "xdp slot: ..."),
    ("show xdp", "show xdp 0",
     "bad arguments: 'show xdp' takes no more arguments ('0') (usage: "
     "show xdp)"),
    ("help", "helpme",
     "unknown command: 'helpme' is not a command (help lists the "
     "commands)"),
    ("help <words>", "help nosuch",
     "help nosuch: no command starts with 'nosuch'"),
    ("pause at <packets>", "pause at x",
     "bad arguments: 'x' is not valid after 'pause at' (usage: pause at "
     "<packets>)"),
    ("pause at <packets>", "pause at",
     "bad arguments: 'pause at' needs more arguments (usage: pause at "
     "<packets>)"),
    ("resume", "resume now",
     "bad arguments: 'resume' takes no more arguments ('now') (usage: "
     "resume)"),
    ("stop", "stop now",
     "bad arguments: 'stop' takes no more arguments ('now') (usage: "
     "stop)"),
    ("start", "start now",
     "bad arguments: 'start' takes no more arguments ('now') (usage: "
     "start)"),
    ("load <file>", "load /nonexistent/x.cli",
     "load: cannot read /nonexistent/x.cli: No such file or directory"),
    ("quit", "quit now",
     "bad arguments: 'quit' takes no more arguments ('now') (usage: "
     "quit)"),
    ("show config", "show config all",
     "bad arguments: 'show config' takes no more arguments ('all') "
     "(usage: show config)"),
    ("show control", "show control 1",
     "bad arguments: 'show control' takes no more arguments ('1') "
     "(usage: show control)"),
    ("set log-level <level>", "set log-level loud",
     "set log-level loud: unknown level (%s)" % LEVELS),
    ("set log-level <level>", "set log-level",
     "bad arguments: 'set log-level' needs more arguments (usage: set "
     "log-level <level>)"),
    ("set output json|text", "set output yaml",
     "set output yaml: unknown format (json text)"),
    (None, "shwo stats",
     "unknown command: 'shwo' is not a command (help lists the commands)"),
    (None, "show nothing",
     "bad arguments: 'nothing' is not valid after 'show' (usage: ..."),
    (None, "x" * 1100, "the line is longer than 1023 bytes"),
]

# Acknowledgements: shown to socket clients and at the prompt, never
# printed from a command file (docs/CLI.md, Command files).
ACKS = [r"^sub (add|del): channel \d+ subscriber \d+ (done|updated)$",
        r"^stats cleared$", r"^resumed$",
        r"^forwarding (already )?(stopped|started)$", r"^log level \w+$",
        r"^output (json|text)$", r"^stopping herald$"]


def acks_in(text):
    """The acknowledgements text holds."""
    return [m.group(0) for a in ACKS for m in re.finditer(a, text, re.M)]
