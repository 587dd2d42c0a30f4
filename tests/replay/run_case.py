#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Replay one Herald test case and judge every packet it sent.

A case is a folder tests/replay/cases/<name>/ holding:
  gen.args     hwp-gen invocations, one per line ('#' comments); the runner
               adds -q -o <input.pcap> --manifest <gen-K.json>, and --append
               from the second line on
  herald.ini   Herald's configuration (set a fixed epoch)
  commands     optional command file (--cmdline-file)
  expect.json  expected results (see EXPECT_KEYS below)

The runner builds the input, runs herald on net_pcap, then checks:
  * the exit code (and stderr patterns);
  * conservation from the JSON counters and every mempool's in_use;
  * every output packet: Ethernet/IPv4/UDP headers and checksums, Herald's
    source address and port, one valid HWP frame per datagram;
  * DELIVERs and PUBACKs against a reference model of PROTOCOL.md section
    6 run over the input pcap and the command file: who receives which
    seq, payload and timestamp of the PUBLISH, PUBACK acked_seq and credit;
  * the model's counters against herald's, then the case's own counters
    and per-subscriber expectations.
Herald runs a copy of the command file with a 'show stats' after every
'pause at N', so the runner can check that herald really paused at N
packets (and, with per_packet_reasons, which counter each packet moved).
The model assumes one worker lcore (-l 0-1): commands before the first
'pause at' apply before packet 0, those after 'pause at N' before packet N.
Any failure prints a precise message and exits 1.
"""

import argparse
import configparser
import ipaddress
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import book_errors  # noqa: E402
from inet_csum import csum_fold  # noqa: E402

HWP_MAGIC = 0x4852
T_PUBLISH, T_DELIVER, T_PUBACK = 1, 2, 3
CONTROL_TYPES = (4, 5, 7, 8)  # SUBSCRIBE UNSUBSCRIBE HEARTBEAT NACK
F_RETRANSMIT, F_START = 1, 2
DELIVER_LEN, PUBACK_LEN, PUBLISH_LEN = 40, 32, 32
MAX_PAYLOAD = 1400
BURST = 32  # herald's RX burst: one PUBACK per session per burst
PORT_MAC = "02:70:63:61:70:00"  # net_pcap0
NUM_SLOTS = 4096

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
}

EXPECT_KEYS = {
    "description",  # free text
    "exit_code",  # herald's exit code (default 0)
    "stderr",  # list of regexes that must match herald's stderr
    "stats_json",  # false: herald must not write it (default true)
    "runs",  # 2: run twice, output packet bytes must be identical
    "counters",  # {"group.name": value} exact JSON values
    "subscribers",  # [{channel, subscriber ("*" = all), count|seqs}]
    "publishers",  # [{publisher, port?, acked | last_acked | none}]
    "output_packets",  # exact number of packets herald sent
    "per_packet_reasons",  # pause after every packet, attribute counters
    "slots_min",  # at least this many distinct slots carry messages
}


class CaseFailure(Exception):
    """A check failed; the message says which and why."""


def fail(msg):
    raise CaseFailure(msg)


# ---------------------------------------------------------------- pcap

def read_pcap(path):
    """Return [(timestamp_ns, bytes)] of a DLT_EN10MB capture."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        fail(f"{path}: not a pcap file ({len(data)} bytes)")
    magic = struct.unpack("<I", data[:4])[0]
    formats = {0xA1B2C3D4: ("<", 1000), 0xD4C3B2A1: (">", 1000),
               0xA1B23C4D: ("<", 1), 0x4D3CB2A1: (">", 1)}
    if magic not in formats:
        fail(f"{path}: bad pcap magic {magic:#x}")
    endian, frac_ns = formats[magic]
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        fail(f"{path}: link type {linktype}, expected 1 (Ethernet)")
    pkts, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            fail(f"{path}: truncated record header at byte {off}")
        sec, frac, incl, orig = struct.unpack(endian + "IIII",
                                              data[off:off + 16])
        body = data[off + 16:off + 16 + incl]
        if len(body) != incl or incl != orig:
            fail(f"{path}: packet {len(pkts)} truncated "
                 f"(incl {incl}, orig {orig})")
        pkts.append((sec * 1000000000 + frac * frac_ns, body))
        off += 16 + incl
    return pkts


# ------------------------------------------------------------ checksums

def fmix64(k):
    m = (1 << 64) - 1
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & m
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & m
    k ^= k >> 33
    return k


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def ip_str(v):
    return str(ipaddress.IPv4Address(v))


# ------------------------------------------------------- packet parsing

def parse_udp4(pkt):
    """Split an Ethernet/IPv4/UDP packet, or return None if it is not one
    (IHL 5 only). Does not judge checksums."""
    if len(pkt) < 42 or pkt[12:14] != b"\x08\x00" or pkt[14] != 0x45:
        return None
    if pkt[23] != 17:
        return None
    ip_len = struct.unpack("!H", pkt[16:18])[0]
    src_port, dst_port, udp_len, udp_sum = struct.unpack("!HHHH",
                                                         pkt[34:42])
    return {
        "dst_mac": mac_str(pkt[0:6]), "src_mac": mac_str(pkt[6:12]),
        "ip_len": ip_len, "frag": struct.unpack("!H", pkt[20:22])[0],
        "ttl": pkt[22],
        "src_ip": struct.unpack("!I", pkt[26:30])[0],
        "dst_ip": struct.unpack("!I", pkt[30:34])[0],
        "src_port": src_port, "dst_port": dst_port,
        "udp_len": udp_len, "udp_sum": udp_sum,
        "payload": pkt[42:14 + ip_len] if ip_len >= 28 else b"",
    }


