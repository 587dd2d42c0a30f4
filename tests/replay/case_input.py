"""A replay case's input: hwp-gen invocations and the runner's packet
edits, Herald's configuration as the checks need it, the command file's
timeline of subscription changes, and the manifest's malformed packets.
"""
import configparser
import ipaddress
import json
import os
import shlex
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from hwp_pcap import parse_udp4, read_pcap, write_pcap  # noqa: E402
from inet_csum import csum_fold  # noqa: E402


class CaseFailure(Exception):
    """A check failed; the message says which and why."""


def fail(msg):
    raise CaseFailure(msg)


PORT_MAC = "02:70:63:61:70:00"  # net_pcap0

# hwp-gen malformed kinds that are not HWP -> herald's "nonhwp" keys.
NONHWP_KIND = {
    "arp_request": "not_ipv4",
    "ipv6_udp": "not_ipv4",
    "icmp_echo": "not_udp",
    "tcp_syn": "not_udp",
    "udp_other_port": "other_port",
    "ipv4_options": "ip_options",
    "ip_fragment_first": "ip_fragment",
    "ip_fragment_last": "ip_fragment",
    "bad_ip_checksum": "bad_ip_checksum",
    # Revision 2: sources that could not be answered are not HWP.
    "source_mac_broadcast": "source_mac_group",
    "source_mac_multicast": "source_mac_group",
    "source_ip_zero_net": "source_ip_not_unicast",
    "source_ip_loopback": "source_ip_not_unicast",
    "source_ip_multicast": "source_ip_not_unicast",
    "source_ip_reserved": "source_ip_not_unicast",
    "source_ip_broadcast": "source_ip_not_unicast",
    "source_ip_own": "source_ip_own",
    "source_port_zero": "source_port_zero",
}

def parse_seqs(text):
    """'1-3,7' -> [1, 2, 3, 7]."""
    out = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def read_gen_lines(case_dir):
    """hwp-gen invocations as (queue, argument list), and the runner's
    edits of queue 0 ('@EDIT INDEXES' lines). '@queue K' sends the
    invocations after it to RX queue K (worker K's capture)."""
    lines, edits, queue = [], {}, 0
    with open(os.path.join(case_dir, "gen.args")) as f:
        for raw in f:
            raw = raw.strip()
            if raw.startswith("@queue "):
                queue = int(raw.split()[1])
            elif raw.startswith("@"):
                name, _, idx = raw[1:].partition(" ")
                if name not in EDITS:
                    fail(f"gen.args: unknown edit '@{name}'")
                if queue != 0:
                    fail("gen.args: edits apply to queue 0 only")
                for i in parse_seqs(idx):
                    edits[i] = name
            elif raw and not raw.startswith("#"):
                lines.append((queue, shlex.split(raw)))
    if not lines:
        fail("gen.args holds no hwp-gen invocation")
    return lines, edits


def queue_pcap(work, q):
    return os.path.join(work, "input.pcap" if q == 0 else f"input-q{q}.pcap")


def build_input(gen, lines, edits, work):
    """Run hwp-gen for each line into its queue's capture, then apply the
    edits to queue 0's. Returns ([pcap path per queue],
    [(queue, args, manifest)])."""
    runs, n_queues = [], 1 + max(q for q, _a in lines)
    started = set()
    for k, (q, args) in enumerate(lines):
        man = os.path.join(work, f"gen-{k}.json")
        cmd = [gen] + args + ["-q", "-o", queue_pcap(work, q),
                              "--manifest", man]
        if q in started:
            cmd.append("--append")
        started.add(q)
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"hwp-gen failed ({r.returncode}): {' '.join(cmd)}\n"
                 f"{r.stderr}")
        with open(man) as f:
            runs.append((q, args, json.load(f)))
    if len(started) != n_queues:
        fail("gen.args: every queue up to the highest needs traffic")
    pcap = queue_pcap(work, 0)
    if edits:
        pkts = read_pcap(pcap)
        for i, name in edits.items():
            if i >= len(pkts) or parse_udp4(pkts[i][1]) is None:
                fail(f"gen.args: @{name} {i}: no such UDP packet")
            pkts[i] = (pkts[i][0], EDITS[name][0](pkts[i][1]))
        write_pcap(pcap, pkts)
    return [queue_pcap(work, q) for q in range(n_queues)], runs


def fix_ip_checksum(b):
    b[24:26] = b"\0\0"
    b[24:26] = struct.pack("!H", 0xFFFF - csum_fold(bytes(b[14:34])))


