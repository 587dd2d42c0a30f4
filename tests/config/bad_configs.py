#!/usr/bin/python3
"""Bad configurations and arguments: each must fail with exit code 2 and
one clear line naming the file, the line and the key. Most are refused by
the loader before herald touches any port; the PORT_CASES need the EAL's
view (lcores, ports) and run with one net_null port. GOOD_CASES are edge
cases that must load and run (exit 0) on one net_null port.

Usage: bad_configs.py HERALD
"""
import os
import subprocess
import sys
import tempfile

# Pools and tables small enough for -m 256 in the cases that start ports
# (the subscription index holds active and passive subscriptions).
SMALL_POOLS = ("[mempool]\nrx_mbufs = 4095\nheader_mbufs = 4095\n"
               "indirect_mbufs = 1023\n[reliability]\nhistory_messages = 4096\n"
               "history_bytes = 4194304\n"
               "[limits]\nmax_subscriptions = 262144\n"
               "max_passive_subscriptions = 65536\n")


def prefixes(n, third=0):
    """n distinct /25 prefixes: 10.X.Y.128/25."""
    return ", ".join("10.%d.%d.128/25" % (third + i // 250, i % 250)
                     for i in range(n))


# An allow list longer than 255 characters with a bad entry beyond the
# 255th: a loader that cuts values there never sees it.
LONG_BAD = prefixes(20) + ", 198.18.300.0/24"
assert len(prefixes(20)) > 255

# (INI text, substring or tuple of substrings the error must contain)
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
    ("[limits]\nhandoff_ring_size = 1000\n", "bc.ini:2: [limits] handoff_ring_size: must be a power of two"),
    ("[limits]\nmax_subscribers = 0\n", "bc.ini:2: [limits] max_subscribers: '0' is not an integer from 1 to 1048576"),
    ("[control]\nitem_ring_size = 1000\n", "bc.ini:2: [control] item_ring_size: must be a power of two"),
    ("[control]\nsocket = control.sock\n", "bc.ini:2: [control] socket: 'control.sock' is not an absolute path (or none)"),
    ("[control]\nsocket = /" + "s" * 120 + "\n", ("bc.ini:2: [control] socket:", "is longer than 107 characters")),
    ("[control]\nrequest_ring_size = 32\n", "bc.ini:2: [control] request_ring_size: '32' is not an integer from 64 to 1048576"),
    ("[herald]\ntoken_key_file = keys/k.hex\n", "bc.ini:2: [herald] token_key_file: 'keys/k.hex' is not an absolute path"),
    ("[mempool]\nrx_desc = 8\n", "bc.ini:2: [mempool] rx_desc: '8' is not an integer from 32 to 16384"),
    ("[publishers]\nallow = 198.18.0.0/33\n", "bc.ini:2: [publishers] allow: '198.18.0.0/33' is not an IPv4 prefix"),
    ("junk\n", "bc.ini:1: entry before any [section]"),
    ("[herald]\nudp_port\n", "bc.ini:2: expected key = value"),
    ("[herald\n", "bc.ini:1: unterminated section header"),
    # B: one scanner, exact.
    ("[herald]\nudp_port = 7700\nudp_port = 7701\n", "bc.ini:3: [herald] udp_port: given twice (first on line 2)"),
    ("[herald]\nepoch = 1\n[limits]\nmax_channels = 5\n[herald]\nudp_port = 7701\n", "bc.ini:5: [herald]: section given twice (first on line 1)"),
    # 33 sections: the old key check looked at the first 32 only.
    ("[herald]\n" * 32 + "[nosuch]\nx = 1\n", "bc.ini:2: [herald]: section given twice (first on line 1)"),
    ("[herald]\n" + "udp_port = 7700\n" * 64 + "bogus = 1\n", "bc.ini:3: [herald] udp_port: given twice (first on line 2)"),
    ("[herald]\nmac =\n", "bc.ini:2: [herald] mac: empty value"),
    ("[herald]\nepoch = \n", "bc.ini:2: [herald] epoch: empty value"),
    ("[herald]\n# a comment\nudp_port = 7700\n", "bc.ini:2: '#' does not start a comment here, use ';'"),
    ("# header comment\n[herald]\n", "bc.ini:1: '#' does not start a comment here, use ';'"),
    ("[herald]\nudp_port = 7700 ; the port\n", ("bc.ini:2: [herald] udp_port:", "comments go on their own line")),
    ("[herald]\nxdp_pin_root = /sys/fs/bpf/h # pins\n", ("bc.ini:2: [herald] xdp_pin_root:", "comments go on their own line")),
    ("[herald]\nudp_port = 0700\n", "bc.ini:2: [herald] udp_port: '0700' is not an integer from 1 to 65535"),
    ("[herald]\nepoch = 010\n", "bc.ini:2: [herald] epoch: '010' is not an integer"),
    ("[lcores]\nworkers = 1\nslots = 0-04095:1\n", "bc.ini:3: [lcores] slots: '0-04095:1' is not FIRST-LAST:LCORE"),
    ("[lcores]\nworkers = 01\n", "bc.ini:2: [lcores] workers: '01' is not an lcore id"),
    ("[lcores]\nworkers = 1,,2\n", "bc.ini:2: [lcores] workers: empty item in the list"),
    ("[publishers]\nallow = " + LONG_BAD + "\n", "bc.ini:2: [publishers] allow: '198.18.300.0/24' is not an IPv4 prefix"),
    ("[publishers]\nallow = " + prefixes(300) + "\n", "bc.ini:2: [publishers] allow: more than 256 prefixes"),
    ("[publishers]\nallow = any, 10.0.0.0/8\n", "bc.ini:2: [publishers] allow: 'any' stands alone"),
    ("[herald] x\n", "bc.ini:1: text after ']'"),
    ("[]\n", "bc.ini:1: empty section name"),
    ("[herald]\n= 5\n", "bc.ini:2: [herald]: no key before '='"),
    ("[herald]\nepoch = 1\n\0\n", "bc.ini:3: NUL byte"),
    # C: pool sizes rte_mempool cannot take are config errors.
    ("[mempool]\nindirect_mbufs = 512\ncache = 400\n", ("bc.ini:3: [mempool] cache:", "indirect_mbufs")),
    ("[mempool]\njumbo_mbufs = 64\ncache = 50\n", ("bc.ini:3: [mempool] cache:", "jumbo_mbufs")),
]