def hwp_header(buf):
    """(type, flags, reserved, length) of the frame at buf[0:8]."""
    magic, ver, ftype, flags, rsvd, length = struct.unpack("!HBBBBH",
                                                           buf[:8])
    if magic != HWP_MAGIC or ver != 1:
        return None
    return ftype, flags, rsvd, length


def split_frames(payload):
    """Frames of a datagram the generator meant as valid, else None."""
    frames, off = [], 0
    while off < len(payload):
        if len(payload) - off < 8:
            return None
        h = hwp_header(payload[off:off + 8])
        if h is None or h[3] < 8 or off + h[3] > len(payload):
            return None
        frames.append((h[0], h[1], payload[off:off + h[3]]))
        off += h[3]
    return frames if frames else None


def publish_fields(frame):
    channel, publisher, _rsvd, pub_seq = struct.unpack("!QIIQ", frame[8:32])
    return channel, publisher, pub_seq, frame[PUBLISH_LEN:]


# ------------------------------------------------------------ case files

def read_gen_lines(case_dir):
    """hwp-gen argument lists, and runner edits ('@EDIT INDEXES' lines)."""
    lines, edits = [], {}
    with open(os.path.join(case_dir, "gen.args")) as f:
        for raw in f:
            raw = raw.strip()
            if raw.startswith("@"):
                name, _, idx = raw[1:].partition(" ")
                if name not in EDITS:
                    fail(f"gen.args: unknown edit '@{name}'")
                for i in parse_seqs(idx):
                    edits[i] = name
            elif raw and not raw.startswith("#"):
                lines.append(shlex.split(raw))
    if not lines:
        fail("gen.args holds no hwp-gen invocation")
    return lines, edits


def build_input(gen, lines, edits, work):
    """Run hwp-gen for each line, then apply the edits to the capture.
    Returns (pcap path, [(args, manifest)])."""
    pcap = os.path.join(work, "input.pcap")
    runs = []
    for k, args in enumerate(lines):
        man = os.path.join(work, f"gen-{k}.json")
        cmd = [gen] + args + ["-q", "-o", pcap, "--manifest", man]
        if k > 0:
            cmd.append("--append")
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"hwp-gen failed ({r.returncode}): {' '.join(cmd)}\n"
                 f"{r.stderr}")
        with open(man) as f:
            runs.append((args, json.load(f)))
    if edits:
        pkts = read_pcap(pcap)
        for i, name in edits.items():
            if i >= len(pkts) or parse_udp4(pkts[i][1]) is None:
                fail(f"gen.args: @{name} {i}: no such UDP packet")
            pkts[i] = (pkts[i][0], EDITS[name][0](pkts[i][1]))
        write_pcap(pcap, pkts)
    return pcap, runs


def write_pcap(path, pkts):
    """Write [(timestamp_ns, bytes)] as an Ethernet pcap (microseconds)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, pkt in pkts:
            f.write(struct.pack("<IIII", ts // 10**9, ts % 10**9 // 1000,
                                len(pkt), len(pkt)))
            f.write(pkt)


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
}


def load_config(path):
    """The INI values the checks need, with herald's defaults."""
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(path)

    def get(sec, key, default):
        return cp.get(sec, key, fallback=default).strip()

    allow = get("publishers", "allow", "any")
    nets = None
    if allow != "any":
        nets = [ipaddress.ip_network(a.strip(), strict=False)
                for a in allow.split(",")]
    epoch = int(get("herald", "epoch", "0"), 0)
    if epoch == 0:
        fail("herald.ini must set a fixed non-zero [herald] epoch")
    nh = get("herald", "next_hop_mac", "")
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
        "max_sessions": int(get("limits", "max_publisher_sessions", "4096"), 0),
        "max_channels": int(get("limits", "max_channels", "65536"), 0),
    }


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
            mac = next_hop_mac or (t[6].lower() if len(t) > 6 else None)
            changes.setdefault(at, []).append((t[1], int(t[2], 0), ep, mac))
    return changes, sorted(set(pauses)), shows


# ------------------------------------------------------ reference model

