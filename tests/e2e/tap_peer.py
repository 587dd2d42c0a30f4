#!/usr/bin/python3
"""Raw-Ethernet HWP/1 peer for the net_tap end-to-end test.

Run inside the test's network namespace, on the kernel side of herald's
net_tap interface (standard library only):

  tap_peer.py IFACE HERALD_MAC HERALD_IP PLAN.json

Sends the PUBLISH datagrams of PLAN as raw Ethernet frames (valid IPv4 and
UDP checksums), captures what herald sends back on IFACE, and checks every
byte that matters: each subscriber gets each message once, seqs 1..N in
order, payload identical, destination MAC/IP/port right, IPv4 header
checksum valid, UDP checksum valid and not 0; PUBACKs likewise valid.
Herald fills DELIVER checksums through the port's TX checksum offload
here (net_tap computes them from herald's offload flags and pseudo-header
sum), so a wrong flag, length or pseudo-header shows as a bad checksum.

PLAN: {"peer_mac", "peer_ip", "peer_port", "count", "payload_size",
       "channels": [{"channel", "publisher",
                     "subscribers": [[id, ip, port, mac], ...]}]}
Exit code 0 when every check holds; otherwise each failure is printed.
"""
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from inet_csum import csum_fold  # noqa: E402

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
MAGIC, VERSION = 0x4852, 1
T_PUBLISH, T_DELIVER, T_PUBACK = 1, 2, 3
F_START = 0x02
HWP_PORT = 7700
CAPTURE_TIMEOUT_S = 10.0


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def ip_bytes(ip):
    return socket.inet_aton(ip)


def udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload):
    udp_len = 8 + len(payload)
    ip_hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0x4000,
                         64, 17, 0, ip_bytes(src_ip), ip_bytes(dst_ip))
    ip_hdr = ip_hdr[:10] + struct.pack("!H", 0xffff - csum_fold(ip_hdr)) + \
        ip_hdr[12:]
    pseudo = ip_bytes(src_ip) + ip_bytes(dst_ip) + struct.pack(
        "!BBH", 0, 17, udp_len)
    udp_hdr = struct.pack("!HHHH", sport, dport, udp_len, 0)
    ck = 0xffff - csum_fold(pseudo + udp_hdr + payload)
    udp_hdr = udp_hdr[:6] + struct.pack("!H", ck or 0xffff)
    return (mac_bytes(dst_mac) + mac_bytes(src_mac) +
            struct.pack("!H", ETH_P_IP) + ip_hdr + udp_hdr + payload)


def publish_frame(channel, publisher, pub_seq, payload, start):
    hdr = struct.pack("!HBBBBH", MAGIC, VERSION, T_PUBLISH,
                      F_START if start else 0, 0, 32 + len(payload))
    return hdr + struct.pack("!QIIQ", channel, publisher, 0, pub_seq) + \
        payload


def payload_of(channel, seq, size):
    stem = b"tap-%d-%06d-" % (channel, seq)
    return (stem * (size // len(stem) + 1))[:size]


def check_l3l4(frame, errs, what):
    """IPv4 header checksum, UDP length and checksum of one frame."""
    ip = frame[14:34]
    if ip[0] != 0x45 or ip[8] != 64 or ip[9] != 17:
        errs.append("%s: IPv4 header %s" % (what, ip.hex()))
        return None
    if csum_fold(ip) != 0xffff:
        errs.append("%s: bad IPv4 header checksum" % what)
    total = struct.unpack("!H", ip[2:4])[0]
    udp = frame[34:14 + total]
    sport, dport, ulen, uck = struct.unpack("!HHHH", udp[:8])
    if ulen != len(udp):
        errs.append("%s: UDP length %d for %d bytes" % (what, ulen, len(udp)))
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, ulen)
    if uck == 0:
        errs.append("%s: UDP checksum 0" % what)
    elif csum_fold(pseudo + udp) != 0xffff:
        errs.append("%s: bad UDP checksum %#06x" % (what, uck))
    return socket.inet_ntoa(ip[16:20]), dport, udp[8:]


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    iface, herald_mac, herald_ip, plan_path = argv[1:]
    plan = json.load(open(plan_path))
    count, size = plan["count"], plan["payload_size"]

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    # Herald answers a burst faster than this script reads: room for all.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((iface, 0))
    s.settimeout(0.2)
    for ch in plan["channels"]:
        for seq in range(1, count + 1):
            hwp = publish_frame(ch["channel"], ch["publisher"], seq,
                                payload_of(ch["channel"], seq, size),
                                seq == 1)
            s.send(udp_frame(plan["peer_mac"], herald_mac, plan["peer_ip"],
                             herald_ip, plan["peer_port"], HWP_PORT, hwp))

    want = sum(count * len(ch["subscribers"]) for ch in plan["channels"])
    got, acks, errs = {}, 0, []
    seen = delivered = 0  # frames from herald, DELIVERs among them
    by_channel = {ch["channel"]: ch for ch in plan["channels"]}
    deadline = time.monotonic() + CAPTURE_TIMEOUT_S
    while delivered < want and time.monotonic() < deadline:
        try:
            frame, addr = s.recvfrom(4096)
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING or len(frame) < 42 or \
                struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
            continue
        if frame[6:12] != mac_bytes(herald_mac):
            continue
        res = check_l3l4(frame, errs, "frame %d" % seen)
        seen += 1
        if res is None:
            continue
        dst_ip, dport, body = res
        typ = body[3]
        if typ == T_PUBACK:
            acks += 1
            if frame[:6] != mac_bytes(plan["peer_mac"]) or \
                    dst_ip != plan["peer_ip"] or dport != plan["peer_port"]:
                errs.append("PUBACK to %s %s:%d" % (frame[:6].hex(), dst_ip,
                                                    dport))
            continue
        if typ != T_DELIVER:
            errs.append("unexpected frame type %d" % typ)
            continue
        channel, seq, _epoch, publisher, _ts = struct.unpack_from(
            "!QQIIQ", body, 8)
        ch = by_channel.get(channel)
        if ch is None:
            errs.append("DELIVER for unknown channel %d" % channel)
            continue
        sub = [m for m in ch["subscribers"]
               if m[1] == dst_ip and m[2] == dport]
        if len(sub) != 1 or frame[:6] != mac_bytes(sub[0][3]):
            errs.append("DELIVER ch %d seq %d to %s %s:%d: no such "
                        "subscriber" % (channel, seq, frame[:6].hex(),
                                        dst_ip, dport))
            continue
        if publisher != ch["publisher"] or \
                body[40:] != payload_of(channel, seq, size):
            errs.append("DELIVER ch %d seq %d: wrong publisher or payload"
                        % (channel, seq))
        got.setdefault((channel, sub[0][0]), []).append(seq)
        delivered += 1

    for ch in plan["channels"]:
        for m in ch["subscribers"]:
            seqs = got.get((ch["channel"], m[0]), [])
            if seqs != list(range(1, count + 1)):
                missing = sorted(set(range(1, count + 1)) - set(seqs))
                errs.append("channel %d subscriber %d got %d DELIVERs, "
                            "expected seqs 1..%d once each in order; "
                            "missing %s" % (ch["channel"], m[0], len(seqs),
                                            count, missing[:20]))
    if acks == 0:
        errs.append("no PUBACK")
    for e in errs[:30]:
        print("tap_peer: " + e)
    if errs:
        return 1
    print("tap_peer: %d DELIVERs and %d PUBACKs, every checksum valid"
          % (want, acks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
