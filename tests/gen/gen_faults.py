# SPDX-License-Identifier: BSD-3-Clause
"""Judging hwp-gen's malformed kinds (malformed and mix modes).

Each listed packet must fail exactly with its manifest reason: HWP kinds
by the real codec (gen-check's "reason") from a source Herald could
answer, the other kinds by their headers, and the kinds whose source
Herald could not answer (PROTOCOL section 4, revision 2) must be valid
HWP datagrams whose source is their only fault. For the kinds revision 2
added, repair() undoes the one broken field and the codec must then
accept the datagram: the kind broke that rule and no other.
"""

import ipaddress
import re
import struct

from gen_pcap import (ETH_IP4_UDP, F_PASSIVE, T_HEARTBEAT, T_NACK,
                      T_PUBLISH, T_UNSUBSCRIBE, check, csum_fold, ip_str,
                      mac_str, parse_udp4, udp4_fix_checksums, write_pcap)

HEADER_REASONS = {"not_udp", "not_ipv4", "other_port", "ip_options",
                  "ip_fragment", "bad_ip_checksum", "arp"}
# Herald's counters for sources it cannot answer.
SOURCE_REASONS = {"source_mac_group", "source_ip_not_unicast",
                  "source_ip_own", "source_port_zero"}
NON_HWP_REASONS = HEADER_REASONS | SOURCE_REASONS

# kind: (reason, source field, its value; None: Herald's own address).
SOURCE_KINDS = {
    "source_mac_broadcast": ("source_mac_group", "mac", "ff:ff:ff:ff:ff:ff"),
    "source_mac_multicast": ("source_mac_group", "mac", "01:00:5e:00:00:01"),
    "source_ip_zero_net": ("source_ip_not_unicast", "ip", "0.0.0.1"),
    "source_ip_loopback": ("source_ip_not_unicast", "ip", "127.0.0.1"),
    "source_ip_multicast": ("source_ip_not_unicast", "ip", "224.0.0.1"),
    "source_ip_reserved": ("source_ip_not_unicast", "ip", "240.0.0.1"),
    "source_ip_broadcast": ("source_ip_not_unicast", "ip",
                            "255.255.255.255"),
    "source_ip_own": ("source_ip_own", "ip", None),
    "source_port_zero": ("source_port_zero", "port", 0),
}

# Revision-2 HWP kinds: (reason, frame type, field offset, size, value
# the kind puts there or None for "not 0", the valid value).
REV2_KINDS = {
    "bad_flags_passive_publish": ("bad_flags", T_PUBLISH, 4, 1, F_PASSIVE, 0),
    "bad_flags_passive_unsubscribe": ("bad_flags", T_UNSUBSCRIBE, 4, 1,
                                      F_PASSIVE, 0),
    "bad_flags_passive_heartbeat": ("bad_flags", T_HEARTBEAT, 4, 1,
                                    F_PASSIVE, 0),
    "bad_flags_passive_nack": ("bad_flags", T_NACK, 4, 1, F_PASSIVE, 0),
    "bad_flags_publish_bit3": ("bad_flags", T_PUBLISH, 4, 1, 0x08, 0),
    "zero_from_seq_nack": ("zero_from_seq", T_NACK, 16, 8, 0, 1),
    "reserved_unsubscribe_from_seq": ("reserved_nonzero", T_UNSUBSCRIBE,
                                      24, 8, None, 0),
    "reserved_heartbeat_seq": ("reserved_nonzero", T_HEARTBEAT, 16, 8,
                               None, 0),
    "reserved_heartbeat_epoch": ("reserved_nonzero", T_HEARTBEAT, 28, 4,
                                 None, 0),
}

# A valid source to put back: hwp-gen's publisher 0.
GOOD_SOURCE = {"mac": "02:00:00:01:00:01", "ip": "198.18.1.1",
               "port": 50000}


def hwp_error_strings(header):
    """The codec's fault strings from HWP_ERRORS in hwp.h, whose entries
    are X(NAME, "string", "help") (older ones had no help)."""
    with open(header) as f:
        text = f.read()
    names = re.findall(r'X\(([A-Z_]+),\s*"(\w+)"\s*[,)]', text)
    check(len(names) > 10, "cannot read HWP_ERRORS from %s" % header)
    return {s for _, s in names}


def source_faults(mac, ip, port, herald_ip):
    """Every source rule of section 4 the datagram breaks, judged here
    independently of gen-check (which stops at the first)."""
    ip = ipaddress.IPv4Address(ip)
    first = int(ip) >> 24
    out = []
    if int(mac[:2], 16) & 1:
        out.append("source_mac_group")
    if first in (0, 127) or first >= 224:
        out.append("source_ip_not_unicast")
    if ip == ipaddress.IPv4Address(herald_ip):
        out.append("source_ip_own")
    if port == 0:
        out.append("source_port_zero")
    return out


def check_hwp_fault(e, r):
    check(r["class"] == "hwp", "%s: class %s" % (e["kind"], r["class"]))
    check(r["reason"] == e["reason"], "%s: codec says %s, manifest %s" %
          (e["kind"], r["reason"], e["reason"]))
    check(r["source"] == "ok", "%s: source %s" % (e["kind"], r["source"]))
    check(r["ip_csum_ok"] and r["udp_csum_ok"] and r["df"] and
          r["ihl"] == 5 and r["ttl"] == 64,
          "%s: headers must be valid" % e["kind"])
    if e["kind"] in REV2_KINDS:
        check(REV2_KINDS[e["kind"]][0] == e["reason"],
              "%s: manifest reason %s" % (e["kind"], e["reason"]))


