"""The Internet checksum (RFC 1071) for the Python tests: one reference,
independent of the C code it checks.

  csum_fold(data, start=0): one's-complement sum of data as big-endian
  16-bit words (an odd last byte padded with zero), added to start and
  folded to 16 bits, not complemented. A header or datagram whose
  checksum is right sums to 0xffff.
"""
import struct


def csum_fold(data, start=0):
    if len(data) % 2:
        data += b"\0"
    s = start + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s