class Model:
    """PROTOCOL.md section 6 over the input, one worker lcore."""

    def __init__(self, cfg, changes):
        self.cfg = cfg
        self.changes = changes
        self.subs = {}  # channel -> [(sub, ip, port, mac)] insertion order
        self.sessions = {}  # (publisher, ip, port) -> last accepted
        self.reopened_lower = set()
        self.chan_seq = {}
        self.messages = {}  # (channel, seq) -> message dict
        self.recipients = {}  # (channel, seq) -> [(ip, port, mac)]
        self.acks = {}  # session -> [acked_seq, ...]
        self.cnt = {}
        self.seq_at = {}  # packet index -> {channel: last seq} snapshot
        self.members_at = {}  # (index, changes applied) -> {channel: n}
        self.sub_ids = {}  # (channel, subscriber) -> set of endpoints
        self.refused = set()  # sessions refused: table full

    def per_endpoint(self):
        """{(channel, ip, port): [seq, ...]} the model delivers, one entry
        per subscription (two ids on one endpoint get two copies)."""
        out = {}
        for (channel, seq) in sorted(self.recipients):
            for ip, port, _mac in self.recipients[(channel, seq)]:
                out.setdefault((channel, ip, port), []).append(seq)
        return out

    def count(self, key, n=1):
        self.cnt[key] = self.cnt.get(key, 0) + n

    def snapshot_members(self, idx, k):
        self.members_at[(idx, k)] = {c: len(m) for c, m in self.subs.items()}

    def apply_changes(self, idx):
        self.snapshot_members(idx, 0)
        for k, (op, channel, ep, mac) in enumerate(self.changes.get(idx,
                                                                   [])):
            members = self.subs.setdefault(channel, [])
            pos = [i for i, m in enumerate(members) if m[:3] == ep]
            if op == "add":
                entry = ep + (mac,)
                if pos:
                    members[pos[0]] = entry
                else:
                    members.append(entry)
                self.sub_ids.setdefault((channel, ep[0]), set()).add(
                    ep[1:])
            elif pos:
                del members[pos[0]]
            self.snapshot_members(idx, k + 1)

    def allowed(self, ip):
        nets = self.cfg["allow"]
        return nets is None or any(ipaddress.IPv4Address(ip) in n
                                   for n in nets)

    def sequence(self, channel, publisher, pub_seq, payload, ts_ns, whole):
        if (channel not in self.chan_seq and
                len(self.chan_seq) >= self.cfg["max_channels"]):
            # Accepted (and acknowledged) but no room for the channel.
            self.count("counters.channel_table_full")
            return
        seq = self.chan_seq.get(channel, 0) + 1
        self.chan_seq[channel] = seq
        self.count("counters.messages_sequenced")
        self.messages[(channel, seq)] = {
            "publisher": publisher, "pub_seq": pub_seq,
            "payload": payload, "ts_ns": ts_ns}
        members = self.subs.get(channel, [])
        self.recipients[(channel, seq)] = [m[1:] for m in members]
        if not members:
            self.count("counters.messages_no_subscriber")
        self.count("counters.deliveries", len(members))
        # The only subscriber of a one-frame datagram's message gets the
        # received mbuf itself, headers rewritten in front of the payload.
        if whole and len(members) == 1:
            self.count("counters.deliveries_in_place")

    def publish(self, d, frame, ts_ns, touched, state):
        channel, publisher, pub_seq, payload = publish_fields(frame[2])
        key = (publisher, d["src_ip"], d["src_port"])
        if state["allowed"] is None:
            state["allowed"] = self.allowed(d["src_ip"])
        if not state["allowed"]:
            return "publish_not_allowed"
        last = self.sessions.get(key)
        if frame[1] & F_START:
            if last is None and len(self.sessions) >= self.cfg["max_sessions"]:
                self.refused.add(key)
                return "publish_session_full"
            if last is not None and pub_seq - 1 < last:
                self.reopened_lower.add(key)
            last = pub_seq - 1
        elif last is None:
            if not state["unknown_acked"]:
                self.acks.setdefault(key, []).append(0)
                self.count("counters.pubacks")
            state["unknown_acked"] = True
            return "publish_unknown_session"
        touched.setdefault(key, True)
        if pub_seq <= last:
            self.sessions[key] = last
            return "publish_duplicate"
        if pub_seq != last + 1:
            self.sessions[key] = last
            return "publish_ahead"
        self.sessions[key] = pub_seq
        self.sequence(channel, publisher, pub_seq, payload, ts_ns,
                      state["whole"])
        return "publish_accepted"

    def datagram(self, d, frames, ts_ns, touched):
        self.count("counters.rx_datagrams_valid")
        self.count("counters.rx_frames", len(frames))
        state = {"allowed": None, "unknown_acked": False,
                 "whole": len(frames) == 1}
        for fr in frames:
            if fr[0] == T_PUBLISH:
                outcome = self.publish(d, fr, ts_ns, touched, state)
            elif fr[0] in CONTROL_TYPES:
                outcome = "control_unhandled"
            else:
                fail(f"model: input frame type {fr[0]} is not to Herald")
            self.count("frames." + outcome)

    def flush_acks(self, touched):
        for key in touched:
            self.acks.setdefault(key, []).append(self.sessions[key])
            self.count("counters.pubacks")
        touched.clear()

    def run(self, inputs, malformed, pauses):
        """inputs: [(ts_ns, bytes)]; malformed: {index: herald key}."""
        stops = set(pauses)
        touched, burst = {}, 0
        for idx, (ts_ns, pkt) in enumerate(inputs):
            if idx in stops or burst == BURST:
                self.flush_acks(touched)
                burst = 0
            self.seq_at[idx] = dict(self.chan_seq)
            self.apply_changes(idx)
            burst += 1
            self.count("counters.rx_packets")
            if idx in malformed:
                self.count(malformed[idx])
                continue
            d = parse_udp4(pkt)
            frames = split_frames(d["payload"]) if d else None
            if d is None or frames is None:
                fail(f"input packet {idx} is neither in a malformed "
                     "manifest nor a valid HWP datagram")
            if d["dst_ip"] != self.cfg["address"]:
                self.count("nonhwp.other_address")
                continue
            if d["dst_port"] != self.cfg["udp_port"]:
                self.count("nonhwp.other_port")
                continue
            self.datagram(d, frames, ts_ns, touched)
        self.flush_acks(touched)
        self.seq_at[len(inputs)] = dict(self.chan_seq)
        self.apply_changes(len(inputs))
        tx = (self.cnt.get("counters.deliveries", 0)
              + self.cnt.get("counters.pubacks", 0))
        self.cnt["counters.tx_packets"] = tx


def malformed_index(runs, edits=None, verify_udp=True):
    """{packet index: 'nonhwp.x' or 'invalid.y'} from the manifests and
    the runner's edits."""
    out = {}
    for i, name in (edits or {}).items():
        reason = EDITS[name][1 if verify_udp else 2]
        if reason is not None:
            out[i] = reason
    for _args, man in runs:
        for p in man.get("packets", []):
            if p["hwp"]:
                out[p["index"]] = "invalid." + p["reason"]
            elif p["kind"] in NONHWP_KIND:
                out[p["index"]] = "nonhwp." + NONHWP_KIND[p["kind"]]
            else:
                fail(f"hwp-gen kind '{p['kind']}' (packet {p['index']}) "
                     "has no mapping to a herald nonhwp reason")
    return out


