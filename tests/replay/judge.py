"""The replay runner's judge: herald's JSON books, every output packet's
headers and frame, DELIVERs and PUBACKs against the reference model, the
case's own expectations, and what herald printed after each pause point.
"""
import ipaddress
import os
import re
import struct

from case_input import fail, parse_seqs
from herald_books import book_errors
from hwp_pcap import (DELIVER_LEN, F_RETRANSMIT, F_START, MAX_PAYLOAD, T_GAP,
                      T_HEARTBEAT,
                      NUM_SLOTS, PUBACK_LEN, T_DELIVER, T_PUBACK, fmix64,
                      hwp_header, ip_str, parse_udp4)
from inet_csum import csum_fold
from judge_control import check_control_frame, control_fields

# ------------------------------------------------- accounting (JSON)

# A DELIVER with the RETRANSMIT flag, told apart from the live ones, and
# a HEARTBEAT on a channel (not a keep-alive answer).
T_RETRANSMIT = 0x102
T_CHAN_HB = 0x107
GAP_LEN = 32


def flatten(stats):
    flat = {}
    for group in ("counters", "frames", "nonhwp", "invalid", "control"):
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
        if flags not in (0, F_RETRANSMIT):
            fail(f"{where}: DELIVER flags {flags:#x}")
        if flags:
            return T_RETRANSMIT
    elif ftype == T_PUBACK:
        if length != PUBACK_LEN or flags != 0:
            fail(f"{where}: PUBACK length {length} flags {flags:#x}")
    elif ftype == T_GAP:
        if length != GAP_LEN or flags != 0:
            fail(f"{where}: GAP length {length} flags {flags:#x}")
    elif not check_control_frame(where, ftype, flags, length):
        fail(f"{where}: unexpected frame type {ftype:#x}")
    return ftype


def parse_output(out_pkts, cfg, queues=None):
    """[(kind, d, fields)] of every output packet, headers judged; d has
    the TX queue each left on (queues: one per packet)."""
    parsed = []
    for i, (_ts, pkt) in enumerate(out_pkts):
        d = check_headers(i, pkt, cfg)
        d["queue"] = queues[i] if queues is not None else 0
        ftype = check_frame(i, d)
        p = d["payload"]
        if ftype in (T_DELIVER, T_RETRANSMIT):
            ch, seq, epoch, pub, ts = struct.unpack("!QQIIQ", p[8:40])
            f = {"channel": ch, "seq": seq, "epoch": epoch,
                 "publisher": pub, "ts": ts, "payload": p[40:],
                 "frame": p}
        elif ftype == T_GAP:
            ch, first, count, epoch = struct.unpack("!QQII", p[8:32])
            if ch == 0 or first == 0 or count == 0:
                fail(f"output packet {i}: GAP channel {ch} from_seq "
                     f"{first} count {count}")
            f = {"channel": ch, "from": first, "count": count,
                 "epoch": epoch}
        elif ftype == T_PUBACK:
            pub, epoch, acked, credit, rsvd = struct.unpack("!IIQII",
                                                            p[8:32])
            f = {"publisher": pub, "epoch": epoch, "acked": acked,
                 "credit": credit, "reserved": rsvd}
        elif ftype == T_HEARTBEAT and struct.unpack("!Q", p[8:16])[0]:
            ch, seq, sub, epoch = struct.unpack("!QQII", p[8:32])
            if epoch == 0 or sub == 0:
                fail(f"output packet {i}: channel HEARTBEAT epoch {epoch} "
                     f"subscriber {sub}")
            parsed.append((T_CHAN_HB, d, {"channel": ch, "seq": seq,
                                          "subscriber": sub,
                                          "epoch": epoch}))
            continue
        else:
            f = control_fields(i, ftype, p, cfg)
            parsed.append((ftype, d, f))
            continue
        # PUBACKs carry the instance epoch; DELIVERs the channel's
        # (checked against the model in check_delivers).
        if ftype == T_PUBACK and f["epoch"] != cfg["epoch"]:
            fail(f"output packet {i}: PUBACK epoch {f['epoch']:#x}, expected "
                 f"the instance epoch {cfg['epoch']:#x}")
        if f["epoch"] == 0:
            fail(f"output packet {i}: epoch 0")
        parsed.append((ftype, d, f))
    return parsed


