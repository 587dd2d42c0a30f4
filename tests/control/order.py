#!/usr/bin/python3
"""Each endpoint's SUBSCRIBE and UNSUBSCRIBE frames are applied in the
order Herald received them (PROTOCOL.md 6: an UNSUBSCRIBE after a
SUBSCRIBE of the same channel removes it), even though a worker files
the items of endpoints without a subscription in a ring of their own
that the control thread serves after the ring of known endpoints.

One capture, read once at full speed, so that the workers queue items
much faster than the control thread applies them:

  round 1  N endpoints, each one datagram: SUBSCRIBE to channels 1-8
           (a new endpoint: the ring of new endpoints)
  round 2  the same endpoints: SUBSCRIBE to channels 9-16
  round 3  the same endpoints: UNSUBSCRIBE from channels 9-16

By the time a worker reads round 3, the control thread has applied
round 1 of the first endpoints, which are now live: their UNSUBSCRIBEs
go to the ring of known endpoints while their round-2 SUBSCRIBEs still
wait in the other ring. Applied out of order, an UNSUBSCRIBE would be
answered NOT_SUBSCRIBED and its SUBSCRIBE would leave a subscription
the endpoint asked to drop. Expected: every frame answered OK (16 N
subscribed, 8 N unsubscribed, 24 N OK SUBACKs sent, no failure), books
and pools balanced.

Usage: order.py HERALD HWP_GEN [ENDPOINTS]
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import FAILED_OUTCOMES, book_errors  # noqa: E402
from hwp_pcap import hwp_gen_append as gen, read_pcap  # noqa: E402
from verdict import verdict  # noqa: E402

KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"






def main():
    herald, hwp_gen = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    tmp = tempfile.mkdtemp()
    pcap = os.path.join(tmp, "in.pcap")
    who = ["--subscribers", n, "--sub-ip", "198.18.8.1",
           "--sub-mac", "02:00:00:08:00:01", "--batch", 8]
    gen(hwp_gen, pcap, "--mode", "subscribe", "--channel-list", "1-8", *who)
    gen(hwp_gen, pcap, "--mode", "subscribe", "--channel-list", "9-16", *who)
    gen(hwp_gen, pcap, "--mode", "unsubscribe", "--channel-list", "9-16",
        *who)
    npkts = len(read_pcap(pcap))
    ring = 1
    while ring < 24 * n:
        ring *= 2
    ini = os.path.join(tmp, "h.ini")
    with open(ini, "w") as f:
        f.write("[herald]\nepoch = 0x0bde0001\ntoken_key = %s\n"
                "egress_port = 1\n"
                "[limits]\nmax_subscribers = %d\nmax_endpoints = %d\n"
                "[control]\nitem_ring_size = %d\nsocket = none\n"
                "[mempool]\nrx_mbufs = 65535\n" % (KEY, 2 * n, 2 * n, ring))
    stats = os.path.join(tmp, "s.json")
    proc = subprocess.run(
        [herald, "-l", "0-1", "--no-huge", "-m", "2048", "--no-pci",
         "--file-prefix", "hord%d" % os.getpid(), "--log-level=warning",
         "--vdev", "net_pcap0,rx_pcap=%s" % pcap,
         "--vdev", "net_null0,no-rx=1", "--",
         "--config", ini, "--stats-json", stats,
         "--exit-after-packets", str(npkts)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=300)
    if proc.returncode != 0:
        return verdict("order", ["herald exit %d:\n%s" % (
            proc.returncode, proc.stdout[-3000:])])
    with open(stats) as f:
        s = json.load(f)
    errors = book_errors(s)
    k, c = s["control"], s["counters"]
    want = {"items": 24 * n, "subscribed": 16 * n, "unsubscribed": 8 * n,
            "subacks_requested": 24 * n}
    for name, v in want.items():
        if k[name] != v:
            errors.append("control.%s = %d, expected %d" % (name, k[name], v))
    for name in FAILED_OUTCOMES:
        if k[name]:
            errors.append("control.%s = %d, expected 0 (frames applied out "
                          "of order)" % (name, k[name]))
    if c["subacks"] != 24 * n:
        errors.append("OK SUBACKs sent %d, expected %d" % (c["subacks"],
                                                          24 * n))
    if s["frames"].get("control_ring_full"):
        errors.append("frames.control_ring_full = %d: the test needs every "
                      "item queued" % s["frames"]["control_ring_full"])
    return verdict("order", errors, "%d endpoints, %d items, %d waited for "
                   "an older item" % (n, k["items"], k["items_ordered"]))


if __name__ == "__main__":
    sys.exit(main())