def edit_udp_checksum_bad(pkt):
    b = bytearray(pkt)
    b[40] ^= 0x55
    if b[40:42] == b"\0\0":
        b[41] = 1
    return bytes(b)


def edit_udp_checksum_zero(pkt):
    return pkt[:40] + b"\0\0" + pkt[42:]


def edit_ip_length_long(pkt):
    b = bytearray(pkt)
    b[16:18] = struct.pack("!H", struct.unpack("!H", pkt[16:18])[0] + 1)
    fix_ip_checksum(b)
    return bytes(b)


def edit_udp_length_short(pkt):
    b = bytearray(pkt)
    b[38:40] = struct.pack("!H", struct.unpack("!H", pkt[38:40])[0] - 1)
    return bytes(b)


def edit_pad(pkt):
    return pkt + bytes(18)  # Ethernet trailer: IPv4 total length unchanged


def fix_udp_checksum(b):
    udp_len = struct.unpack("!H", b[38:40])[0]
    b[40:42] = b"\0\0"
    pseudo = bytes(b[26:34]) + struct.pack("!HH", 17, udp_len)
    s = 0xFFFF - csum_fold(bytes(b[34:34 + udp_len]), csum_fold(pseudo))
    b[40:42] = struct.pack("!H", s or 0xFFFF)


def edit_second_publisher(pkt):
    """The second frame of a batched datagram from another publisher (id
    + 1000): two sessions in one datagram, checksum fixed."""
    b = bytearray(pkt)
    first_len = struct.unpack("!H", b[42 + 6:42 + 8])[0]
    off = 42 + first_len + 16
    pub = struct.unpack("!I", b[off:off + 4])[0]
    b[off:off + 4] = struct.pack("!I", pub + 1000)
    fix_udp_checksum(b)
    return bytes(b)


def edit_src_port_zero(pkt):
    """A source UDP port of 0 (hwp-gen takes 1..65535), checksums fixed:
    a source Herald could not answer."""
    b = bytearray(pkt)
    b[34:36] = b"\0\0"
    fix_udp_checksum(b)
    return bytes(b)


# Runner edits of generated packets: (function, herald's reason with UDP
# checksum verification, reason without; None = still a valid datagram).
EDITS = {
    "udp-checksum-bad": (edit_udp_checksum_bad, "nonhwp.bad_udp_checksum",
                         None),
    "udp-checksum-zero": (edit_udp_checksum_zero, None, None),
    "ip-length-long": (edit_ip_length_long, "nonhwp.bad_ip_length",
                       "nonhwp.bad_ip_length"),
    "udp-length-short": (edit_udp_length_short, "nonhwp.bad_udp_length",
                         "nonhwp.bad_udp_length"),
    "pad": (edit_pad, None, None),
    # Decided by the model from the packet (PROTOCOL.md section 4).
    "src-port-zero": (edit_src_port_zero, None, None),
    "second-publisher": (edit_second_publisher, None, None),
}


