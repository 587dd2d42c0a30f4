#!/usr/bin/python3
"""Command files and the prompt (hardening issue, defect 10): every line
runs or is rejected with file:line, nothing is dropped silently, and a
paste at the prompt is taken at once.

* a line over 1023 bytes (a long comment whose tail reads 'sub add ...')
  is rejected with file:line and its tail does not run;
* a line with a NUL byte is rejected with file:line;
* a last line without a newline runs;
* a command that fails prints its reason with file:line on stderr, not
  on stdout;
* 200 lines pasted at once at the -i prompt are all answered well
  within the 11 s a byte-per-millisecond reader took (3 s allowed);
* the prompt is parked while "pause at" completes: the line after it
  runs at exactly that packet (docs/CLI.md, Commands that complete
  later);
* the prompt refuses a line longer than its editor holds (511 bytes)
  instead of running it cut, and names a bad argument in one line;
* books and mempools balance after every run.

Usage: cmdfile.py HERALD HWP_GEN
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import book_errors  # noqa: E402
from verdict import verdict  # noqa: E402

SUB = "sub add 1 1 198.18.2.1 40000 02:00:00:02:00:01"


BOOKS = []


def herald(binary, tmp, cmds=None, stdin=None, interactive=False,
           vdev="net_null0,no-rx=1"):
    ini = os.path.join(tmp, "h.ini")
    stats = os.path.join(tmp, "s.json")
    if os.path.exists(stats):
        os.unlink(stats)
    with open(ini, "w") as f:
        f.write("[herald]\nepoch = 7\n[control]\nsocket = none\n")
    argv = [binary, "-l", "0-1", "--no-huge", "-m", "512", "--no-pci",
            "--file-prefix", "hcli%d" % os.getpid(), "--log-level=error",
            "--vdev", vdev, "--", "--config", ini, "--stats-json", stats]
    if cmds is not None:
        path = os.path.join(tmp, "cmds")
        with open(path, "wb") as f:
            f.write(cmds)
        argv += ["--cmdline-file", path]
    if interactive:
        argv += ["-i"]
    else:
        argv += ["--exit-when-idle", "200"]
    t0 = time.monotonic()
    p = subprocess.run(argv, input=stdin, capture_output=True, timeout=60)
    try:
        with open(stats) as f:
            BOOKS.extend(book_errors(json.load(f)))
    except (OSError, ValueError) as e:
        BOOKS.append("no stats JSON: %s" % e)
    return (p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace"), time.monotonic() - t0)


def main():
    binary, gen = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    errors = []

    long_line = ("# " + "x" * 1100 + " " + SUB + "\n").encode()
    rc, out, err, _t = herald(binary, tmp, cmds=long_line)
    if rc != 2 or "cmds:1: the line is longer than 1023 bytes" not in err:
        errors.append("long line: exit %d, stderr %r" % (rc, err[-300:]))
    if "sub add: channel 1" in out:
        errors.append("long line: its tail ran as a command")

    rc, out, err, _t = herald(binary, tmp,
                              cmds=b"show stats\nsub add 1\0 1\n")
    if rc != 2 or "cmds:2: the line holds a NUL byte" not in err:
        errors.append("NUL byte: exit %d, stderr %r" % (rc, err[-300:]))

    # A command file is quiet: the last line's subscription shows in the
    # summary's count, not in an acknowledgement.
    rc, out, err, _t = herald(binary, tmp, cmds=("show stats\n" + SUB).encode())
    if rc != 0 or "cmds: 2 commands, 0 failed" not in out:
        errors.append("last line without newline: exit %d, stdout %r"
                      % (rc, out[-300:]))
    if "sub add: channel 1" in out:
        errors.append("command file: acknowledgement echoed: %r" % out[-300:])

    rc, out, err, _t = herald(binary, tmp,
                              cmds=b"sub del 1 1 198.18.2.1 40000\n")
    if (rc != 2 or "cmds:1: command failed: sub del 1 1 198.18.2.1 40000: "
            "sub del: no such subscription" not in err):
        errors.append("failed command: exit %d, stderr %r" % (rc, err))
    if "no such subscription" in out or "error" in out:
        errors.append("failed command: its reason went to stdout: %r" % out)

    paste = "".join("sub add %d 1 198.18.2.1 40000 02:00:00:02:00:01\n" % c
                    for c in range(1, 201)) + "quit\n"
    rc, out, err, took = herald(binary, tmp, stdin=paste.encode(),
                                interactive=True)
    done = out.count("subscriber 1 done")
    if rc != 0 or done != 200:
        errors.append("paste: exit %d, %d of 200 lines answered" % (rc, done))
    if took > 3.0:
        errors.append("paste: 200 lines took %.1f s (a reader of a byte "
                      "per millisecond)" % took)

    # The line after "pause at 100" waits for it: it sees 100 packets.
    pcap = os.path.join(tmp, "pub.pcap")
    subprocess.run([gen, "--mode", "publish", "-o", pcap, "--messages",
                    "1000", "--quiet"], check=True)
    rc, out, err, _t = herald(binary, tmp, interactive=True,
                              vdev="net_pcap0,rx_pcap=" + pcap,
                              stdin=b"pause at 100\nshow stats\nresume\n"
                                    b"quit\n")
    m = re.search(r"^paused at 100 packets\n.*?Herald stats.*?"
                  r"^  rx_packets +(\d+)$", out, re.M | re.S)
    if rc != 0 or m is None or m.group(1) != "100":
        errors.append("prompt: show stats after pause at 100: exit %d, %r"
                      % (rc, m and m.group(1)))

    rc, out, err, _t = herald(binary, tmp, interactive=True,
                              stdin=b"sub add 1 1 198.18.2.1 " + b"1" * 600
                                    + b"\nshow port stats 9\nquit\n")
    want = ["error: the line is longer than the prompt's 511 bytes",
            "error: show port stats 9: no port 9 (ports: 0)"]
    if rc != 0 or [ln for ln in err.splitlines()
                   if ln.startswith("error:")] != want:
        errors.append("prompt: long line and bad argument: exit %d, %r"
                      % (rc, err[-400:]))
    if "sub add: channel 1" in out:
        errors.append("prompt: the long line ran (cut)")
    errors += BOOKS
    return verdict("cmdfile", errors)


if __name__ == "__main__":
    sys.exit(main())