def publisher_endpoints(inputs, malformed):
    """{(ip, port): src mac} of every sender of a valid datagram."""
    eps = {}
    for idx, (_ts, pkt) in enumerate(inputs):
        d = None if idx in malformed else parse_udp4(pkt)
        if d is not None:
            eps[(d["src_ip"], d["src_port"])] = d["src_mac"]
    return eps


# ------------------------------------------------------- running herald

def run_herald(args, case_dir, work, tag, cmd_file):
    inp = os.path.join(work, "input.pcap")
    out = os.path.join(work, f"output-{tag}.pcap")
    stats = os.path.join(work, f"stats-{tag}.json")
    for p in (out, stats):
        if os.path.exists(p):
            os.unlink(p)
    prefix = f"replay-{os.path.basename(case_dir)}-{os.getpid()}-{tag}"
    cmd = [args.herald, "-l", "0-1", "--no-huge", "-m", "1024", "--no-pci",
           "--file-prefix", prefix, "--log-level=warning",
           "--vdev", f"net_pcap0,rx_pcap={inp},tx_pcap={out}", "--",
           "--config", os.path.join(case_dir, "herald.ini"),
           "--exit-when-idle", str(args.idle_ms),
           "--stats-json", stats, "--clock", "pcap"]
    if cmd_file is not None:
        cmd += ["--cmdline-file", cmd_file]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=args.timeout)
    except subprocess.TimeoutExpired:
        fail(f"herald did not exit within {args.timeout} s: {' '.join(cmd)}")
    finally:
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)
    with open(os.path.join(work, f"herald-{tag}.log"), "w") as f:
        f.write(" ".join(cmd) + "\n--- stdout\n" + r.stdout
                + "--- stderr\n" + r.stderr)
    return {"rc": r.returncode, "stdout": r.stdout, "stderr": r.stderr,
            "out": out, "stats": stats, "cmd": " ".join(cmd)}


# ------------------------------------------------- accounting (JSON)

def flatten(stats):
    flat = {}
    for group in ("counters", "frames", "nonhwp", "invalid"):
        for k, v in stats[group].items():
            flat[f"{group}.{k}"] = v
    return flat


def check_conservation(stats):
    errors = book_errors(stats)
    if errors:
        fail(errors[0])


def check_ports(stats):
    c = stats["counters"]
    ports = stats["ports"]
    if sum(p["ipackets"] for p in ports) != c["rx_packets"]:
        fail(f"ports ipackets {[p['ipackets'] for p in ports]} != "
             f"rx_packets {c['rx_packets']}")
    if sum(p["opackets"] for p in ports) != c["tx_packets"]:
        fail(f"ports opackets {[p['opackets'] for p in ports]} != "
             f"tx_packets {c['tx_packets']}")
    # Herald's own per-port counts agree with the PMD's, port by port.
    for p in ports:
        if (p["rx_packets"], p["tx_packets"]) != (p["ipackets"], p["opackets"]):
            fail(f"port {p['port']}: herald rx/tx {p['rx_packets']}/"
                 f"{p['tx_packets']} != PMD {p['ipackets']}/{p['opackets']}")
    if sum(p["tx_dropped"] for p in ports) != c["tx_dropped"]:
        fail("ports tx_dropped do not add up to counters.tx_dropped")


# ------------------------------------------------ output packet checks

def check_headers(i, pkt, cfg):
    """Ethernet/IPv4/UDP rules of PROTOCOL.md section 6 (Addressing)."""
    where = f"output packet {i}"
    d = parse_udp4(pkt)
    if d is None:
        fail(f"{where}: not Ethernet/IPv4 (IHL 5)/UDP: {pkt[:42].hex()}")
    if d["src_mac"] != cfg["src_mac"]:
        fail(f"{where}: Ethernet source {d['src_mac']}, expected "
             f"{cfg['src_mac']}")
    if d["ip_len"] != len(pkt) - 14:
        fail(f"{where}: IPv4 total length {d['ip_len']} but frame holds "
             f"{len(pkt) - 14} bytes")
    if d["ttl"] != 64:
        fail(f"{where}: TTL {d['ttl']}, expected 64")
    if d["frag"] != 0x4000:
        fail(f"{where}: flags/fragment {d['frag']:#06x}, expected DF only")
    if csum_fold(pkt[14:34]) != 0xFFFF:
        fail(f"{where}: bad IPv4 header checksum")
    if d["src_ip"] != cfg["address"] or d["src_port"] != cfg["udp_port"]:
        fail(f"{where}: source {ip_str(d['src_ip'])}:{d['src_port']}, "
             f"expected Herald's {ip_str(cfg['address'])}:{cfg['udp_port']}")
    if d["udp_len"] != d["ip_len"] - 20:
        fail(f"{where}: UDP length {d['udp_len']} != IP length - 20")
    if d["udp_sum"] == 0:
        fail(f"{where}: UDP checksum is 0")
    pseudo = pkt[26:34] + struct.pack("!HH", 17, d["udp_len"])
    if csum_fold(pkt[34:14 + d["ip_len"]], csum_fold(pseudo)) != 0xFFFF:
        fail(f"{where}: bad UDP checksum {d['udp_sum']:#06x}")
    return d