# Need the EAL's lcores or a port: run with one net_null port.
PORT_CASES = [
    ("[lcores]\nworkers = 0\n", "bc.ini:2: [lcores] workers: lcore 0 is the main (control) lcore"),
    ("[lcores]\nworkers = 2\n", "bc.ini:2: [lcores] workers: lcore 2 is not enabled by the EAL -l option"),
    ("[herald]\nepoch = 1\negress_port = 3\n", "bc.ini:3: [herald] egress_port: port 3 does not exist (1 port)"),
    ("[mempool]\nrx_mbufs = 1024\nrx_desc = 2048\n", ("bc.ini:2: [mempool] rx_mbufs: 1024 is too few", "rx_desc")),
    # Not in the file: the message says which default is at fault.
    ("[mempool]\nrx_desc = 16384\n", "bc.ini: [mempool] rx_mbufs (default 16383): 16383 is too few"),
]

# Must load and run (exit 0).
GOOD_CASES = [
    ("indirect_mbufs = 256 (the documented minimum) without a cache",
     "[mempool]\nrx_mbufs = 4095\nheader_mbufs = 4095\nindirect_mbufs = 256\n"
     "flat_mbufs = 256\njumbo_mbufs = 64\n"),
    ("allow = 0.0.0.0/0",
     "[publishers]\nallow = 0.0.0.0/0\n" + SMALL_POOLS),
    ("256 prefixes on one line",
     "[publishers]\nallow = " + prefixes(256) + "\n" + SMALL_POOLS),
    ("CRLF line ends, hex epoch, ';' comments",
     "; comment\r\n[herald]\r\nepoch = 0x5eed0001\r\n  ; indented comment\r\n"
     + SMALL_POOLS.replace("\n", "\r\n")),
    ("cache = 0",
     "[mempool]\ncache = 0\nrx_mbufs = 4095\nheader_mbufs = 4095\n"
     "indirect_mbufs = 256\n"),
]

EAL = ["-l", "0-1", "--no-huge", "-m", "256", "--no-pci", "--log-level=error"]
PORT = ["--vdev", "net_null0,no-rx=1"]


