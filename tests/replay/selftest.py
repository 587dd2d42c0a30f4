#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Prove that run_case.py's checks can fail.

Replays one case (cases/fanout_2 by default) once, checks that the real
output passes, then feeds the judge mutated copies of the output (a payload
byte, a checksum, an epoch, a missing or duplicated DELIVER, reordered
subscribers, a wrong PUBACK, bad counters ...) and requires each one to be
rejected with the expected message. Exit 1 if any mutation slips through.
"""

import argparse
import copy
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_case as rc  # noqa: E402

T_DELIVER, T_PUBACK = rc.T_DELIVER, rc.T_PUBACK


def fix_checksums(pkt):
    """Recompute the IPv4 and UDP checksums after an edit."""
    b = bytearray(pkt)
    b[24:26] = b"\0\0"
    b[24:26] = struct.pack("!H", 0xFFFF - rc.csum_fold(bytes(b[14:34])))
    udp_len = struct.unpack("!H", b[38:40])[0]
    b[40:42] = b"\0\0"
    pseudo = bytes(b[26:34]) + struct.pack("!HH", 17, udp_len)
    s = 0xFFFF - rc.csum_fold(bytes(b[34:34 + udp_len]), rc.csum_fold(pseudo))
    b[40:42] = struct.pack("!H", s or 0xFFFF)
    return bytes(b)


def kind(pkt):
    return pkt[42 + 3] if len(pkt) > 45 else None


def first(pkts, ftype, nth=0):
    idx = [i for i, (_t, p) in enumerate(pkts) if kind(p) == ftype]
    return idx[nth]


def first_long(pkts):
    """A DELIVER carrying at least 24 payload bytes."""
    return next(i for i, (_t, p) in enumerate(pkts)
                if kind(p) == T_DELIVER and len(p) >= 42 + 40 + 24)


def edit(pkts, i, off, data, fix=True):
    out = list(pkts)
    ts, p = out[i]
    p = p[:off] + data + p[off + len(data):]
    out[i] = (ts, fix_checksums(p) if fix else p)
    return out


def same_seq_pair(pkts):
    """Indexes of the two DELIVERs of the first seq that has two."""
    seen = {}
    for i, (_t, p) in enumerate(pkts):
        if kind(p) == T_DELIVER:
            key = p[50:66]
            if key in seen:
                return seen[key], i
            seen[key] = i
    raise SystemExit("selftest: no seq with two DELIVERs in the output")


def dup(pkts, i):
    return pkts[:i + 1] + [pkts[i]] + pkts[i + 1:]


def swap(pkts, i, j):
    out = list(pkts)
    out[i], out[j] = out[j], out[i]
    return out


def consecutive_pair(pkts):
    """Two DELIVERs to the same subscriber with consecutive seqs."""
    first_of = {}
    for i, (_t, p) in enumerate(pkts):
        if kind(p) == T_DELIVER:
            ep = p[30:34] + p[36:38]
            if ep in first_of:
                return first_of[ep], i
            first_of[ep] = i
    raise SystemExit("selftest: no subscriber with two DELIVERs")


D = 42  # HWP frame offset in an output packet

PACKET_MUTATIONS = [
    ("payload byte", "payload",
     lambda p: edit(p, first_long(p), D + 40 + 21, b"\x5a")),
    ("UDP checksum", "bad UDP checksum",
     lambda p: edit(p, first(p, T_DELIVER), 40, b"\x12\x34", fix=False)),
    ("UDP checksum 0", "UDP checksum is 0",
     lambda p: edit(p, first(p, T_DELIVER), 40, b"\0\0", fix=False)),
    ("IP checksum", "bad IPv4 header checksum",
     lambda p: edit(p, first(p, T_PUBACK), 24, b"\0\1", fix=False)),
    ("TTL", "TTL 63", lambda p: edit(p, first(p, T_DELIVER), 22, b"\x3f")),
    ("DF", "expected DF", lambda p: edit(p, 0, 20, b"\0\0")),
    ("Ethernet source", "Ethernet source",
     lambda p: edit(p, 0, 6, b"\x02\0\0\0\0\x01")),
    ("source port", "expected Herald's",
     lambda p: edit(p, 0, 34, b"\x1e\x15")),
    ("frame length", "frame length",
     lambda p: edit(p, first(p, T_DELIVER), D + 6, b"\0\x28")),
    ("START flag on a DELIVER", "DELIVER flags",
     lambda p: edit(p, first(p, T_DELIVER), D + 4, b"\2")),
    # A live DELIVER sent as a RETRANSMIT: its subscriber missed it.
    ("RETRANSMIT flag", "DELIVERs went to",
     lambda p: edit(p, first(p, T_DELIVER), D + 4, b"\1")),
    ("epoch", "epoch", lambda p: edit(p, first(p, T_DELIVER), D + 24,
                                      b"\0\0\0\1")),
    ("timestamp", "timestamp",
     lambda p: edit(p, first(p, T_DELIVER, 2), D + 39, b"\x01")),
    ("publisher", "PUBLISH had",
     lambda p: edit(p, first(p, T_DELIVER, 2), D + 31, b"\x09")),
    ("seq", "sequenced no such message",
     lambda p: edit(p, first(p, T_DELIVER, 2), D + 16, b"\x7f")),
    ("destination MAC", "DELIVERs went to",
     lambda p: edit(p, first(p, T_DELIVER), 5, b"\x77")),
    ("destination port", "DELIVERs went to",
     lambda p: edit(p, first(p, T_DELIVER), 36, b"\x9c\x4f")),
    ("missing DELIVER", "DELIVERs went to",
     lambda p: p[:first(p, T_DELIVER, 5)] + p[first(p, T_DELIVER, 5) + 1:]),
    ("duplicate DELIVER", "DELIVERs went to",
     lambda p: dup(p, first(p, T_DELIVER, 5))),
    ("subscriber order", "insertion order",
     lambda p: swap(p, *same_seq_pair(p))),
    ("seq order", "left after seq",
     lambda p: swap(p, *consecutive_pair(p))),
    ("PUBACK credit", "credit",
     lambda p: edit(p, first(p, T_PUBACK), D + 27, b"\x07")),
    ("PUBACK acked_seq", "acked_seq",
     lambda p: edit(p, first(p, T_PUBACK), D + 23, b"\x01")),
    ("PUBACK MAC", "PUBACK to MAC",
     lambda p: edit(p, first(p, T_PUBACK), 0, b"\x02\x55")),
    ("missing PUBACK", "PUBACKs of publisher",
     lambda p: p[:first(p, T_PUBACK)] + p[first(p, T_PUBACK) + 1:]),
]

JSON_MUTATIONS = [
    ("deliveries counter", "conservation violated",
     lambda j: j["counters"].__setitem__("deliveries",
                                         j["counters"]["deliveries"] + 1)),
    ("frame outcome", "conservation violated",
     lambda j: j["frames"].__setitem__("publish_ahead", 1)),
    ("mempool leak", "leaked",
     lambda j: j["mempools"][1].__setitem__("in_use_end", 3)),
    ("port opackets", "opackets",
     lambda j: j["ports"][0].__setitem__("opackets", 1)),
    ("invalid reason", "conservation violated",
     lambda j: j["invalid"].__setitem__("bad_magic", 1)),
]


def expect_failure(name, want, fn):
    try:
        fn()
    except rc.CaseFailure as e:
        if want not in str(e):
            print(f"selftest: {name}: rejected, but with '{e}' (expected "
                  f"a message containing '{want}')")
            return False
        return True
    print(f"selftest: {name}: the mutation was NOT detected")
    return False


def judge_with(expect, res, ctx, pkts, work):
    path = os.path.join(work, "mutated.pcap")
    rc.write_pcap(path, pkts)
    mres = dict(res, out=path, outs=[path])
    rc.judge(expect, mres, ctx)


def json_check(res, mutate):
    j = copy.deepcopy(res["json"])
    mutate(j)
    rc.check_conservation(j)
    rc.check_ports(j)


def other_checks():
    """Checks that do not read output packets."""
    stats = {5: {"counters.rx_packets": 3}}
    cases = [
        ("early pause", "'pause at 5' returned",
         lambda: rc.check_pause_points(stats, [5])),
        ("per-packet reason", "input packet 0",
         lambda: rc.check_per_packet({1: {"invalid.bad_magic": 1}},
                                     {0: "invalid.bad_type"}, 1)),
        ("unmapped kind", "no mapping",
         lambda: rc.malformed_index([([], {"packets": [
             {"index": 0, "kind": "vlan_tagged", "reason": "x",
              "hwp": False}]})])),
        ("runs differ", "differs from run 0",
         lambda: rc.compare_runs([[(0, b"ab")], [(1, b"ac")]])),
        ("expected counter", "expected 1",
         lambda: rc.compare_counters("x", {"counters.a": 1},
                                     {"counters.a": 2})),
    ]
    return all(expect_failure(n, w, f) for n, w, f in cases)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--herald", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--case", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    args.timeout = 60
    case_dir = os.path.abspath(args.case)
    work = os.path.abspath(args.workdir)
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(case_dir, "expect.json")) as f:
        expect = rc.json.load(f)
    try:
        ctx = rc.prepare(args, case_dir, work, expect)
        args.n_packets = len(ctx["inputs"])
        args.n_queues = 1
        res = rc.run_one(args, case_dir, work, expect, "selftest",
                         ctx["cmd_file"])
        pkts = rc.judge(expect, res, ctx)
    except rc.CaseFailure as e:
        print(f"selftest: the unmutated case fails: {e}")
        return 1
    ok = True
    for name, want, mutate in PACKET_MUTATIONS:
        ok &= expect_failure(name, want, lambda: judge_with(
            expect, res, ctx, mutate(pkts), work))
    for name, want, mutate in JSON_MUTATIONS:
        ok &= expect_failure(name, want, lambda: json_check(res, mutate))
    ok &= other_checks()
    n = len(PACKET_MUTATIONS) + len(JSON_MUTATIONS) + 5
    print(f"selftest: {'OK' if ok else 'FAIL'}: {n} mutations")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