def check_frame(i, d):
    """One valid Herald->subscriber/publisher frame fills the datagram."""
    where = f"output packet {i}"
    p = d["payload"]
    if len(p) < 8 or hwp_header(p) is None:
        fail(f"{where}: UDP payload is not an HWP/1 frame: {p[:8].hex()}")
    ftype, flags, rsvd, length = hwp_header(p)
    if length != len(p):
        fail(f"{where}: frame length {length} but datagram carries "
             f"{len(p)} bytes (one frame per datagram)")
    if rsvd != 0 or flags & ~(F_RETRANSMIT | F_START):
        fail(f"{where}: reserved {rsvd} / flags {flags:#x} invalid")
    if ftype == T_DELIVER:
        if not DELIVER_LEN <= length <= DELIVER_LEN + MAX_PAYLOAD:
            fail(f"{where}: DELIVER length {length}")
        if flags != 0:
            fail(f"{where}: DELIVER flags {flags:#x} (no NACK/resume here)")
    elif ftype == T_PUBACK:
        if length != PUBACK_LEN or flags != 0:
            fail(f"{where}: PUBACK length {length} flags {flags:#x}")
    else:
        fail(f"{where}: unexpected frame type {ftype:#x}")
    return ftype


def parse_output(out_pkts, cfg):
    """[(kind, d, fields)] of every output packet, headers judged."""
    parsed = []
    for i, (_ts, pkt) in enumerate(out_pkts):
        d = check_headers(i, pkt, cfg)
        ftype = check_frame(i, d)
        p = d["payload"]
        if ftype == T_DELIVER:
            ch, seq, epoch, pub, ts = struct.unpack("!QQIIQ", p[8:40])
            f = {"channel": ch, "seq": seq, "epoch": epoch,
                 "publisher": pub, "ts": ts, "payload": p[40:],
                 "frame": p}
        else:
            pub, epoch, acked, credit, rsvd = struct.unpack("!IIQII",
                                                            p[8:32])
            f = {"publisher": pub, "epoch": epoch, "acked": acked,
                 "credit": credit, "reserved": rsvd}
        if f["epoch"] != cfg["epoch"]:
            fail(f"output packet {i}: epoch {f['epoch']:#x}, expected "
                 f"{cfg['epoch']:#x}")
        parsed.append((ftype, d, f))
    return parsed


def check_delivers(parsed, model):
    """Recipients, order, bytes, payload and timestamp of every DELIVER."""
    seen = {}  # (channel, seq) -> [(ip, port, mac)] in output order
    frames = {}
    last_seq = {}  # channel -> highest seq seen so far (output order)
    for i, (ftype, d, f) in enumerate(parsed):
        if ftype != T_DELIVER:
            continue
        key = (f["channel"], f["seq"])
        msg = model.messages.get(key)
        if msg is None:
            fail(f"output packet {i}: DELIVER channel {key[0]} seq {key[1]} "
                 "but the model sequenced no such message")
        if f["seq"] < last_seq.get(f["channel"], 0):
            fail(f"output packet {i}: channel {key[0]} seq {key[1]} left "
                 f"after seq {last_seq[f['channel']]}")
        last_seq[f["channel"]] = f["seq"]
        check_deliver_body(i, f, msg)
        if frames.setdefault(key, f["frame"]) != f["frame"]:
            fail(f"output packet {i}: DELIVER bytes of channel {key[0]} seq "
                 f"{key[1]} differ between subscribers")
        seen.setdefault(key, []).append((d["dst_ip"], d["dst_port"],
                                         d["dst_mac"]))
    for key, want in model.recipients.items():
        got = seen.get(key, [])
        if got != want:
            fail(f"channel {key[0]} seq {key[1]}: DELIVERs went to "
                 f"{fmt_eps(got)}, expected {fmt_eps(want)} "
                 "(subscribers at that moment, insertion order)")


def check_deliver_body(i, f, msg):
    where = f"output packet {i} (channel {f['channel']} seq {f['seq']})"
    if f["publisher"] != msg["publisher"]:
        fail(f"{where}: publisher {f['publisher']}, PUBLISH had "
             f"{msg['publisher']}")
    if f["payload"] != msg["payload"]:
        fail(f"{where}: payload ({len(f['payload'])} B) differs from the "
             f"PUBLISH (publisher {msg['publisher']} pub_seq "
             f"{msg['pub_seq']}, {len(msg['payload'])} B)")
    if len(msg["payload"]) >= 20:
        ch, pub, pseq = struct.unpack("!QIQ", msg["payload"][:20])
        if (ch, pub, pseq) != (f["channel"], msg["publisher"],
                               msg["pub_seq"]):
            fail(f"{where}: payload names channel {ch} publisher {pub} "
                 f"pub_seq {pseq}, the model mapped it to publisher "
                 f"{msg['publisher']} pub_seq {msg['pub_seq']}")
    if f["ts"] != msg["ts_ns"]:
        fail(f"{where}: timestamp {f['ts']} ns, PUBLISH captured at "
             f"{msg['ts_ns']} ns")


def fmt_eps(eps):
    if len(eps) > 4:
        return f"{len(eps)} endpoints [{fmt_eps(eps[:4])[1:-1]}, ...]"
    return "[" + ", ".join(f"{ip_str(ip)}:{port}/{mac}"
                           for ip, port, mac in eps) + "]"


def check_pubacks(parsed, model, cfg, endpoints):
    """Destination, credit, and the acked_seq sequence of each session."""
    got = {}
    for i, (ftype, d, f) in enumerate(parsed):
        if ftype != T_PUBACK:
            continue
        ep = (d["dst_ip"], d["dst_port"])
        if ep not in endpoints:
            fail(f"output packet {i}: PUBACK to {ip_str(ep[0])}:{ep[1]}, "
                 "which sent no valid datagram")
        want_mac = cfg["next_hop_mac"] or endpoints[ep]
        if d["dst_mac"] != want_mac:
            fail(f"output packet {i}: PUBACK to MAC {d['dst_mac']}, "
                 f"expected {want_mac}")
        if f["credit"] != cfg["credit"] or f["reserved"] != 0:
            fail(f"output packet {i}: PUBACK credit {f['credit']} "
                 f"reserved {f['reserved']}, expected {cfg['credit']}/0")
        key = (f["publisher"],) + ep
        acks = got.setdefault(key, [])
        if (acks and f["acked"] < acks[-1]
                and key not in model.reopened_lower):
            fail(f"output packet {i}: PUBACK publisher {key[0]} acked_seq "
                 f"{f['acked']} after {acks[-1]} (not monotone)")
        acks.append(f["acked"])
    for key in sorted(set(got) | set(model.acks)):
        if got.get(key, []) != model.acks.get(key, []):
            fail(f"PUBACKs of publisher {key[0]} at {ip_str(key[1])}:"
                 f"{key[2]}: acked_seq {short(got.get(key, []))}, model "
                 f"expects {short(model.acks.get(key, []))}")
    return got