def run(herald, eal, args, prefix):
    cmd = [herald] + EAL + ["--file-prefix", prefix] + eal + ["--"] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def write(path, text):
    with open(path, "wb") as f:
        f.write(text.encode())


def check(failures, what, rc, out, want_rc, wants):
    if isinstance(wants, str):
        wants = (wants,)
    missing = [w for w in wants if w not in out]
    if rc != want_rc or missing:
        failures.append(what)
        print("FAIL: %s: exit %d, want %d and %r in:\n%s" %
              (what, rc, want_rc, missing, out))


KEY_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"


def keyfile_cases(tmp):
    """[herald] token_key_file: the file must be herald's user's (or
    root's), regular, mode 0600 or stricter, and hold one hex key."""
    def keyfile(name, text, mode):
        path = os.path.join(tmp, name)
        write(path, text)
        os.chmod(path, mode)
        return path

    open_key = keyfile("open.hex", KEY_HEX + "\n", 0o644)
    group_key = keyfile("group.hex", KEY_HEX + "\n", 0o640)
    short_key = keyfile("short.hex", "00ff\n", 0o600)
    two_lines = keyfile("two.hex", KEY_HEX + "\n" + KEY_HEX + "\n", 0o600)
    good = keyfile("good.hex", "  " + KEY_HEX + "\r\n", 0o400)
    ini = "[herald]\ntoken_key_file = %s\n"
    bad = [
        (ini % open_key, "bc.ini:2: [herald] token_key_file: %s: group or others may access it (chmod 600)" % open_key),
        (ini % group_key, "group or others may access it"),
        (ini % short_key, "%s: not one line of 16 to 64 bytes of hex" % short_key),
        (ini % two_lines, "not one line of 16 to 64 bytes of hex"),
        (ini % os.path.join(tmp, "missing.hex"), "missing.hex: cannot open: No such file or directory"),
        (ini % tmp, "%s: not a regular file" % tmp),
        ("[herald]\ntoken_key = %s\ntoken_key_file = %s\n" % (KEY_HEX, good),
         "bc.ini:3: [herald] token_key_file: set token_key or token_key_file, not both"),
    ]
    return bad, ("token_key_file 0400 with whitespace", ini % good + SMALL_POOLS)


def main():
    herald = sys.argv[1]
    failures = []
    tmp = tempfile.mkdtemp()
    key_bad, key_good = keyfile_cases(tmp)
    CASES.extend(key_bad)
    GOOD_CASES.append(key_good)
    cfg = os.path.join(tmp, "bc.ini")
    prefix = "hbc%d" % os.getpid()
    for text, want in CASES:
        write(cfg, text)
        rc, out = run(herald, [], ["--config", cfg], prefix)
        check(failures, repr(text[:120]), rc, out, 2, want)
    for text, want in PORT_CASES:
        write(cfg, text)
        # A config that wrongly loads must still end the run.
        rc, out = run(herald, PORT, ["--config", cfg, "--exit-when-idle",
                                     "20"], prefix)
        check(failures, repr(text), rc, out, 2, want)
    for what, text in GOOD_CASES:
        # No control socket: a test never meets an operator's herald.
        write(cfg, text + "[control]\nsocket = none\n")
        rc, out = run(herald, PORT, ["--config", cfg, "--exit-when-idle",
                                     "20"], prefix)
        check(failures, what, rc, out, 0, "accounting conserved")
    arg_cases = [
        (["--config"], "requires an argument"),
        ([], "--config FILE is required"),
        (["--config", cfg, "--clock", "sundial"], "--clock: 'sundial' is not system or pcap"),
        (["--config", cfg, "--exit-when-idle", "0"], "--exit-when-idle: '0' is not 1..86400000 ms"),
        (["--config", "/nonexistent/h.ini"], "herald: config /nonexistent/h.ini: cannot open"),
        (["--config", tmp], "herald: config %s: is a directory" % tmp),
    ]
    write(cfg, "[herald]\n")
    for args, want in arg_cases:
        rc, out = run(herald, [], args, prefix)
        check(failures, "args %r" % args, rc, out, 2, want)
    total = len(CASES) + len(PORT_CASES) + len(GOOD_CASES) + len(arg_cases)
    print("%d passed, %d failed" % (total - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
