#!/usr/bin/python3
"""Bad configurations and arguments: each must fail with exit code 2 and
one clear line naming the file, the line and the key (herald loads the
config before it touches any port, so no device is needed).

Usage: bad_configs.py HERALD
"""
import os
import subprocess
import sys
import tempfile

# (INI text, substring the error line must contain)
CASES = [
    ("[herald]\nudp_port = 0\n", "bc.ini:2: [herald] udp_port: '0' is not an integer from 1 to 65535"),
    ("[herald]\nudp_port = 7700x\n", "bc.ini:2: [herald] udp_port: '7700x'"),
    ("[herald]\nudp_prot = 7700\n", "bc.ini:2: [herald] udp_prot: unknown key"),
    ("[heral]\nudp_port = 7700\n", "bc.ini:1: [heral]: unknown section"),
    ("[herald]\naddress = 198.18.0.300\n", "bc.ini:2: [herald] address: '198.18.0.300' is not an IPv4 address"),
    ("[herald]\nnext_hop_mac = 02:00:00:00:00\n", "bc.ini:2: [herald] next_hop_mac: '02:00:00:00:00' is not a MAC address"),
    ("[herald]\ntoken_key = 00ff\n", "bc.ini:2: [herald] token_key: not 16 to 64 bytes of hex"),
    ("[herald]\nverify_udp_checksum = maybe\n", "bc.ini:2: [herald] verify_udp_checksum: 'maybe' is not yes/no"),
    ("[lcores]\nworkers = 1, 1\n", "bc.ini:2: [lcores] workers: lcore 1 listed twice"),
    ("[lcores]\nworkers = 1\nslots = 0-4000:1\n", "bc.ini:3: [lcores] slots: slot 4001 has no owner"),
    ("[lcores]\nworkers = 1\nslots = 0-4095:2\n", "bc.ini:3: [lcores] slots: '0-4095:2' names an lcore that is not a worker"),
    ("[lcores]\nworkers = 1\nslots = 0-3000:1,2000-4095:1\n", "overlaps an earlier range"),
    ("[lcores]\nworkers = 0\n", "[lcores] workers: lcore 0 is the main (control) lcore"),
    ("[limits]\nhandoff_ring_size = 1000\n", "bc.ini:2: [limits] handoff_ring_size: must be a power of two"),
    ("[limits]\nmax_subscribers = 0\n", "bc.ini:2: [limits] max_subscribers: '0' is not an integer from 1 to 65536"),
    ("[mempool]\nrx_desc = 8\n", "bc.ini:2: [mempool] rx_desc: '8' is not an integer from 32 to 16384"),
    ("[publishers]\nallow = 198.18.0.0/33\n", "bc.ini:2: [publishers] allow: '198.18.0.0/33' is not an IPv4 prefix"),
    ("junk\n", "bc.ini:1: entry before any [section]"),
    ("[herald]\nudp_port\n", "bc.ini:2: expected key = value"),
    ("[herald\n", "bc.ini:1: unterminated section header"),
]

ARG_CASES = [
    (["--config"], "requires an argument"),
    ([], "--config FILE is required"),
    (["--config", "CFG", "--clock", "sundial"], "--clock: 'sundial' is not system or pcap"),
    (["--config", "CFG", "--exit-when-idle", "0"], "--exit-when-idle: '0' is not 1..86400000 ms"),
    (["--config", "/nonexistent/h.ini"], "cannot open"),
]


def run(herald, args, prefix):
    cmd = [herald, "-l", "0-1", "--no-huge", "-m", "256",
           "--file-prefix", prefix, "--log-level=error", "--"] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def main():
    herald = sys.argv[1]
    failures = 0
    tmp = tempfile.mkdtemp()
    cfg = os.path.join(tmp, "bc.ini")
    prefix = "hbc%d" % os.getpid()
    for text, want in CASES:
        with open(cfg, "w") as f:
            f.write(text)
        rc, out = run(herald, ["--config", cfg], prefix)
        if rc != 2 or want not in out:
            failures += 1
            print("FAIL: %r: exit %d, want 2 and %r in:\n%s" % (text, rc, want, out))
    with open(cfg, "w") as f:
        f.write("[herald]\n")
    for args, want in ARG_CASES:
        args = [cfg if a == "CFG" else a for a in args]
        rc, out = run(herald, args, prefix)
        if rc != 2 or want not in out:
            failures += 1
            print("FAIL: args %r: exit %d, want 2 and %r in:\n%s" % (args, rc, want, out))
    total = len(CASES) + len(ARG_CASES)
    print("%d passed, %d failed" % (total - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
