# SPDX-License-Identifier: BSD-3-Clause
"""Captures for the hwp-gen tests, with the standard library only:
reading and writing classic pcap files (microsecond stamps, Ethernet),
strict checks of Ethernet/IPv4/UDP datagrams to Herald, HWP frame
walking, and the Internet checksums needed to edit a datagram.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from inet_csum import csum_fold  # noqa: E402

HERALD_MAC = "02:70:63:61:70:00"
T_PUBLISH, T_SUBSCRIBE, T_UNSUBSCRIBE, T_HEARTBEAT, T_NACK = 1, 4, 5, 7, 8
F_START, F_PASSIVE = 2, 4
ETH_IP4_UDP = 14 + 20 + 8  # UDP payload offset in a datagram without options


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) >= 24, "%s: no pcap header" % path)
    magic = struct.unpack("<I", data[:4])[0]
    check(magic == 0xa1b2c3d4, "%s: not a little-endian usec pcap" % path)
    _, _, _, _, _, snap, linktype = struct.unpack("<IHHiIII", data[:24])
    check(linktype == 1, "%s: linktype %d, want 1 (EN10MB)" % (path,
                                                              linktype))
    pkts, off = [], 24
    while off < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        off += 16
        check(incl == orig, "packet %d truncated" % len(pkts))
        pkts.append((sec * 1000000 + usec, data[off:off + incl]))
        off += incl
    return pkts


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def ip_str(b):
    return ".".join(str(x) for x in b)


def parse_udp4(frame, herald_mac=HERALD_MAC, port=7700):
    """Strict checks of an Ethernet/IPv4/UDP datagram to Herald; returns
    (src mac, src ip, src port, dst ip, udp payload)."""
    check(mac_str(frame[0:6]) == herald_mac,
          "eth dst %s, want %s" % (mac_str(frame[0:6]), herald_mac))
    check(frame[12:14] == b"\x08\x00", "ethertype not IPv4")
    ip = frame[14:]
    check(ip[0] == 0x45, "version/IHL byte 0x%02x, want 0x45" % ip[0])
    tot, _, frag, ttl, proto = struct.unpack("!HHHBB", ip[2:10])
    check(tot == len(ip), "IPv4 total length %d vs %d" % (tot, len(ip)))
    check(frag == 0x4000, "flags/fragment 0x%04x, want DF only" % frag)
    check(ttl == 64, "TTL %d" % ttl)
    check(proto == 17, "protocol %d" % proto)
    check(csum_fold(ip[:20]) == 0xffff, "bad IPv4 header checksum")
    udp = ip[20:]
    sport, dport, ulen, ucs = struct.unpack("!HHHH", udp[:8])
    check(ulen == len(udp), "UDP length %d vs %d" % (ulen, len(udp)))
    check(dport == port, "UDP dst port %d" % dport)
    check(ucs != 0, "UDP checksum is 0")
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, ulen)
    check(csum_fold(pseudo + udp) == 0xffff, "bad UDP checksum")
    return frame[6:12], ip[12:16], sport, ip[16:20], udp[8:]


def split_frames(payload):
    """Walk back-to-back HWP frames (only for valid datagrams)."""
    out, off = [], 0
    while off < len(payload):
        magic, ver, typ, flags, rsv, length = struct.unpack(
            "!HBBBBH", payload[off:off + 8])
        check(magic == 0x4852 and ver == 1, "bad header at %d" % off)
        check(length >= 8 and off + length <= len(payload), "bad length")
        out.append((typ, flags, payload[off:off + length]))
        off += length
    return out


def write_pcap(path, pkts):
    """[(timestamp in us, frame bytes)] as a classic pcap (EN10MB)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for ts, frame in pkts:
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000,
                                len(frame), len(frame)))
            f.write(frame)


def ones_complement(data):
    """The checksum field value that makes data sum to 0xffff."""
    return 0xffff - csum_fold(data)


def udp4_fix_checksums(frame):
    """Recompute the IPv4 header and UDP checksums of an Ethernet/IPv4/UDP
    frame (IHL 5) after an edit; a UDP sum of 0 is sent as 0xffff."""
    b = bytearray(frame)
    b[24:26] = b"\0\0"
    b[24:26] = struct.pack("!H", ones_complement(bytes(b[14:34])))
    b[40:42] = b"\0\0"
    pseudo = bytes(b[26:34]) + struct.pack("!BBH", 0, 17, len(b) - 34)
    cs = ones_complement(pseudo + bytes(b[34:]))
    b[40:42] = struct.pack("!H", cs or 0xffff)
    return bytes(b)
