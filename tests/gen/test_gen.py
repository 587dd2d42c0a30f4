#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Tests of tools/hwp-gen (meson suite 'gen').

Each --case is one meson test. The pcap files are parsed here with
struct only (standard library, gen_pcap.py), and every HWP datagram is
also judged by gen-check, which runs the real codec (hwp_parse, direction
to-herald) and hwp_token_verify, and says whether Herald could answer its
source. Header checks, checksums, payload bytes and the publisher-session
model are recomputed here independently of hwp-gen; gen_faults.py judges
the malformed kinds.
"""

import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

from gen_faults import (NON_HWP_REASONS, REV2_KINDS, SOURCE_KINDS,
                        check_faults, check_repaired, hwp_error_strings)
from gen_pcap import (F_PASSIVE, F_START, HERALD_MAC, T_PUBLISH,
                      T_UNSUBSCRIBE, Failure, check, ip_str, mac_str,
                      parse_udp4, read_pcap, split_frames)

M64 = (1 << 64) - 1
DEFAULT_KEY = bytes(range(32)).hex()
START_US = 1700000000 * 1000000


class Env:
    def __init__(self, args, tmp):
        self.gen = args.gen
        self.checker = args.check
        self.options_src = args.options_src
        self.hwp_header = args.hwp_header
        self.tmp = tmp
        self.n = 0

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run(self, *flags, expect_rc=0):
        """Run hwp-gen; return (rc, stdout, stderr)."""
        p = subprocess.run([self.gen, "--quiet"] + [str(f) for f in flags],
                           capture_output=True, text=True, timeout=60)
        if expect_rc is not None and p.returncode != expect_rc:
            raise Failure("hwp-gen %s: exit %d (expected %d): %s" %
                          (" ".join(map(str, flags)), p.returncode,
                           expect_rc, p.stderr.strip()))
        return p.returncode, p.stdout, p.stderr

    def gen_file(self, *flags, manifest=True):
        """Generate into fresh files; return (pcap path, manifest dict)."""
        self.n += 1
        out = self.path("g%d.pcap" % self.n)
        man = self.path("g%d.json" % self.n)
        extra = ["--manifest", man] if manifest else []
        self.run("-o", out, *flags, *extra)
        m = None
        if manifest:
            with open(man) as f:
                m = json.load(f)
        return out, m

    def codec(self, pcap, key=None, port=None, herald_ip=None):
        cmd = [self.checker]
        if key is not None:
            cmd += ["--key", key]
        if port is not None:
            cmd += ["--port", str(port)]
        if herald_ip is not None:
            cmd += ["--herald-ip", herald_ip]
        p = subprocess.run(cmd + [pcap], capture_output=True, text=True,
                           timeout=60)
        check(p.returncode == 0, "gen-check failed: %s" % p.stderr)
        return [json.loads(line) for line in p.stdout.splitlines()]


# Independent model of hwp-gen's documented payload.

def fmix64(k):
    k ^= k >> 33
    k = (k * 0xff51afd7ed558ccd) & M64
    k ^= k >> 33
    k = (k * 0xc4ceb9fe1a85ec53) & M64
    k ^= k >> 33
    return k


def expected_payload(seed, channel, publisher, pub_seq, n):
    out = bytearray(struct.pack("!QIQQ", channel, publisher, pub_seq, seed))
    s = fmix64(fmix64(fmix64(seed ^ channel) ^ publisher) ^ pub_seq)
    while len(out) < n:
        s = (s + 0x9e3779b97f4a7c15) & M64
        z = s
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
        z ^= z >> 31
        out += struct.pack("!Q", z)
    return bytes(out[:n])


def all_ok(env, pcap, key=None, port=None, types=None, herald_ip=None):
    """Every packet parses OK with the codec, comes from a source Herald
    can answer (revision 2) and its checksums verify."""
    res = env.codec(pcap, key=key, port=port, herald_ip=herald_ip)
    for r in res:
        check(r["class"] == "hwp", "packet %d class %s" % (r["index"],
                                                           r["class"]))
        check(r["reason"] == "ok", "packet %d: codec says %s" %
              (r["index"], r["reason"]))
        check(r["source"] == "ok", "packet %d: source %s" %
              (r["index"], r["source"]))
        check(r["ip_csum_ok"] and r["udp_csum_ok"] and
              not r["udp_csum_zero"], "packet %d checksums" % r["index"])
        check(r["ihl"] == 5 and r["ttl"] == 64 and r["df"],
              "packet %d IPv4 header" % r["index"])
        if types is not None:
            check(set(r["types"]) <= types, "packet %d types %s" %
                  (r["index"], r["types"]))
    return res


# Cases.

def case_determinism(env):
    variants = [
        ["--mode", "publish", "--publishers", "3", "--channels", "5",
         "--channel-pattern", "random", "--payload-min", "0",
         "--payload-max", "300", "--batch", "3", "--messages", "200",
         "--duplicate-every", "7", "--skip-every", "11"],
        ["--mode", "publish", "--messages", "20"],  # all defaults
        ["--mode", "subscribe", "--subscribers", "3", "--channels", "2",
         "--bad-token"],
        ["--mode", "subscribe", "--subscribers", "2"],
        ["--mode", "heartbeat", "--subscribers", "4"],
        ["--mode", "nack", "--subscribers", "2", "--count", "5"],
        ["--mode", "malformed", "--repeat", "2"],
        ["--mode", "mix", "--messages", "100", "--malformed-ratio", "0.3"],
    ]
    for v in variants:
        out = env.path("det.pcap")
        man = env.path("det.json")
        blobs = []
        for seed in ("42", "42", "43"):
            env.run("-o", out, "--manifest", man, "--seed", seed, *v)
            with open(out, "rb") as f, open(man, "rb") as g:
                blobs.append((f.read(), g.read()))
        check(blobs[0] == blobs[1], "same seed, different output: %s" % v)
        check(blobs[0][0] != blobs[2][0], "different seed, same pcap: %s" % v)


def publish_model(env, pcap, man, seed, first_pub_seq=1, no_start=False,
                  pub_ip=(198, 18, 1, 1), id_base=1, payload=(None, None),
                  herald_mac=HERALD_MAC, port=7700):
    """Recompute the publish manifest from the capture alone."""
    pkts = read_pcap(pcap)
    seen = set()
    chans, pubs = {}, {}
    frames = dups = 0
    for ts, frame in pkts:
        smac, sip, sport, _, pl = parse_udp4(frame, herald_mac, port)
        sender = None
        for typ, flags, f in split_frames(pl):
            check(typ == T_PUBLISH, "non-PUBLISH frame in publish mode")
            ch, pub, rsv, seq = struct.unpack("!QIIQ", f[8:32])
            body = f[32:]
            frames += 1
            check(sender in (None, pub), "two publishers in one datagram")
            sender = pub
            idx = pub - id_base
            want_ip = bytes(pub_ip[:3]) + bytes([pub_ip[3] + idx])
            check(sip == want_ip, "publisher %d from %s" % (pub,
                                                             ip_str(sip)))
            check(body == expected_payload(seed, ch, pub, seq, len(body)),
                  "payload of publisher %d pub_seq %d differs" % (pub, seq))
            if payload[0] is not None:
                check(payload[0] <= len(body) <= payload[1],
                      "payload size %d" % len(body))
            # --no-start continues a session at first_pub_seq - 1; none
            # is at 0, so from pub_seq 1 the session is unknown.
            known = no_start and first_pub_seq > 1
            p = pubs.setdefault(pub, {"last": 0, "acc": first_pub_seq - 1
                                      if known else 0, "n": 0,
                                      "first": True, "known": known})
            if (pub, seq) in seen:
                dups += 1
                check(not flags & F_START, "duplicate carries START")
                continue
            seen.add((pub, seq))
            start = bool(flags & F_START)
            check(start == (p["first"] and not no_start),
                  "START flag wrong on pub %d seq %d" % (pub, seq))
            if p["first"]:
                check(seq == first_pub_seq, "first pub_seq %d" % seq)
            else:
                check(seq > p["last"], "pub_seq went backwards")
            p["first"] = False
            p["last"] = seq
            p["n"] += 1
            c = chans.setdefault(ch, [0, 0])
            c[0] += 1
            # Revision 2: START opens only an unknown session; a known
            # one takes the next pub_seq in order, START or not.
            if (start and not p["known"]) or (p["known"] and
                                              seq == p["acc"] + 1):
                p["known"] = True
                p["acc"] = seq
                c[1] += 1
    check(man["datagrams"] == len(pkts) == man["packet_count"],
          "datagram count")
    check(man["frames"] == frames, "frame count %d vs %d" %
          (man["frames"], frames))
    check(man["duplicates"] == dups, "duplicates %d vs %d" %
          (man["duplicates"], dups))
    check(man["messages"] == frames - dups, "messages")
    for c in man["channels"]:
        got = chans.get(c["channel"], [0, 0])
        check([c["messages"], c["expected_accepted"]] == got,
              "channel %d: manifest %s, capture %s" %
              (c["channel"], [c["messages"], c["expected_accepted"]], got))
    check(sum(c["messages"] for c in man["channels"]) == frames - dups,
          "channel totals")
    for p in man["publishers"]:
        got = pubs.get(p["id"])
        if got is None:
            check(p["messages"] == 0, "publisher %d missing" % p["id"])
            continue
        check(p["last_pub_seq"] == got["last"], "last_pub_seq of %d" %
              p["id"])
        check(p["messages"] == got["n"], "messages of %d" % p["id"])
        check(p["expected_acked_seq"] == got["acc"],
              "expected_acked_seq of %d: %d vs %d" %
              (p["id"], p["expected_acked_seq"], got["acc"]))
    for i, (ts, _) in enumerate(pkts):
        check(ts == man_first_us(man) + i * man["interval_us"],
              "timestamp of packet %d" % i)
    return pkts, chans, pubs


def man_first_us(man):
    s, us = man["first_time"].split(".")
    return int(s) * 1000000 + int(us)


def case_publish(env):
    pcap, man = env.gen_file("--mode", "publish", "--seed", "7",
                             "--publishers", "3", "--channel-list",
                             "1,2,5,1000-1002", "--messages", "300",
                             "--batch", "4", "--channel-pattern", "random",
                             "--payload-min", "0", "--payload-max", "400")
    all_ok(env, pcap, types={"publish"})
    pkts, chans, pubs = publish_model(env, pcap, man, 7, payload=(0, 400))
    check(man["messages"] == 300, "messages")
    check(set(chans) <= {1, 2, 5, 1000, 1001, 1002}, "channel outside list")
    check(len(chans) == 6, "random pattern missed a channel")
    check(max(len(split_frames(parse_udp4(f)[4])) for _, f in pkts) > 1,
          "no multi-frame datagram with --batch 4")
    check(all(len(f) - 14 <= 1500 for _, f in pkts), "datagram over MTU")
    check(man_first_us(man) == START_US, "default start time")
    # Round-robin, fixed size, batch 1: exact structure.
    pcap, man = env.gen_file("--mode", "publish", "--channels", "3",
                             "--publishers", "2", "--messages", "9",
                             "--payload-size", "5", "--first-pub-seq",
                             "100")
    all_ok(env, pcap)
    pkts, chans, pubs = publish_model(env, pcap, man, 1, first_pub_seq=100)
    order = []
    for _, f in pkts:
        for typ, flags, fr in split_frames(parse_udp4(f)[4]):
            ch, pub, _, seq = struct.unpack("!QIIQ", fr[8:32])
            order.append((ch, pub, seq, len(fr) - 32))
    want = [((i % 3) + 1, (i % 2) + 1, 100 + i // 2, 5) for i in range(9)]
    check(order == want, "rr order %s, want %s" % (order, want))
    check({c: v[0] for c, v in chans.items()} == {1: 3, 2: 3, 3: 3},
          "rr channel counts")


def case_publish_anomalies(env):
    pcap, man = env.gen_file("--mode", "publish", "--seed", "3",
                             "--publishers", "2", "--channels", "4",
                             "--messages", "60", "--batch", "3",
                             "--duplicate-every", "5", "--skip-every", "13",
                             "--publisher-id-base", "500")
    all_ok(env, pcap)
    publish_model(env, pcap, man, 3, id_base=500)
    check(man["duplicates"] == 12, "duplicates %d" % man["duplicates"])
    check(man["skipped"] == 4, "skipped %d" % man["skipped"])
    ids = sorted(p["id"] for p in man["publishers"])
    check(ids == [500, 501], "publisher ids %s" % ids)
    acc = sum(c["expected_accepted"] for c in man["channels"])
    check(acc < 60, "gaps must make Herald drop frames (%d)" % acc)
    # A duplicate too large to share its original's datagram follows
    # alone, from the same publisher.
    pcap, man = env.gen_file("--mode", "publish", "--payload-size", "1400",
                             "--publishers", "2", "--messages", "6",
                             "--duplicate-every", "2")
    all_ok(env, pcap)
    pkts, _, _ = publish_model(env, pcap, man, 1)
    check(man["duplicates"] == 3 and len(pkts) == 9, "big duplicates")
    # --no-start continues an existing session.
    pcap, man = env.gen_file("--mode", "publish", "--no-start",
                             "--first-pub-seq", "41", "--messages", "10")
    all_ok(env, pcap)
    publish_model(env, pcap, man, 1, first_pub_seq=41, no_start=True)
    check(man["publishers"][0]["expected_acked_seq"] == 50, "no-start acked")
    # From pub_seq 1 without START there is no session to continue:
    # Herald drops every frame and acknowledges 0.
    pcap, man = env.gen_file("--mode", "publish", "--no-start",
                             "--messages", "10")
    all_ok(env, pcap)
    publish_model(env, pcap, man, 1, no_start=True)
    check(man["publishers"][0]["expected_acked_seq"] == 0 and
          man["channels"][0]["expected_accepted"] == 0,
          "no-start from pub_seq 1 accepted frames")


def case_overrides(env):
    pcap, man = env.gen_file("--mode", "publish", "--messages", "4",
                             "--dst-mac", "0a:0b:0c:0d:0e:0f", "--dst-ip",
                             "10.1.2.3", "--dst-port", "9999", "--pub-ip",
                             "10.9.0.7", "--pub-mac", "02:aa:00:00:00:fe",
                             "--pub-port", "1234", "--publishers", "2",
                             "--start-time", "1234.5", "--interval-us",
                             "1000", "--mtu", "576", "--payload-size",
                             "500", "--batch", "8")
    all_ok(env, pcap, port=9999, herald_ip="10.1.2.3")
    pkts = read_pcap(pcap)
    for i, (ts, f) in enumerate(pkts):
        smac, sip, sport, dip, pl = parse_udp4(f, "0a:0b:0c:0d:0e:0f", 9999)
        check(ts == 1234500000 + 1000 * i, "timestamp %d" % ts)
        check(ip_str(dip) == "10.1.2.3", "dst ip")
        check(ip_str(sip) == "10.9.0.%d" % (7 + i % 2), "src ip")
        check(mac_str(smac) == "02:aa:00:00:00:%s" %
              ("fe" if i % 2 == 0 else "ff"), "src mac %s" % mac_str(smac))
        check(sport == 1234, "src port")
        # 532-byte frames: --mtu 576 leaves room for one per datagram.
        check(len(split_frames(pl)) == 1, "mtu not honoured")
    check(man["herald_port"] == 9999 and man["herald_ip"] == "10.1.2.3",
          "manifest addresses")
    # MAC increments carry into the next byte.
    pcap, _ = env.gen_file("--mode", "heartbeat", "--subscribers", "2",
                           "--sub-mac", "02:00:00:00:00:ff")
    macs = [mac_str(f[6:12]) for _, f in read_pcap(pcap)]
    check(macs == ["02:00:00:00:00:ff", "02:00:00:00:01:00"], macs)


def sub_frames(pkts, key_check_res=None):
    out = []
    for _, f in pkts:
        smac, sip, sport, _, pl = parse_udp4(f)
        for typ, flags, fr in split_frames(pl):
            ch, sub, rsv, from_seq, exp = struct.unpack("!QIIQQ", fr[8:40])
            out.append((typ, ip_str(sip), sport, ch, sub, from_seq, exp,
                        fr[40:72]))
    return out


def case_subscribe(env):
    key = "ab" * 20
    pcap, man = env.gen_file("--mode", "subscribe", "--subscribers", "3",
                             "--channels", "4", "--batch", "3",
                             "--from-seq", "5", "--key", key,
                             "--subscriber-id-base", "70")
    res = all_ok(env, pcap, key=key, types={"subscribe"})
    check(sum(r["tokens_valid"] for r in res) == 12, "valid tokens")
    check(sum(r["tokens_invalid"] for r in res) == 0, "invalid tokens")
    # With another key, no token verifies: the check can fail.
    res = env.codec(pcap)
    check(sum(r["tokens_valid"] for r in res) == 0, "tokens ignore the key")
    fr = sub_frames(read_pcap(pcap))
    check(len(fr) == 12, "frame count")
    check(len(read_pcap(pcap)) == 6, "batch 3 of 4 frames: 2 datagrams")
    got = sorted((f[4], f[3]) for f in fr)
    check(got == sorted((s, c) for s in (70, 71, 72) for c in (1, 2, 3, 4)),
          "subscriber/channel pairs")
    for typ, ip, port, ch, sub, from_seq, exp, tok in fr:
        check(ip == "198.18.2.%d" % (sub - 69) and port == 40000,
              "subscriber %d endpoint %s:%d" % (sub, ip, port))
        check(from_seq == 5 and exp == 4102444800, "from_seq/expires")
    subs = man["subscriptions"]
    check(len(subs) == 12 and all(s["expect"] == "ok" for s in subs),
          "manifest subscriptions")
    check({(s["subscriber"], s["channel"], s["addr"], s["port"])
           for s in subs} == {(f[4], f[3], f[1], f[2]) for f in fr},
          "manifest endpoints")


def case_subscribe_variants(env):
    pcap, man = env.gen_file("--mode", "subscribe", "--subscribers", "2",
                             "--channels", "2", "--bad-token")
    res = all_ok(env, pcap)
    check(sum(r["tokens_invalid"] for r in res) == 4 and
          sum(r["tokens_valid"] for r in res) == 0, "--bad-token")
    check(all(s["expect"] == "bad_token" for s in man["subscriptions"]),
          "bad_token expectation")
    pcap, man = env.gen_file("--mode", "subscribe", "--expired")
    res = all_ok(env, pcap)
    check(sum(r["tokens_valid"] for r in res) == 1, "--expired token valid")
    fr = sub_frames(read_pcap(pcap))
    check(fr[0][6] < 1700000000, "expired expires %d" % fr[0][6])
    check(man["subscriptions"][0]["expect"] == "expired", "expectation")
    pcap, man = env.gen_file("--mode", "subscribe", "--expires", "1900000000")
    check(sub_frames(read_pcap(pcap))[0][6] == 1900000000, "--expires")
    pcap, man = env.gen_file("--mode", "unsubscribe", "--subscribers", "2",
                             "--channel-list", "9,8", "--rounds", "2")
    res = all_ok(env, pcap, types={"unsubscribe"})
    check(sum(r["tokens_valid"] for r in res) == 8, "unsubscribe tokens")
    fr = sub_frames(read_pcap(pcap))
    check(all(f[0] == T_UNSUBSCRIBE and f[5] == 0 for f in fr),
          "UNSUBSCRIBE carries from_seq 0")
    check(all(s["passive"] is False for s in man["subscriptions"]),
          "unsubscribe manifest passive")
    check(not any(flags for flags in frame_flags(pcap)),
          "UNSUBSCRIBE with flags")
    # --passive: PASSIVE on every SUBSCRIBE, nothing else changed.
    plain, pman = env.gen_file("--mode", "subscribe", "--subscribers", "2",
                               "--channels", "3", "--batch", "2",
                               "--from-seq", "7")
    pcap, man = env.gen_file("--mode", "subscribe", "--subscribers", "2",
                             "--channels", "3", "--batch", "2",
                             "--from-seq", "7", "--passive")
    res = all_ok(env, pcap, types={"subscribe"})
    check(sum(r["tokens_valid"] for r in res) == 6, "passive tokens")
    check(frame_flags(pcap) == [F_PASSIVE] * 6, "PASSIVE flags %s" %
          frame_flags(pcap))
    check(not any(frame_flags(plain)), "SUBSCRIBE without --passive has "
          "flags")
    check(all(s["passive"] is True for s in man["subscriptions"]) and
          all(s["passive"] is False for s in pman["subscriptions"]),
          "manifest passive")
    clear = [(t, f) for t, f in read_pcap(plain)]
    for (_, a), (_, b) in zip(read_pcap(pcap), clear):
        a = bytearray(a)
        for off in frame_offsets(a):
            a[off + 4] &= ~F_PASSIVE & 0xff
        check(a[42:] == b[42:], "--passive changed more than the flags")


def frame_offsets(frame):
    """UDP payload offsets of the frames of a valid datagram."""
    out, off = [], 42
    while off < len(frame):
        out.append(off)
        off += struct.unpack("!H", frame[off + 6:off + 8])[0]
    return out


def frame_flags(pcap):
    """The flags byte of every frame of a capture of valid datagrams."""
    return [flags for _, f in read_pcap(pcap)
            for _, flags, _ in split_frames(parse_udp4(f)[4])]


def case_heartbeat_nack(env):
    pcap, man = env.gen_file("--mode", "heartbeat", "--subscribers", "3",
                             "--rounds", "2")
    res = all_ok(env, pcap, types={"heartbeat"})
    check(len(res) == 6, "heartbeat count")
    for _, f in read_pcap(pcap):
        (typ, flags, fr), = split_frames(parse_udp4(f)[4])
        ch, seq, sub, epoch = struct.unpack("!QQII", fr[8:32])
        check(ch == 0 and seq == 0 and epoch == 0 and sub >= 1 and
              flags == 0, "keep-alive fields")
    check([s["frames"] for s in man["subscribers"]] == [2, 2, 2],
          "manifest frames")
    pcap, man = env.gen_file("--mode", "heartbeat", "--hb-channels",
                             "--channels", "3", "--batch", "3")
    all_ok(env, pcap)
    (_, f), = read_pcap(pcap)
    hbs = [struct.unpack("!QQII", fr[8:32]) + (flags,)
           for _, flags, fr in split_frames(parse_udp4(f)[4])]
    check([h[0] for h in hbs] == [1, 2, 3], "per-channel heartbeats %s" %
          hbs)
    # Revision 2: a subscriber's HEARTBEAT has seq 0 and epoch 0.
    check(all(h[1] == 0 and h[3] == 0 and h[4] == 0 for h in hbs),
          "channel heartbeat seq/epoch/flags %s" % hbs)
    pcap, man = env.gen_file("--mode", "nack", "--subscribers", "2",
                             "--channels", "2", "--from-seq", "17",
                             "--count", "1024")
    res = all_ok(env, pcap, types={"nack"})
    check(len(res) == 4 and man["frames"] == 4, "nack count")
    for _, f in read_pcap(pcap):
        (typ, flags, fr), = split_frames(parse_udp4(f)[4])
        ch, from_seq, count, sub = struct.unpack("!QQII", fr[8:32])
        check(from_seq == 17 and count == 1024 and ch in (1, 2) and
              flags == 0, "nack fields")
    pcap, man = env.gen_file("--mode", "nack")
    (_, f), = read_pcap(pcap)
    fr = split_frames(parse_udp4(f)[4])[0][2]
    check(struct.unpack("!QI", fr[16:28]) == (1, 1), "nack defaults")


def case_malformed(env):
    """Every kind yields exactly its manifest reason (gen_faults.py)."""
    pcap, man = env.gen_file("--mode", "malformed", "--repeat", "2",
                             "--seed", "9", "--publishers", "2")
    res = env.codec(pcap)
    pkts = read_pcap(pcap)
    kinds = man["kinds"]
    check(len(res) == len(pkts) == man["packet_count"] == 2 * kinds,
          "packet count")
    listed = man["packets"]
    check([e["index"] for e in listed] == list(range(len(pkts))),
          "manifest indexes")
    check_faults(env, res, listed, pkts)
    check([e["kind"] for e in listed[:kinds]] ==
          [e["kind"] for e in listed[kinds:]], "repeat changes the set")
    reasons = {e["reason"] for e in listed}
    want = hwp_error_strings(env.hwp_header) - {"ok", "too_many_frames"}
    check(want <= reasons, "uncovered codec faults: %s" % (want - reasons))
    check(NON_HWP_REASONS <= reasons, "uncovered non-HWP kinds: %s" %
          (NON_HWP_REASONS - reasons))
    totals = {}
    for e in listed:
        totals[e["reason"]] = totals.get(e["reason"], 0) + 1
    check(man["totals"] == totals, "totals %s vs %s" % (man["totals"],
                                                        totals))
    check(man["frames"] == 0 and man["datagrams"] == 0, "no valid traffic")
    # A bad frame after good ones, in one datagram, is rejected whole.
    check(any(r.get("fault_offset", 0) > 0 and r["reason"] in
              ("zero_channel", "bad_magic", "wrong_direction")
              for r in res), "no multi-frame fault")
    check(len({r.get("src") for r in res if "src" in r}) >= 3,
          "senders do not rotate with --publishers")
    # Revision 2: each new kind breaks its one rule and no other.
    names = {e["kind"] for e in listed}
    check(set(REV2_KINDS) <= names and set(SOURCE_KINDS) <= names,
          "revision-2 kinds missing: %s" %
          ((set(REV2_KINDS) | set(SOURCE_KINDS)) - names))
    check(all(e["hwp"] is False for e in listed
              if e["kind"] in SOURCE_KINDS), "source kinds listed as HWP")
    check_repaired(env, listed, pkts, env.path("repaired.pcap"))
    # source_ip_own follows --dst-ip; every other source stays answerable.
    pcap, man = env.gen_file("--mode", "malformed", "--dst-ip", "10.1.2.3",
                             "--seed", "4")
    res = env.codec(pcap, herald_ip="10.1.2.3")
    check_faults(env, res, man["packets"], read_pcap(pcap),
                 herald_ip="10.1.2.3")
    own = [r for e, r in zip(man["packets"], res)
           if e["kind"] == "source_ip_own"]
    check([r["src"] for r in own] == ["10.1.2.3"], "source_ip_own %s" % own)


def case_mix(env):
    pcap, man = env.gen_file("--mode", "mix", "--messages", "400",
                             "--malformed-ratio", "0.3", "--seed", "5",
                             "--channels", "3", "--publishers", "2")
    res = env.codec(pcap)
    pkts = read_pcap(pcap)
    bad = {e["index"]: e for e in man["packets"]}
    check_faults(env, res, man["packets"], pkts)
    ok = [r for r in res if r["index"] not in bad]
    for r in ok:
        check(r["class"] == "hwp" and r["reason"] == "ok" and
              r["types"] == ["publish"], "packet %d not OK" % r["index"])
    check(man["totals"]["ok"] == len(ok) == man["datagrams"], "ok total")
    check(man["malformed"] == len(bad), "malformed total")
    frac = len(bad) / len(pkts)
    check(0.2 < frac < 0.4, "malformed fraction %.2f for ratio 0.3" % frac)
    check(sum(c["messages"] for c in man["channels"]) == 400, "messages")
    pcap0, man0 = env.gen_file("--mode", "mix", "--messages", "50",
                               "--malformed-ratio", "0")
    check(man0["packets"] == [] and man0["malformed"] == 0, "ratio 0")


def case_jumbo(env):
    """--mtu above 1500 batches PUBLISH frames into jumbo datagrams, which
    revision 2 allows (a datagram's size never makes it invalid)."""
    # Two 1432-byte frames: UDP payload 2864, IPv4 total 2892, and an
    # Ethernet frame of 2906 bytes.
    for mtu in ("2906", "2892"):
        pcap, man = env.gen_file("--mode", "publish", "--mtu", mtu,
                                 "--batch", "2", "--payload-size", "1400",
                                 "--messages", "4", "--channels", "2")
        res = all_ok(env, pcap, types={"publish"})
        check([r["frames"] for r in res] == [2, 2], "--mtu %s: frames %s" %
              (mtu, [r["frames"] for r in res]))
        pkts, _, _ = publish_model(env, pcap, man, 1, payload=(1400, 1400))
        check([len(f) for _, f in pkts] == [2906, 2906],
              "--mtu %s: frame lengths %s" % (mtu, [len(f) for _, f in pkts]))
        check(all(struct.unpack("!H", f[16:18])[0] == 2892 for _, f in pkts),
              "IPv4 total length")
        check(man["frames"] == 4 and man["datagrams"] == 2, "manifest")
    # One byte less and the second frame waits for the next datagram.
    pcap, man = env.gen_file("--mode", "publish", "--mtu", "2891",
                             "--batch", "2", "--payload-size", "1400",
                             "--messages", "4")
    res = all_ok(env, pcap)
    check([r["frames"] for r in res] == [1] * 4, "--mtu 2891 batched")
    # Near the IPv4 limit: 45 frames of 1432 bytes in one datagram.
    pcap, man = env.gen_file("--mode", "publish", "--mtu", "65535",
                             "--batch", "64", "--payload-size", "1400",
                             "--messages", "45")
    res = all_ok(env, pcap)
    check([r["frames"] for r in res] == [45], "65535-byte datagram %s" %
          [r["frames"] for r in res])
    publish_model(env, pcap, man, 1)


def case_append(env):
    a = env.path("a.pcap")
    env.run("-o", a, "--mode", "publish", "--messages", "5")
    alone, _ = env.gen_file("--mode", "subscribe", "--subscribers", "2",
                            manifest=False)
    man = env.path("b.json")
    env.run("-o", a, "--append", "--manifest", man, "--mode", "subscribe",
            "--subscribers", "2")
    with open(man) as f:
        m = json.load(f)
    pkts = read_pcap(a)
    ref = read_pcap(alone)
    check(len(pkts) == 5 + len(ref), "appended packet count")
    check(m["first_index"] == 5, "first_index %d" % m["first_index"])
    check([f for _, f in pkts[5:]] == [f for _, f in ref],
          "appended bytes differ from a standalone run")
    ts = [t for t, _ in pkts]
    check(all(x < y for x, y in zip(ts, ts[1:])), "timestamps not rising")
    check(ts[5] == ts[4] + 10, "append continues one interval later")
    # A later --start-time is kept; malformed indexes count old packets.
    man = env.path("c.json")
    env.run("-o", a, "--append", "--manifest", man, "--mode", "malformed",
            "--start-time", "1800000000")
    with open(man) as f:
        m = json.load(f)
    pkts = read_pcap(a)
    check(pkts[7][0] == 1800000000 * 1000000, "explicit later start")
    check(m["packets"][0]["index"] == 7, "malformed index after append")
    res = env.codec(a)
    check_faults(env, res, m["packets"], pkts)
    # Appending to a missing file creates it.
    new = env.path("new.pcap")
    env.run("-o", new, "--append", "--mode", "nack")
    check(len(read_pcap(new)) == 1, "append to a new file")
    # Appending to something that is not a pcap fails cleanly.
    junk = env.path("junk.pcap")
    with open(junk, "w") as f:
        f.write("not a capture\n")
    rc, _, err = env.run("-o", junk, "--append", "--mode", "nack",
                         expect_rc=1)
    check("hwp-gen:" in err, "no message for a bad append target")


def case_cli(env):
    out = env.path("cli.pcap")
    bad = [
        [],
        ["--mode", "publish"],
        ["-o", out],
        ["--mode", "flood", "-o", out],
        ["--mode", "publish", "-o", out, "--bogus"],
        ["--mode", "publish", "-o", out, "--messages"],
        ["--mode", "publish", "-o", out, "--messages", "ten"],
        ["--mode", "publish", "-o", out, "--messages", "-1"],
        ["--mode", "publish", "-o", out, "--payload-size", "1401"],
        ["--mode", "publish", "-o", out, "--payload-min", "10"],
        ["--mode", "publish", "-o", out, "--payload-min", "9",
         "--payload-max", "8"],
        ["--mode", "publish", "-o", out, "--payload-size", "8",
         "--payload-min", "1", "--payload-max", "9"],
        ["--mode", "publish", "-o", out, "--channel-list", "0"],
        ["--mode", "publish", "-o", out, "--channel-list", "1,,2"],
        ["--mode", "publish", "-o", out, "--channel-list", "5-2"],
        ["--mode", "publish", "-o", out, "--channels", "2",
         "--channel-list", "1"],
        ["--mode", "publish", "-o", out, "--channel-pattern", "zigzag"],
        ["--mode", "publish", "-o", out, "--bad-token"],
        ["--mode", "publish", "-o", out, "--publishers", "0"],
        ["--mode", "publish", "-o", out, "--first-pub-seq", "0"],
        ["--mode", "publish", "-o", out, "--seed", "1", "--seed", "2"],
        ["--mode", "publish", "-o", out, "extra"],
        ["--mode", "publish", "-o", out, "--dst-ip", "300.1.1.1"],
        ["--mode", "publish", "-o", out, "--dst-mac", "02:00:00:00:00"],
        ["--mode", "publish", "-o", out, "--start-time", "1.1234567"],
        ["--mode", "publish", "-o", out, "--mtu", "100"],
        ["--mode", "subscribe", "-o", out, "--key", "abcd"],
        ["--mode", "subscribe", "-o", out, "--key", "zz" * 16],
        ["--mode", "subscribe", "-o", out, "--expired", "--expires", "5"],
        ["--mode", "unsubscribe", "-o", out, "--from-seq", "3"],
        ["--mode", "nack", "-o", out, "--count", "0"],
        ["--mode", "nack", "-o", out, "--count", "1025"],
        ["--mode", "nack", "-o", out, "--from-seq", "0"],
        ["--mode", "mix", "-o", out, "--malformed-ratio", "1"],
        ["--mode", "malformed", "-o", out, "--messages", "5"],
        ["--mode", "heartbeat", "-o", out, "--repeat", "2"],
        # PASSIVE is valid on SUBSCRIBE only (revision 2).
        ["--mode", "unsubscribe", "-o", out, "--passive"],
        ["--mode", "nack", "-o", out, "--passive"],
        # Sources Herald could not answer are not HWP (revision 2):
        # the malformed kinds source_* send those.
        ["--mode", "publish", "-o", out, "--pub-ip", "127.0.0.1"],
        ["--mode", "publish", "-o", out, "--pub-ip", "0.1.2.3"],
        ["--mode", "publish", "-o", out, "--pub-ip", "198.18.0.1"],
        ["--mode", "publish", "-o", out, "--pub-ip", "223.255.255.255",
         "--publishers", "2"],
        ["--mode", "publish", "-o", out, "--pub-mac", "01:00:5e:00:00:01"],
        ["--mode", "publish", "-o", out, "--pub-port", "0"],
        ["--mode", "subscribe", "-o", out, "--sub-ip", "224.0.0.1"],
        ["--mode", "heartbeat", "-o", out, "--sub-mac", "ff:ff:ff:ff:ff:ff"],
        ["--mode", "nack", "-o", out, "--sub-port", "0"],
        ["--mode", "malformed", "-o", out, "--sub-ip", "10.0.0.1",
         "--dst-ip", "10.0.0.1"],
        ["--mode", "heartbeat", "-o", out, "--dst-ip", "255.255.255.255"],
    ]
    for flags in bad:
        if os.path.exists(out):
            os.unlink(out)
        rc, _, err = env.run(*flags, expect_rc=2)
        check("hwp-gen: error:" in err and "--help" in err,
              "%s: unclear error %r" % (flags, err))
        check(not os.path.exists(out), "%s: wrote a file" % flags)
    # The edges of what is answerable still work.
    env.run("-o", out, "--mode", "publish", "--pub-ip", "223.255.255.254",
            "--publishers", "2", "--messages", "2")
    all_ok(env, out)
    rc, text, _ = env.run("--help")
    with open(env.options_src) as f:
        src = f.read()
    names = re.findall(r'\{(?:"[^"]*"|NULL),\s*"([a-z-]+)",\s*'
                       r'(?:no|required)_argument', src)
    check(len(names) > 30, "cannot read the option table (%d)" % len(names))
    for n in names:
        check("--" + n in text, "--help does not document --%s" % n)
    for mode in ("publish", "subscribe", "unsubscribe", "heartbeat", "nack",
                 "malformed", "mix"):
        check(mode in text, "--help misses mode %s" % mode)
    rc, _, _ = env.run("-h")


CASES = {name[5:]: fn for name, fn in globals().items()
         if name.startswith("case_")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True)
    ap.add_argument("--check", required=True)
    ap.add_argument("--options-src", required=True)
    ap.add_argument("--hwp-header", required=True)
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hwp-gen-test-") as tmp:
        try:
            CASES[args.case](Env(args, tmp))
        except Failure as e:
            print("FAIL %s: %s" % (args.case, e))
            return 1
    print("PASS %s" % args.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