def check_delivers(parsed, model):
    """Recipients, order, bytes, payload and timestamp of every DELIVER."""
    seen = {}  # (channel, epoch, seq) -> [(ip, port, mac)], output order
    frames = {}
    last = {}  # channel -> (epoch, seq) of its last DELIVER (output order)
    order = {key: n for n, key in enumerate(model.order)}
    for i, (ftype, d, f) in enumerate(parsed):
        if ftype != T_DELIVER:
            continue
        key = (f["channel"], f["epoch"], f["seq"])
        msg = model.messages.get(key)
        if msg is None:
            fail(f"output packet {i}: DELIVER channel {key[0]} epoch "
                 f"{key[1]:#x} seq {key[2]} but the model sequenced no such "
                 "message (channel epochs: docs/DATAPLANE.md)")
        prev = last.get(f["channel"])
        if prev is not None and order[key] < order[(key[0],) + prev]:
            fail(f"output packet {i}: channel {key[0]} seq {key[2]} left "
                 f"after seq {prev[1]}")
        last[f["channel"]] = key[1:]
        check_deliver_body(i, f, msg)
        if frames.setdefault(key, f["frame"]) != f["frame"]:
            fail(f"output packet {i}: DELIVER bytes of channel {key[0]} seq "
                 f"{key[2]} differ between subscribers")
        seen.setdefault(key, []).append((d["dst_ip"], d["dst_port"],
                                         d["dst_mac"]))
    for key, want in model.recipients.items():
        got = seen.get(key, [])
        if got != want:
            fail(f"channel {key[0]} seq {key[2]}: DELIVERs went to "
                 f"{fmt_eps(got)}, expected {fmt_eps(want)} "
                 "(subscribers at that moment, insertion order)")


def check_repairs(parsed, model):
    """RETRANSMIT DELIVERs and GAPs, per endpoint in output order, against
    the model's answers to the NACKs (repairs.py); a RETRANSMIT is the
    live DELIVER's bytes but the flag."""
    got, live = {}, {}
    for ftype, _d, f in parsed:
        if ftype == T_DELIVER:
            live[(f["channel"], f["epoch"], f["seq"])] = f["frame"]
    for i, (ftype, d, f) in enumerate(parsed):
        ep = (d["dst_ip"], d["dst_port"])
        if ftype == T_RETRANSMIT:
            key = (f["channel"], f["epoch"], f["seq"])
            msg = model.messages.get(key)
            if msg is None:
                fail(f"output packet {i}: RETRANSMIT of channel {key[0]} "
                     f"epoch {key[1]:#x} seq {key[2]}: no such message")
            check_deliver_body(i, f, msg)
            plain = f["frame"][:4] + b"\0" + f["frame"][5:]
            if key in live and live[key] != plain:
                fail(f"output packet {i}: RETRANSMIT of seq {key[2]} "
                     "differs from its DELIVER beyond the flag")
            got.setdefault(ep, []).append(("R",) + key + (d["dst_mac"],))
        elif ftype == T_GAP:
            got.setdefault(ep, []).append(
                ("G", f["channel"], f["epoch"], f["from"], f["count"],
                 d["dst_mac"]))
    check_resume_order(parsed, model)
    compare_per_endpoint("repairs", got, model.repairs.out)