def short(seq):
    return str(seq) if len(seq) <= 12 else f"{seq[:6]}...{seq[-6:]}"


def check_generator_acks(runs, got, model):
    """The last PUBACK of each session agrees with hwp-gen's manifest
    (traffic generated for Herald's address and port, with START)."""
    last = {}
    here = (ip_str(model.cfg["address"]), model.cfg["udp_port"])
    for args, man in runs:
        if (man.get("herald_ip"), man.get("herald_port")) != here:
            continue
        for p in man.get("publishers", []):
            key = (p["id"], int(ipaddress.IPv4Address(p["addr"])),
                   p["port"])
            last[key] = None if "--no-start" in args else p
    for key, p in last.items():
        # hwp-gen knows no table limits: skip sessions Herald had no room for.
        if p is None or not model.allowed(key[1]) or key in model.refused:
            continue
        acks = got.get(key)
        if not acks or acks[-1] != p["expected_acked_seq"]:
            fail(f"publisher {key[0]}: last PUBACK acked_seq "
                 f"{acks[-1] if acks else None}, hwp-gen manifest expects "
                 f"{p['expected_acked_seq']}")


# ---------------------------------------------------- expectations

def parse_seqs(text):
    out = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def received(parsed):
    """{(channel, ip, port): [seq, ...]} in output order."""
    got = {}
    for ftype, d, f in parsed:
        if ftype == T_DELIVER:
            got.setdefault((f["channel"], d["dst_ip"], d["dst_port"]),
                           []).append(f["seq"])
    return got


def check_subscribers(expect, parsed, model):
    got = received(parsed)
    want = model.per_endpoint()
    for key in sorted(set(got) | set(want)):
        if got.get(key, []) != want.get(key, []):
            fail(f"channel {key[0]} at {ip_str(key[1])}:{key[2]}: seqs "
                 f"{short(got.get(key, []))}, model "
                 f"{short(want.get(key, []))}")
    for e in expect.get("subscribers", []):
        ch, sub = e["channel"], e["subscriber"]
        ids = ([s for (c, s) in model.sub_ids if c == ch]
               if sub == "*" else [sub])
        if not ids:
            fail(f"expectation names channel {ch}, which has no "
                 "subscriber in the command file")
        for s in ids:
            eps = model.sub_ids.get((ch, s), set())
            if len(eps) != 1 or any(o != s and eps & e for (c, o), e
                                    in model.sub_ids.items() if c == ch):
                fail(f"subscriber {s} of channel {ch}: endpoints {eps}; "
                     "an expectation needs one endpoint of its own")
            ip, port = next(iter(eps))
            seqs = got.get((ch, ip, port), [])
            where = f"channel {ch} subscriber {s} ({ip_str(ip)}:{port})"
            if "count" in e and len(seqs) != e["count"]:
                fail(f"{where}: received {len(seqs)} DELIVERs, expected "
                     f"{e['count']}")
            if "seqs" in e and seqs != parse_seqs(e["seqs"]):
                fail(f"{where}: received seqs {short(seqs)}, expected "
                     f"{e['seqs']}")


def check_publishers(expect, acks):
    """Entries {publisher, port?, last_acked | acked | none}."""
    for e in expect.get("publishers", []):
        mine = {k: v for k, v in acks.items() if k[0] == e["publisher"]
                and e.get("port", k[2]) == k[2]}
        where = f"publisher {e['publisher']} (port {e.get('port', 'any')})"
        if e.get("none"):
            if mine:
                fail(f"{where}: got PUBACKs {list(mine.values())}, "
                     "expected none")
            continue
        if len(mine) != 1:
            fail(f"{where}: PUBACKs from {len(mine)} sessions {mine}, "
                 "expected exactly one session")
        got = next(iter(mine.values()))
        if "acked" in e and got != e["acked"]:
            fail(f"{where}: acked_seqs {short(got)}, expected {e['acked']}")
        if "last_acked" in e and got[-1] != e["last_acked"]:
            fail(f"{where}: last acked_seq {got[-1]}, expected "
                 f"{e['last_acked']}")


def compare_counters(label, want, flat):
    for k, v in sorted(want.items()):
        if k not in flat:
            fail(f"{label}: unknown counter '{k}' in stats JSON")
        if flat[k] != v:
            fail(f"{label}: {k} = {flat[k]}, expected {v}")


def check_model_counters(model, flat):
    """Every counter the model predicts; the others that must stay 0."""
    want = {k: 0 for k in flat if not k.startswith("counters.")
            or k in ("counters.tx_dropped", "counters.deliveries_nombuf",
                     "counters.pubacks_nombuf", "counters.handoffs_out",
                     "counters.handoffs_in", "counters.channel_table_full")}
    want.update(model.cnt)
    for k in ("counters.deliveries", "counters.deliveries_in_place",
              "counters.pubacks",
              "counters.messages_sequenced",
              "counters.messages_no_subscriber"):
        want.setdefault(k, 0)
    compare_counters("model", want, flat)


# ----------------------------------------- CLI output ("show ...")

