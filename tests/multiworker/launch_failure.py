#!/usr/bin/python3
"""A worker that cannot be launched (hardening issue, defect 5): herald
fails cleanly, exit 1 with a line naming the worker, no hang, and the
worker that did start stops and returns every mbuf. The launch failure
is injected with HERALD_TEST_FAIL_LAUNCH=<worker index>, as an lcore
that is not free would make rte_eal_remote_launch fail.

Usage: launch_failure.py HERALD HWP_GEN
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mw_common import books, gen, run_herald, verdict, write_ini  # noqa


def main():
    herald, hwp_gen = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    p = lambda n: os.path.join(tmp, n)  # noqa: E731
    gen(hwp_gen, p("a.pcap"), "--mode", "publish", "--messages", "50")
    gen(hwp_gen, p("b.pcap"), "--mode", "publish", "--messages", "50",
        "--pub-ip", "198.18.1.9")
    errors = []
    for fail in ("1", "0"):
        try:
            rc, log = run_herald(herald, tmp, [p("a.pcap"), p("b.pcap")],
                                 write_ini(tmp),
                                 extra_env={"HERALD_TEST_FAIL_LAUNCH": fail},
                                 exit_after=100)
        except subprocess.TimeoutExpired:
            errors.append("worker %s failing to launch: herald hangs" % fail)
            continue
        if rc != 1 or "cannot launch worker %s" % fail not in log:
            errors.append("worker %s failing to launch: exit %d, want 1 and "
                          "a line naming it:\n%s" % (fail, rc, log[-1500:]))
            continue
        _d, errs = books(tmp)
        errors += ["worker %s failing: %s" % (fail, e) for e in errs]
    return verdict("launch_failure", errors)


if __name__ == "__main__":
    sys.exit(main())