def check_source_fault(e, r, frame, herald_ip):
    kind = e["kind"]
    check(kind in SOURCE_KINDS, "unknown source kind %s" % kind)
    reason, field, value = SOURCE_KINDS[kind]
    check(e["reason"] == reason, "%s: manifest reason %s" % (kind,
                                                            e["reason"]))
    # A valid PUBLISH datagram to Herald in every other respect.
    check(r["class"] == "hwp" and r["reason"] == "ok" and
          r["types"] == ["publish"], "%s: class %s, codec %s" %
          (kind, r["class"], r.get("reason")))
    check(r["source"] == reason, "%s: gen-check source %s" %
          (kind, r["source"]))
    smac, sip, sport, _, _ = parse_udp4(frame)
    got = {"mac": mac_str(smac), "ip": ip_str(sip), "port": sport}
    want = herald_ip if value is None else value
    check(got[field] == want, "%s: source %s %s, want %s" %
          (kind, field, got[field], want))
    faults = source_faults(got["mac"], got["ip"], got["port"], herald_ip)
    check(faults == [reason], "%s: source breaks %s" % (kind, faults))


def check_header_fault(e, r, frame):
    reason = e["reason"]
    check(r["class"] == reason, "%s: packet is %s" % (e["kind"],
                                                      r["class"]))
    if reason in ("other_port", "ip_options"):
        check(r["udp_csum_ok"], "%s: UDP checksum" % e["kind"])
    if reason == "not_ipv4":
        check(frame[12:14] == b"\x86\xdd", "not IPv6")
        check(frame[14] >> 4 == 6 and frame[20] == 17, "IPv6/UDP header")
        udp = frame[54:]
        pseudo = frame[22:54] + struct.pack("!IxxxB", len(udp), 17)
        check(csum_fold(pseudo + udp) == 0xffff, "IPv6 UDP checksum")
        check(struct.unpack("!H", udp[2:4])[0] == 7700, "v6 port")
    if reason == "ip_fragment":
        frag = struct.unpack("!H", frame[20:22])[0]
        check(frag & 0x4000 == 0 and frag & 0x3fff, "fragment bits")
    if reason == "arp":
        check(struct.unpack("!HHBBH", frame[14:22]) == (1, 0x0800, 6, 4, 1),
              "ARP request")
    if reason == "not_udp":
        check(frame[23] in (1, 6), "protocol %d" % frame[23])
        l4 = frame[34:]
        if frame[23] == 1:
            check(csum_fold(l4) == 0xffff, "ICMP checksum")
        else:
            pseudo = frame[26:34] + struct.pack("!BBH", 0, 6, len(l4))
            check(csum_fold(pseudo + l4) == 0xffff, "TCP checksum")
            check(struct.unpack("!H", l4[2:4])[0] == 7700,
                  "TCP to Herald's port")


def check_faults(env, res, listed, pkts, herald_ip="198.18.0.1"):
    """Each listed packet fails exactly with its manifest reason."""
    for e in listed:
        r = res[e["index"]]
        frame = pkts[e["index"]][1]
        if e["hwp"]:
            check_hwp_fault(e, r)
        elif e["reason"] in SOURCE_REASONS:
            check_source_fault(e, r, frame, herald_ip)
        else:
            check(e["reason"] in HEADER_REASONS, "unknown reason %s" %
                  e["reason"])
            check_header_fault(e, r, frame)


def repair_one(kind, frame):
    """The frame with the kind's one broken field made valid again."""
    b = bytearray(frame)
    if kind in SOURCE_KINDS:
        field = SOURCE_KINDS[kind][1]
        if field == "mac":
            b[6:12] = bytes.fromhex(GOOD_SOURCE["mac"].replace(":", ""))
        elif field == "ip":
            b[26:30] = ipaddress.IPv4Address(GOOD_SOURCE["ip"]).packed
        else:
            b[34:36] = struct.pack("!H", GOOD_SOURCE["port"])
        return udp4_fix_checksums(bytes(b))
    _, typ, off, size, bad, good = REV2_KINDS[kind]
    p = ETH_IP4_UDP
    length = struct.unpack("!H", b[p + 6:p + 8])[0]
    check(b[p + 3] == typ and length == len(b) - p,
          "%s: not one frame of type %d" % (kind, typ))
    val = int.from_bytes(b[p + off:p + off + size], "big")
    check(val != 0 if bad is None else val == bad,
          "%s: field at %d is %#x" % (kind, off, val))
    b[p + off:p + off + size] = good.to_bytes(size, "big")
    return udp4_fix_checksums(bytes(b))


def check_repaired(env, listed, pkts, path):
    """Repair every revision-2 kind in listed; the codec must accept each
    repaired datagram from an answerable source (tokens still valid)."""
    todo = [e for e in listed
            if e["kind"] in REV2_KINDS or e["kind"] in SOURCE_KINDS]
    kinds = {e["kind"] for e in todo}
    check(kinds == set(REV2_KINDS) | set(SOURCE_KINDS),
          "revision-2 kinds missing: %s" %
          ((set(REV2_KINDS) | set(SOURCE_KINDS)) - kinds))
    fixed = [(pkts[e["index"]][0], repair_one(e["kind"], pkts[e["index"]][1]))
             for e in todo]
    write_pcap(path, fixed)
    for e, r in zip(todo, env.codec(path)):
        check(r["class"] == "hwp" and r["reason"] == "ok" and
              r["source"] == "ok" and r["udp_csum_ok"] and r["ip_csum_ok"],
              "%s repaired: class %s, codec %s, source %s" %
              (e["kind"], r["class"], r.get("reason"), r.get("source")))
        tokens = r["types"].count("unsubscribe")
        check(r["tokens_valid"] == tokens and r["tokens_invalid"] == 0,
              "%s repaired: token does not verify" % e["kind"])