def check_resume_order(parsed, model):
    """PROTOCOL.md 6, Subscribing: a resume's RETRANSMITs (and GAP) leave
    after its SUBACK and before any live DELIVER of seq >= next_seq."""
    for ch in model.control.subacks:
        if not 0 < ch.get("from_seq", 0) < ch["next_seq"]:
            continue
        channel, ep = ch["key"][0], ch["key"][2:]
        first, last = ch["from_seq"], ch["next_seq"] - 1
        live = [i for i, (t, d, f) in enumerate(parsed)
                if t == T_DELIVER and f["channel"] == channel
                and (d["dst_ip"], d["dst_port"]) == ep
                and f["seq"] >= ch["next_seq"]]
        # The seam: from first on, every seq once (GAP, RETRANSMIT or
        # live), none twice, none missing.
        seqs = []
        for t, d, f in parsed:
            if (d["dst_ip"], d["dst_port"]) != ep or f.get(
                    "channel") != channel:
                continue
            if t == T_GAP and first <= f["from"] <= last:
                seqs += range(f["from"], f["from"] + f["count"])
            elif t == T_RETRANSMIT and first <= f["seq"] <= last:
                seqs.append(f["seq"])
            elif t == T_DELIVER and f["seq"] >= ch["next_seq"]:
                seqs.append(f["seq"])
        if seqs and sorted(seqs) != list(range(first, first + len(seqs))):
            fail(f"channel {channel} to {ip_str(ep[0])}:{ep[1]}: seqs from "
                 f"{first} are not each once at the resume's seam "
                 f"(next_seq {ch['next_seq']})")
        for i, (t, d, f) in enumerate(parsed):
            if (d["dst_ip"], d["dst_port"]) != ep or live and i < live[0]:
                continue
            if (t == T_RETRANSMIT and f["channel"] == channel
                    and first <= f["seq"] <= last) or (
                    t == T_GAP and f["channel"] == channel
                    and first <= f["from"] <= last):
                fail(f"output packet {i}: resume of channel {channel} "
                     f"seq {f.get('seq', f.get('from'))} after the live "
                     f"DELIVER at packet {live[0]}")


def check_heartbeats(parsed, model):
    """Channel HEARTBEATs, per endpoint in output order, against the
    model (heartbeats.py)."""
    got = {}
    for _i, (ftype, d, f) in enumerate(parsed):
        if ftype == T_CHAN_HB:
            got.setdefault((d["dst_ip"], d["dst_port"]), []).append(
                ("H", f["channel"], f["seq"], f["epoch"], f["subscriber"],
                 d["dst_mac"]))
    compare_per_endpoint("channel heartbeats", got, model.hb.out)


def compare_per_endpoint(what, got, want):
    """{(ip, port): [packet fields]} as sent against the model's, each
    endpoint's in order."""
    for ep in sorted(set(got) | set(want)):
        if got.get(ep, []) != want.get(ep, []):
            fail(f"{what} to {ip_str(ep[0])}:{ep[1]}: "
                 f"{short_list(got.get(ep, []))}, expected "
                 f"{short_list(want.get(ep, []))}")


def short_list(items):
    return str(items) if len(items) <= 8 else (
        f"{len(items)} [{items[0]}, {items[1]}, ..., {items[-1]}]")


def renumber(parsed, model):
    """N workers: the seqs herald gave each channel's messages, from its
    DELIVERs (payloads name their PUBLISH), in place of the model's
    provisional ones, after checking herald's order is one it could have
    produced: every DELIVER on its owner's TX queue, each worker's
    messages in that worker's order, a seq for one message only."""
    by_payload, actual = {}, {}
    for key, msg in model.messages.items():
        k = (key[0], msg["payload"])
        if k in by_payload:
            fail("model: two messages of a channel share a payload; "
                 "N-worker cases need payloads of 20 bytes or more")
        by_payload[k] = key
    for i, (ftype, d, f) in enumerate(parsed):
        if ftype != T_DELIVER:
            continue
        key = by_payload.get((f["channel"], f["payload"]))
        if key is None:
            fail(f"output packet {i}: DELIVER of channel {f['channel']} "
                 "matches no message of the model")
        if d["queue"] != model.owner_of(f["channel"]):
            fail(f"output packet {i}: channel {f['channel']} DELIVER left "
                 f"on queue {d['queue']}, its owner is "
                 f"{model.owner_of(f['channel'])}")
        seq = (f["epoch"], f["seq"])
        if actual.setdefault(key, seq) != seq:
            fail(f"output packet {i}: channel {f['channel']} message sent "
                 f"as seq {seq[1]} and as seq {actual[key][1]}")
    model.renumber(actual)


