"""The judge's part for the control plane: SUBACKs and keep-alive
answers herald sent, against the model of subscribers.py, and the rule
that a source which never proved itself gets no more bytes than it sent
(PROTOCOL.md 6)."""
import struct

from case_input import fail
from hwp_pcap import (SUBACK_LEN, T_DELIVER, T_HEARTBEAT, T_SUBACK, ip_str,
                      parse_udp4, split_frames)

HEARTBEAT_LEN = 32


def check_control_frame(where, ftype, flags, length):
    """True if ftype is a frame of this part (and well formed)."""
    if ftype == T_SUBACK:
        if length != SUBACK_LEN or flags != 0:
            fail(f"{where}: SUBACK length {length} flags {flags:#x}")
        return True
    if ftype == T_HEARTBEAT:
        if length != HEARTBEAT_LEN or flags != 0:
            fail(f"{where}: HEARTBEAT length {length} flags {flags:#x}")
        return True
    return False


def control_fields(i, ftype, p, cfg):
    where = f"output packet {i}"
    if ftype == T_SUBACK:
        ch, sub, status, r1, next_seq, epoch, r2 = struct.unpack(
            "!QIB3sQII", p[8:40])
        if r1 != b"\0\0\0" or r2 != 0 or ch == 0 or sub == 0:
            fail(f"{where}: SUBACK reserved {r1.hex()}/{r2} channel {ch} "
                 f"subscriber {sub}")
        if status > 5:
            fail(f"{where}: SUBACK status {status}")
        if status == 0 and epoch == 0:
            fail(f"{where}: OK SUBACK with epoch 0")
        return {"channel": ch, "subscriber": sub, "status": status,
                "next_seq": next_seq, "epoch": epoch}
    ch, seq, sub, epoch = struct.unpack("!QQII", p[8:32])
    if ch != 0 or seq != 0 or epoch != cfg["epoch"]:
        fail(f"{where}: HEARTBEAT channel {ch} seq {seq} epoch {epoch:#x}: "
             "a keep-alive answer is channel 0, seq 0, the instance epoch")
    return {"channel": ch, "subscriber": sub, "epoch": epoch, "seq": seq}


def ok_subacks(parsed):
    """{(channel, subscriber, ip, port): [(next_seq, epoch)]} of the OK
    SUBACKs herald sent, in output order (the model takes them in turn)."""
    out = {}
    for ftype, d, f in parsed:
        if ftype == T_SUBACK and f["status"] == 0:
            out.setdefault((f["channel"], f["subscriber"], d["dst_ip"],
                            d["dst_port"]), []).append(
                                (f["next_seq"], f["epoch"]))
    return out


def check_subacks(parsed, model, mid_stream_min=0):
    ctl = model.control
    mid = sum(1 for ch in ctl.subacks if ch["next_seq"] <= model.chans.get(
        ch["key"][0], {}).get("seq", 0))
    if mid < mid_stream_min:
        fail(f"{mid} OK SUBACKs took effect before their channel's last "
             f"message, expected at least {mid_stream_min} (the case no "
             "longer exercises changes in the middle of the stream)")
    left = {k: v for k, v in model.ok_out.items() if v}
    if left:
        k = next(iter(left))
        fail(f"herald sent OK SUBACKs the model did not expect: channel "
             f"{k[0]} subscriber {k[1]} at {ip_str(k[2])}:{k[3]} "
             f"next_seq {left[k]}")
    want = {}
    for ch in ctl.subacks:
        k = ch["key"]
        want.setdefault(k, []).append((ch["next_seq"], ch["mac"]))
    first_deliver = {}
    got, fails, keepalives = {}, [], []
    for i, (ftype, d, f) in enumerate(parsed):
        ep = (d["dst_ip"], d["dst_port"])
        if ftype == T_DELIVER:
            first_deliver.setdefault((f["channel"],) + ep, []).append(
                (i, f["seq"]))
        elif ftype == T_SUBACK and f["status"] == 0:
            k = (f["channel"], f["subscriber"]) + ep
            got.setdefault(k, []).append((f["next_seq"], d["dst_mac"], i))
        elif ftype == T_SUBACK:
            if f["next_seq"] != 0 or f["epoch"] != 0:
                fail(f"output packet {i}: failed SUBACK next_seq "
                     f"{f['next_seq']} epoch {f['epoch']} (0 and 0)")
            fails.append(ep + (d["dst_mac"], f["channel"], f["subscriber"],
                               f["status"]))
        elif ftype == T_HEARTBEAT:
            keepalives.append(ep + (d["dst_mac"], f["subscriber"]))
    for k, acks in got.items():
        for (next_seq, mac, i), (w_seq, w_mac) in zip(acks, want.get(k, [])):
            if mac != w_mac:
                fail(f"output packet {i}: SUBACK to MAC {mac}, expected "
                     f"{w_mac}")
            # It leaves before any DELIVER of seq >= next_seq.
            for j, seq in first_deliver.get((k[0],) + k[2:], []):
                if seq >= next_seq and j < i:
                    fail(f"output packet {j}: DELIVER seq {seq} to "
                         f"{ip_str(k[2])}:{k[3]} before its SUBACK "
                         f"(packet {i}, next_seq {next_seq})")
    if sorted(fails) != sorted(ctl.fails):
        fail(f"failed SUBACKs {summary(fails)}, model {summary(ctl.fails)}")
    if sorted(keepalives) != sorted(ctl.keepalives):
        fail(f"keep-alive answers {summary(keepalives)}, model "
             f"{summary(ctl.keepalives)}")


def summary(items):
    items = sorted(items)
    return str(items) if len(items) <= 6 else (
        f"{len(items)} [{items[0]}, ..., {items[-1]}]")


def check_byte_budget(queues, parsed, model):
    """A source that got no OK SUBACK (nor an operator's subscription)
    never proved its address: herald may not send it more UDP payload
    than it sent (replies to failed SUBSCRIBEs, PUBACKs, anything)."""
    sent_in = {}
    for inputs in queues:
        for _ts, pkt in inputs:
            d = parse_udp4(pkt)
            if d is not None and split_frames(d["payload"]) is not None:
                sent_in[d["src_ip"]] = (sent_in.get(d["src_ip"], 0)
                                        + len(d["payload"]))
    verified = {d["dst_ip"] for ftype, d, f in parsed
                if ftype == T_SUBACK and f["status"] == 0}
    verified |= {ep[0] for eps in model.sub_ids.values() for ep in eps}
    got = {}
    for ftype, d, _f in parsed:
        got[d["dst_ip"]] = got.get(d["dst_ip"], 0) + len(d["payload"])
    for ip, n in got.items():
        if ip not in verified and n > sent_in.get(ip, 0):
            fail(f"{ip_str(ip)} proved nothing but got {n} bytes of UDP "
                 f"payload for the {sent_in.get(ip, 0)} it sent")
