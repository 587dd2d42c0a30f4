"""Ethernet/IPv4/UDP pcaps and HWP/1 frame headers for the Python tests:
pcap reading and writing, header splitting, the slot hash. Independent of
the C code it helps to check.
"""
import ipaddress
import struct
import subprocess

HWP_MAGIC = 0x4852
T_PUBLISH, T_DELIVER, T_PUBACK = 1, 2, 3
T_SUBSCRIBE, T_UNSUBSCRIBE, T_SUBACK, T_HEARTBEAT, T_NACK, T_GAP = (
    4, 5, 6, 7, 8, 9)
F_RETRANSMIT, F_START, F_PASSIVE = 1, 2, 4
DELIVER_LEN, PUBACK_LEN, PUBLISH_LEN, SUBACK_LEN = 40, 32, 32, 40
MAX_PAYLOAD = 1400
NUM_SLOTS = 4096


class PcapError(Exception):
    """A capture that cannot be read."""


def fail(msg):
    raise PcapError(msg)


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



def write_pcap(path, pkts):
    """Write [(timestamp_ns, bytes)] as an Ethernet pcap (microseconds)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, pkt in pkts:
            f.write(struct.pack("<IIII", ts // 10**9, ts % 10**9 // 1000,
                                len(pkt), len(pkt)))
            f.write(pkt)


def hwp_gen_append(hwp_gen, pcap, *args):
    """Append what hwp-gen makes of args (numbers as they are) to pcap."""
    subprocess.run([hwp_gen, "-o", pcap, "--append", "--quiet"] +
                   [str(a) for a in args], check=True)


def slot(channel):
    return fmix64(channel) % NUM_SLOTS