def check_epochs(model):
    """PROTOCOL.md 6, Epochs: never 0, and a channel's new epoch differs
    from its previous one."""
    for ch, epochs in model.epochs.items():
        for a, b in zip(epochs, epochs[1:]):
            if a == b:
                fail(f"channel {ch}: a new state kept epoch {a:#x}")
        if 0 in epochs:
            fail(f"channel {ch}: epoch 0")


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
                and model.opened.get(key, 0) < 2):
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
    last, repeats = {}, {}
    here = (ip_str(model.cfg["address"]), model.cfg["udp_port"])
    for _q, args, man in runs:
        if (man.get("herald_ip"), man.get("herald_port")) != here:
            continue
        for p in man.get("publishers", []):
            key = (p["id"], int(ipaddress.IPv4Address(p["addr"])),
                   p["port"])
            last[key] = None if "--no-start" in args else p
            repeats[key] = repeats.get(key, 0) + 1
    for key, p in last.items():
        # hwp-gen knows no table limits, nor sessions opened by earlier
        # invocations (START on a known session has no effect): skip those.
        if (p is None or not model.allowed(key[1]) or key in model.refused
                or key in model.stalled or model.opened.get(key, 0) != 1
                or repeats.get(key, 0) > 1):
            continue
        acks = got.get(key)
        if not acks or acks[-1] != p["expected_acked_seq"]:
            fail(f"publisher {key[0]}: last PUBACK acked_seq "
                 f"{acks[-1] if acks else None}, hwp-gen manifest expects "
                 f"{p['expected_acked_seq']}")


# ---------------------------------------------------- expectations

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
    # When changes are batched, and whether a known endpoint's item
    # found an older one of its worker still waiting in the ring of new
    # endpoints, is the control thread's timing (the order it keeps is
    # checked by the outcomes).
    timing = ("control.batches", "control.channels_published",
              "control.publish_deferred", "control.items_ordered")
    want = {k: 0 for k in flat if (not k.startswith("counters.")
                                   and k not in timing)
            or k in ("counters.tx_dropped", "counters.deliveries_nombuf",
                     "counters.pubacks_nombuf", "counters.handoffs_out",
                     "counters.handoffs_in", "counters.channel_table_full",
                     "counters.rx_jumbo_nombuf",
                     "counters.deliveries_flat_nombuf")}
    want.update(model.cnt)
    for k in ("counters.deliveries", "counters.deliveries_in_place",
              "counters.pubacks", "counters.sessions_opened",
              "counters.channels_created", "counters.payload_copies",
              "counters.messages_sequenced",
              "counters.messages_no_subscriber", "counters.subacks",
              "counters.suback_requests", "counters.keepalives",
              "counters.control_sent", "counters.channels_expired",
              "counters.subacks_nombuf", "counters.keepalives_nombuf",
              "counters.suback_no_state", "counters.history_kept",
              "counters.nacks", "counters.nack_answered",
              "counters.nack_not_subscribed", "counters.nack_future",
              "counters.nack_suppressed", "counters.nack_actions_full",
              "counters.nack_over_budget", "counters.retransmits",
              "counters.retransmit_bytes", "counters.gaps",
              "counters.retransmits_nombuf", "counters.nack_handoffs_out",
              "counters.nack_handoffs_in", "counters.heartbeats",
              "counters.heartbeats_nombuf",
              "counters.heartbeats_queue_full", "counters.nack_given_up",
              "counters.pulses", "counters.passive_added",
              "counters.passive_removed"):
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


def check_pause_points(stats, pauses, lengths=None):
    """Each 'pause at N' must hold every worker at exactly N packets (or
    the end of its capture): the total is their sum."""
    for n in pauses:
        got = stats.get(n, {}).get("counters.rx_packets")
        want = n if lengths is None else sum(min(n, k) for k in lengths)
        if got != want:
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


