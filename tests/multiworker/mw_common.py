"""What the multi-worker tests share: two workers on CPU 1
(--lcores 0@0,1@1,2@1), one net_pcap port with one RX and one TX queue per
worker (worker i reads rx_pcap i and sends on tx_pcap i), and the checks
of every output packet (the replay runner's headers and checksums, one
frame per datagram).
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "replay"))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from case_input import CaseFailure  # noqa: E402
from herald_books import book_errors  # noqa: E402
from hwp_pcap import fmix64, read_pcap  # noqa: E402
from judge import check_frame, check_headers  # noqa: E402
from verdict import verdict  # noqa: E402,F401

EPOCH = 5
HERALD_IP = 0xC6120001  # 198.18.0.1
PCAP_MAC = "02:70:63:61:70:00"


def owner(channel):
    """Worker owning a channel's slot with two workers and slots spread."""
    return 0 if fmix64(channel) % 4096 < 2048 else 1


def gen(hwp_gen, out, *args):
    subprocess.run([hwp_gen, "-q", "-o", out] + list(args), check=True)


def publishes(path):
    """payload -> (channel, publisher, pub_seq, index in the capture) of
    single-frame PUBLISHes (hwp-gen payloads name their frame, so each is
    unique)."""
    out = {}
    for idx, (_ts, pkt) in enumerate(read_pcap(path)):
        hwp = pkt[42:]
        if hwp[3] != 1:
            continue
        ch, pub, _r, seq = struct.unpack_from("!QIIQ", hwp, 8)
        key = bytes(hwp[32:])
        if key in out:
            raise SystemExit("FAIL: two PUBLISHes share a payload in %s" % path)
        out[key] = (ch, pub, seq, idx)
    return out


def run_herald(herald, tmp, inputs, ini, cmds=None, extra_env=None,
               exit_after=None):
    """Herald with one RX/TX queue pair per input; returns (rc, out)."""
    vdev = "net_pcap0," + ",".join(
        ["rx_pcap=%s" % i for i in inputs] +
        ["tx_pcap=%s" % os.path.join(tmp, "o%d.pcap" % q)
         for q in range(len(inputs))])
    argv = [herald, "--lcores", "0@0,1@1,2@1", "--no-huge", "-m", "1024",
            "--file-prefix", "hmw%d" % os.getpid(), "--log-level=warning",
            "--vdev", vdev, "--", "--config", ini,
            "--stats-json", os.path.join(tmp, "s.json"), "--clock", "pcap"]
    if exit_after is not None:
        argv += ["--exit-after-packets", str(exit_after)]
    if cmds is not None:
        argv += ["--cmdline-file", cmds]
    env = dict(os.environ)
    env.update(extra_env or {})
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                       env=env)
    return r.returncode, r.stdout + r.stderr


def run_two(herald, tmp, cmds, packets, herald_keys=""):
    """Herald on a.pcap and b.pcap (one per worker) with command file
    cmds, ending after packets: (stats JSON, book errors), or exit 1.
    herald_keys: more lines of the [herald] section."""
    rc, log = run_herald(herald, tmp, [os.path.join(tmp, "a.pcap"),
                                       os.path.join(tmp, "b.pcap")],
                         write_ini(tmp, herald_keys=herald_keys), cmds,
                         exit_after=packets)
    if rc != 0:
        print(log)
        print("FAIL: herald exit %d" % rc)
        sys.exit(1)
    return books(tmp)


def run_built(herald, hwp_gen, build, herald_keys=""):
    """build(hwp_gen, tmp) writes a.pcap and b.pcap; herald runs on them
    to their end: (stats JSON, [(queue, udp dict, hwp)] output, the
    PUBLISHes of both captures, errors so far)."""
    tmp = tempfile.mkdtemp()
    build(hwp_gen, tmp)
    pubs = publishes(os.path.join(tmp, "a.pcap"))
    pubs.update(publishes(os.path.join(tmp, "b.pcap")))
    packets = sum(len(read_pcap(os.path.join(tmp, p + ".pcap")))
                  for p in ("a", "b"))
    stats, errors = run_two(herald, tmp, None, packets,
                            herald_keys=herald_keys)
    out, errs = outputs(tmp, 2)
    return stats, out, pubs, errors + errs


def write_ini(tmp, extra="", herald_keys=""):
    path = os.path.join(tmp, "h.ini")
    with open(path, "w") as f:
        # No control socket: a test never meets an operator's herald.
        f.write("[herald]\nepoch = %d\n%s[lcores]\nworkers = 1,2\n"
                "slots = spread\n%s[control]\nsocket = none\n"
                % (EPOCH, herald_keys, extra))
    return path


def books(tmp):
    with open(os.path.join(tmp, "s.json")) as f:
        d = json.load(f)
    return d, book_errors(d)


def outputs(tmp, n_queues):
    """[(queue, parsed udp dict, hwp bytes)] of every output packet, each
    one's headers and frame judged as the replay runner judges them."""
    cfg = {"src_mac": PCAP_MAC, "address": HERALD_IP, "udp_port": 7700}
    out, errors = [], []
    for q in range(n_queues):
        for i, (_ts, pkt) in enumerate(read_pcap(os.path.join(
                tmp, "o%d.pcap" % q))):
            try:
                d = check_headers(i, pkt, cfg)
                check_frame(i, d)
            except CaseFailure as e:
                errors.append("queue %d: %s" % (q, e))
                continue
            out.append((q, d, d["payload"]))
    return out, errors