def load_config(path):
    """The INI values the checks need, with herald's defaults."""
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(path)

    def get(sec, key, default):
        return cp.get(sec, key, fallback=default).strip()

    def num(sec, key, default):
        return int(get(sec, key, str(default)), 0)

    allow = get("publishers", "allow", "any")
    nets = None
    if allow != "any":
        nets = [ipaddress.ip_network(a.strip(), strict=False)
                for a in allow.split(",")]
    epoch = int(get("herald", "epoch", "0"), 0)
    if epoch == 0:
        fail("herald.ini must set a fixed non-zero [herald] epoch")
    if get("control", "socket", "/run/herald/control.sock") != "none":
        fail("herald.ini must set [control] socket = none: a case never "
             "meets the socket of a herald an operator runs")
    nh = get("herald", "next_hop_mac", "")
    workers = len(get("lcores", "workers", "1").replace(",", " ").split())
    if get("lcores", "slots", "spread") != "spread":
        fail("the model knows [lcores] slots = spread only")
    return {
        "address": int(ipaddress.IPv4Address(get("herald", "address",
                                                 "198.18.0.1"))),
        "udp_port": int(get("herald", "udp_port", "7700"), 0),
        "epoch": epoch,
        "src_mac": get("herald", "mac", PORT_MAC).lower(),
        "next_hop_mac": nh.lower() or None,
        "credit": int(get("herald", "publisher_credit", "256"), 0),
        "verify_udp": get("herald", "verify_udp_checksum", "yes") in (
            "yes", "true", "1"),
        "allow": nets,
        "max_sessions": num("limits", "max_publisher_sessions", 4096),
        "max_per_source": num("limits", "max_sessions_per_source", 64),
        "session_timeout_ns": num("limits", "session_timeout_ms",
                                  15000) * 10**6,
        "channel_timeout_ns": num("limits", "channel_timeout_ms",
                                  60000) * 10**6,
        "max_channels": num("limits", "max_channels", 65536),
        "mtu": num("herald", "mtu", 1500),
        "workers": workers,
        "token_key": token_key(get("herald", "token_key", "")),
        "max_subscribers": num("limits", "max_subscribers", 1024),
        "max_subscribed_channels": num("limits", "max_subscribed_channels",
                                       65536),
        "max_subscriptions": num("limits", "max_subscriptions", 1048576),
        "max_endpoints": num("limits", "max_endpoints", 65536),
        "max_passive": num("limits", "max_passive_subscriptions", 262144),
        "endpoint_timeout_ns": num("limits", "endpoint_timeout_ms",
                                   15000) * 10**6,
        "fail_rate": num("control", "fail_replies_per_s", 10),
        "fail_burst": num("control", "fail_reply_burst", 20),
        "history_depth": num("herald", "history_depth", 1024),
        "history_messages": num("reliability", "history_messages", 65536),
        "history_bytes": num("reliability", "history_bytes", 33554432),
        "rtx_per_s": num("reliability", "retransmit_per_s", 20000),
        "rtx_burst": num("reliability", "retransmit_burst", 4096),
        "rtx_linger_ns": num("reliability", "retransmit_linger_us",
                             10000) * 1000,
        "rtx_actions": num("reliability", "retransmit_actions", 4096),
        "rtx_give_up": num("reliability", "retransmit_give_up", 1024),
    }


def token_key(text):
    """[herald] token_key as bytes, None if not set (token_key_file is
    not for replay cases: their INI holds the key)."""
    return bytes.fromhex(text) if text else None


def read_commands(path):
    """The command file as a list of token lists (comments skipped)."""
    cmds = []
    if path is None:
        return cmds
    with open(path) as f:
        for raw in f:
            raw = raw.strip()
            if raw and not raw.startswith("#"):
                cmds.append(raw.split())
    return cmds


def timeline(cmds, next_hop_mac):
    """Subscription changes keyed by the packet index they precede, and
    the sorted pause points. Commands before any 'pause at' apply at 0;
    after 'pause at N' they apply before packet N (one worker)."""
    at, changes, pauses, shows = 0, {}, [], []
    for t in cmds:
        if t[:2] == ["show", "channel"]:
            shows.append((at, int(t[2], 0), len(changes.get(at, []))))
        elif t[:2] == ["pause", "at"]:
            at = int(t[2], 0)
            pauses.append(at)
        elif t[0] == "sub" and t[1] in ("add", "del"):
            ep = (int(t[3], 0), int(ipaddress.IPv4Address(t[4])),
                  int(t[5], 0))
            op = t[1]
            if t[-1] == "passive":
                op, t = "add_passive", t[:-1]
            mac = next_hop_mac or (t[6].lower() if len(t) > 6 else None)
            changes.setdefault(at, []).append((op, int(t[2], 0), ep, mac))
    return changes, sorted(set(pauses)), shows


def malformed_index(runs, edits=None, verify_udp=True, queue=0):
    """{packet index: 'nonhwp.x' or 'invalid.y'} of one queue's capture,
    from the manifests and the runner's edits."""
    out = {}
    for i, name in (edits or {}).items() if queue == 0 else ():
        reason = EDITS[name][1 if verify_udp else 2]
        if reason is not None:
            out[i] = reason
    for run in runs:
        q, man = (run[0], run[2]) if len(run) == 3 else (0, run[1])
        if q != queue:
            continue
        for p in man.get("packets", []):
            if p["hwp"]:
                out[p["index"]] = "invalid." + p["reason"]
            elif p["kind"] in NONHWP_KIND:
                out[p["index"]] = "nonhwp." + NONHWP_KIND[p["kind"]]
            else:
                fail(f"hwp-gen kind '{p['kind']}' (packet {p['index']}) "
                     "has no mapping to a herald nonhwp reason")
    return out


def publisher_endpoints(queues, malformed):
    """{(ip, port): src mac} of every sender of a valid datagram."""
    eps = {}
    for q, inputs in enumerate(queues):
        for idx, (_ts, pkt) in enumerate(inputs):
            d = None if idx in malformed[q] else parse_udp4(pkt)
            if d is not None:
                eps[(d["src_ip"], d["src_port"])] = d["src_mac"]
    return eps