SHOW_RE = re.compile(r"^\s+(frame|non-hwp|invalid)\s+(\S+)\s+(\d+)$")
RX_RE = re.compile(r"^\s+rx_packets\s+(\d+)$")
PAUSED_RE = re.compile(r"^paused at (\d+) packets$")
CHANNEL_RE = re.compile(r"^channel (\d+): slot (\d+), owner lcore (\d+), "
                        r"last seq (\d+)$")
MEMBERS_RE = re.compile(r"^(\d+) subscriber\(s\)$")
STATS_HDR = "######## Herald stats"
GROUP = {"frame": "frames", "non-hwp": "nonhwp", "invalid": "invalid"}


def stdout_snapshots(stdout):
    """The first 'show stats' after each pause point (the one the runner
    inserted), and every 'show channel' answer, keyed by pause point."""
    at, stats, chans, blocks = 0, {}, [], 0
    for line in stdout.splitlines():
        m = PAUSED_RE.match(line.strip())
        if m:
            at, blocks = int(m.group(1)), 0
            stats.setdefault(at, {})
            continue
        if STATS_HDR in line:
            blocks += 1
            continue
        m = RX_RE.match(line) or SHOW_RE.match(line)
        if m and blocks == 1:
            snap = stats.setdefault(at, {})
            if len(m.groups()) == 1:
                snap["counters.rx_packets"] = int(m.group(1))
            else:
                snap[GROUP[m.group(1)] + "." + m.group(2)] = int(
                    m.group(3))
            continue
        m = CHANNEL_RE.match(line.strip())
        if m:
            chans.append([at] + [int(x) for x in m.groups()] + [None])
            continue
        m = MEMBERS_RE.match(line.strip())
        if m and chans and chans[-1][-1] is None:
            chans[-1][-1] = int(m.group(1))
    return stats, chans


def check_show_channel(chans, model, shows):
    """'show channel' answers: slot = fmix64 mod 4096, the last seq and
    the subscriber count the model has at that point of the file."""
    if len(chans) != len(shows):
        fail(f"{len(shows)} 'show channel' commands but {len(chans)} "
             "answers in herald's output")
    for (at, ch, slot, _lcore, last, members), show in zip(chans, shows):
        if (at, ch) != show[:2]:
            fail(f"show channel {ch} answered after packet {at}, the "
                 f"command file asked channel {show[1]} after {show[0]}")
        if slot != fmix64(ch) % NUM_SLOTS:
            fail(f"show channel {ch}: slot {slot}, fmix64 gives "
                 f"{fmix64(ch) % NUM_SLOTS}")
        want = model.seq_at.get(at, {}).get(ch, 0)
        if last != want:
            fail(f"show channel {ch} after packet {at}: last seq {last}, "
                 f"model {want}")
        want = model.members_at[(at, show[2])].get(ch, 0)
        if members != want:
            fail(f"show channel {ch} after packet {at}: {members} "
                 f"subscriber(s), model {want}")


def herald_commands(case_cmd, per_packet, n, work):
    """The command file herald runs: the case's (for per-packet cases
    followed by one 'pause at k' per input packet), with a 'show stats'
    after every 'pause at' so the runner can check where herald really
    paused."""
    lines = []
    if case_cmd is not None:
        with open(case_cmd) as f:
            lines = f.readlines()
    if per_packet:
        if any(t[:2] == ["pause", "at"] for t in map(str.split, lines)):
            fail("per_packet_reasons: the case's commands may not pause")
        lines += [f"pause at {k}\n" for k in range(1, n + 1)]
    if not lines:
        return None
    path = os.path.join(work, "commands")
    with open(path, "w") as f:
        f.write("# written by run_case.py: 'show stats' after each pause\n")
        for line in lines:
            f.write(line if line.endswith("\n") else line + "\n")
            if line.split()[:2] == ["pause", "at"]:
                f.write("show stats\n")
    return path


def check_pause_points(stats, pauses):
    """Each 'pause at N' must hold the worker at exactly N packets."""
    for n in pauses:
        got = stats.get(n, {}).get("counters.rx_packets")
        if got != n:
            fail(f"'pause at {n}' returned while herald had received "
                 f"{got} packets (commands after it applied at the wrong "
                 "point of the stream)")


def check_per_packet(stats, malformed, n):
    """Each malformed packet raised exactly its own reason by one."""
    prev = {}
    for k in range(1, n + 1):
        if k not in stats:
            fail(f"no 'show stats' output after 'pause at {k}'")
        cur = stats[k]
        delta = {key: v - prev.get(key, 0) for key, v in cur.items()
                 if v != prev.get(key, 0) and key != "counters.rx_packets"}
        want = malformed.get(k - 1)
        if want is not None and delta != {want: 1}:
            fail(f"input packet {k - 1}: counters moved by {delta}, "
                 f"expected {{'{want}': 1}}")
        prev = cur


# ------------------------------------------------------------- main

def run_one(args, case_dir, work, expect, tag, cmd_file):
    res = run_herald(args, case_dir, work, tag, cmd_file)
    want_rc = expect.get("exit_code", 0)
    if res["rc"] != want_rc:
        fail(f"herald exited {res['rc']}, expected {want_rc}\n"
             f"command: {res['cmd']}\nstderr:\n{res['stderr'][-3000:]}")
    for pat in expect.get("stderr", []):
        if not re.search(pat, res["stderr"], re.M):
            fail(f"stderr lacks /{pat}/:\n{res['stderr'][-3000:]}")
    has_json = os.path.exists(res["stats"])
    if has_json != expect.get("stats_json", True):
        fail(f"stats JSON {'written' if has_json else 'missing'}, expected "
             f"{'it' if expect.get('stats_json', True) else 'none'}")
    if has_json:
        with open(res["stats"]) as f:
            res["json"] = json.load(f)
        check_conservation(res["json"])
        check_ports(res["json"])
    return res


