#!/usr/bin/python3
"""Minimal HWP/1 peer for end-to-end tests (standard library only).

  hwp_peer.py publish DST PORT CHANNEL COUNT   PUBLISH frames, first with START
  hwp_peer.py junk DST PORT COUNT              datagrams with a bad magic
  hwp_peer.py udp DST PORT                     one plain UDP datagram
  hwp_peer.py listen ADDR PORT COUNT TIMEOUT   receive COUNT DELIVERs, check them
  hwp_peer.py listen-udp ADDR PORT TIMEOUT     receive one datagram
Exit code 0 on success; failures print why.
"""
import socket
import struct
import sys

MAGIC, VERSION = 0x4852, 1
T_PUBLISH, T_DELIVER = 1, 2
F_START = 0x02


def publish_frame(channel, publisher, pub_seq, payload, start):
    flags = F_START if start else 0
    hdr = struct.pack("!HBBBBH", MAGIC, VERSION, T_PUBLISH, flags, 0,
                      32 + len(payload))
    return hdr + struct.pack("!QIIQ", channel, publisher, 0, pub_seq) + payload


def publish(dst, port, channel, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for seq in range(1, count + 1):
        payload = b"e2e-%06d" % seq
        s.sendto(publish_frame(channel, 77, seq, payload, seq == 1),
                 (dst, port))
    return 0


def junk(dst, port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    frame = bytearray(publish_frame(1, 77, 1, b"x", True))
    frame[0] = 0x00  # bad magic
    for _ in range(count):
        s.sendto(bytes(frame), (dst, port))
    return 0


def udp(dst, port):
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hello",
                                                             (dst, port))
    return 0


def listen(addr, port, count, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.settimeout(timeout)
    seqs = []
    try:
        while len(seqs) < count:
            data, _ = s.recvfrom(2048)
            magic, ver, typ, _fl, _rs, length = struct.unpack_from("!HBBBBH",
                                                                  data)
            if (magic, ver, typ) != (MAGIC, VERSION, T_DELIVER):
                print("not a DELIVER:", data[:8].hex())
                return 1
            if length != len(data):
                print("length %d != datagram %d" % (length, len(data)))
                return 1
            _ch, seq = struct.unpack_from("!QQ", data, 8)
            if data[40:] != b"e2e-%06d" % len(seqs + [seq]):
                print("payload mismatch at seq", seq, data[40:])
                return 1
            seqs.append(seq)
    except socket.timeout:
        print("timeout: got %d of %d DELIVERs" % (len(seqs), count))
        return 1
    if seqs != list(range(1, count + 1)):
        print("seqs out of order:", seqs)
        return 1
    print("received %d DELIVERs, seq 1..%d" % (count, count))
    return 0


def listen_udp(addr, port, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.settimeout(timeout)
    try:
        data, src = s.recvfrom(2048)
    except socket.timeout:
        print("timeout: no datagram on port", port)
        return 1
    print("kernel socket got %r from %s" % (data, src[0]))
    return 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "publish":
        return publish(args[0], int(args[1]), int(args[2]), int(args[3]))
    if cmd == "junk":
        return junk(args[0], int(args[1]), int(args[2]))
    if cmd == "udp":
        return udp(args[0], int(args[1]))
    if cmd == "listen":
        return listen(args[0], int(args[1]), int(args[2]), float(args[3]))
    if cmd == "listen-udp":
        return listen_udp(args[0], int(args[1]), float(args[2]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