def judge(expect, res, ctx):
    cfg, runs, inputs = ctx["cfg"], ctx["runs"], ctx["inputs"]
    out_pkts = read_pcap(res["out"]) if os.path.exists(res["out"]) else []
    parsed = parse_output(out_pkts, cfg)
    if "output_packets" in expect and len(out_pkts) != expect[
            "output_packets"]:
        fail(f"herald sent {len(out_pkts)} packets, expected "
             f"{expect['output_packets']}")
    flat = flatten(res["json"])
    malformed = ctx["malformed"]
    stats, chans = stdout_snapshots(res["stdout"])
    check_pause_points(stats, ctx["pauses"])
    model = Model(cfg, ctx["changes"])
    model.run(inputs, malformed, ctx["pauses"])
    check_model_counters(model, flat)
    check_delivers(parsed, model)
    acks = check_pubacks(parsed, model, cfg, ctx["endpoints"])
    check_generator_acks(runs, acks, model)
    check_show_channel(chans, model, ctx["shows"])
    if expect.get("per_packet_reasons"):
        check_per_packet(stats, malformed, len(inputs))
    compare_counters("expect.json", expect.get("counters", {}), flat)
    check_subscribers(expect, parsed, model)
    check_publishers(expect, acks)
    slots = {fmix64(ch) % NUM_SLOTS for ch, _s in model.messages}
    if len(slots) < expect.get("slots_min", 0):
        fail(f"messages cover {len(slots)} slots, expected at least "
             f"{expect['slots_min']}")
    return out_pkts


def prepare(args, case_dir, work, expect):
    lines, edits = read_gen_lines(case_dir)
    pcap, runs = build_input(args.gen, lines, edits, work)
    inputs = read_pcap(pcap)
    cmd_file = os.path.join(case_dir, "commands")
    if not os.path.exists(cmd_file):
        cmd_file = None
    if expect.get("exit_code", 0) == 0:
        # Failing cases keep the case's file: stderr names its lines.
        cmd_file = herald_commands(cmd_file,
                                   expect.get("per_packet_reasons"),
                                   len(inputs), work)
    ctx = {"runs": runs, "inputs": inputs, "cmd_file": cmd_file}
    if expect.get("exit_code", 0) == 0:
        cfg = load_config(os.path.join(case_dir, "herald.ini"))
        malformed = malformed_index(runs, edits, cfg["verify_udp"])
        changes, pauses, shows = timeline(read_commands(cmd_file),
                                          cfg["next_hop_mac"])
        ctx.update(cfg=cfg, malformed=malformed, changes=changes,
                   pauses=pauses, shows=shows,
                   endpoints=publisher_endpoints(inputs, malformed))
    else:
        ctx["cfg"] = {"address": None, "udp_port": None, "epoch": None,
                      "src_mac": PORT_MAC, "next_hop_mac": None}
    return ctx


def run_case(args):
    case_dir = os.path.abspath(args.case)
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(os.path.join(case_dir, "expect.json")) as f:
        expect = json.load(f)
    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        fail(f"expect.json: unknown keys {sorted(unknown)}")
    ctx = prepare(args, case_dir, work, expect)
    outputs = []
    for run in range(expect.get("runs", 1)):
        res = run_one(args, case_dir, work, expect, f"run{run}",
                      ctx["cmd_file"])
        if expect.get("exit_code", 0) == 0:
            outputs.append(judge(expect, res, ctx))
        else:
            outputs.append(judge_failed_run(expect, res))
    if expect.get("exit_code", 0) == 0:
        compare_runs(outputs)
    n_out = len(outputs[0])
    print(f"replay {os.path.basename(case_dir)}: OK ({len(ctx['inputs'])} "
          f"packets in, {n_out} out, {len(outputs) or 1} run(s))")


def judge_failed_run(expect, res):
    """A run expected to fail: the packets it sent must still be
    well-formed (no model: the run stops at an arbitrary point), and the
    case's counters are compared. Returns the output packets."""
    out_pkts = read_pcap(res["out"]) if os.path.exists(res["out"]) else []
    for i, (_ts, pkt) in enumerate(out_pkts):
        d = parse_udp4(pkt)
        if d is None or csum_fold(pkt[14:34]) != 0xFFFF:
            fail(f"output packet {i} of the failed run is malformed")
        check_frame(i, d)
    if "output_packets" in expect and len(out_pkts) != expect[
            "output_packets"]:
        fail(f"herald sent {len(out_pkts)} packets, expected "
             f"{expect['output_packets']}")
    if "json" in res:
        compare_counters("expect.json", expect.get("counters", {}),
                         flatten(res["json"]))
    return out_pkts


def compare_runs(outputs):
    """Same input and config: byte-identical packets (not timestamps)."""
    for k in range(1, len(outputs)):
        a = [p for _t, p in outputs[0]]
        b = [p for _t, p in outputs[k]]
        if len(a) != len(b):
            fail(f"run {k} sent {len(b)} packets, run 0 sent {len(a)}")
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                fail(f"run {k} packet {i} differs from run 0:\n"
                     f"  {x[:64].hex()}\n  {y[:64].hex()}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--herald", required=True)
    ap.add_argument("--gen", required=True, help="hwp-gen binary")
    ap.add_argument("--case", required=True, help="case folder")
    ap.add_argument("--workdir", required=True, help="scratch folder")
    ap.add_argument("--idle-ms", type=int, default=500)
    ap.add_argument("--timeout", type=int, default=60)
    args = ap.parse_args()
    try:
        run_case(args)
    except CaseFailure as e:
        print(f"replay {os.path.basename(args.case)}: FAIL: {e}",
              file=sys.stderr)
        print(f"  (logs and pcaps in {args.workdir})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
