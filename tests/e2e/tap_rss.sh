#!/bin/sh
# End-to-end: a publisher stays on one worker of a two-queue port.
# Herald runs two workers (--lcores 0@0,1@1,2@1, workers = 1,2) on one
# net_tap port, so the port has two RX/TX queue pairs (one per worker) and
# herald asks for RSS over IP and UDP (port_init, app/runtime/ports.c).
# Publisher sessions live in the worker that receives them (PROTOCOL.md 6:
# a session is publisher id, source address and port), so every frame of
# a session must reach the same worker, or the second worker answers the
# session's frames with PUBACK 0 ("unknown session").
#
# What steers here is not DPDK's RSS. net_tap in DPDK 22.11 accepts
# mq_mode RSS and rss_hf in rte_eth_dev_configure and does nothing with
# them (tap_dev_configure only checks queue counts); its RSS exists only
# as rte_flow rules with an RSS action, which it implements with tc
# (multiq qdisc, flower, cls_bpf/act_bpf) and its built-in eBPF program.
# This kernel (6.x, no modules) has no sch_multiq, cls_flower or act_bpf,
# so the PMD disables rte_flow altogether at start ("failed to create
# multiq qdisc ... Disabling rte flow support", in herald's log), and
# herald creates no rte_flow rule anyway. Queue selection is the kernel
# tun driver's automatic flow steering (tun_automq_select_queue): a
# symmetric hash of addresses and ports picks the queue, and a flow seen
# leaving on a queue (herald's PUBACK, written by the receiving worker on
# its own TX queue) is steered to that queue afterwards. That is what this
# test shows, with the same consequence RSS would have: one flow, one
# queue, one worker.
#
# Known hazard not tested here (it fails by design of that steering): an
# endpoint that both publishes and subscribes gets DELIVERs from the
# worker owning the channel's slot; if that is not the worker receiving
# its PUBLISHes, the tun driver learns the other queue from those
# DELIVERs and moves the endpoint's PUBLISHes there (PUBACK 0). NICs that
# steer by sampled TX flows (Intel ATR) would do the same.
#
# Checks: 16 publisher sessions (distinct ids, source ports, addresses
# and MACs), 20 PUBLISHes each, stop-and-wait (tap_hwp.py steer): each
# session's PUBACKs all come back, acked_seq 1..20 in order, never 0, all
# from one TX queue (the tap records the queue herald wrote each frame
# on); both workers received publishers; each worker's rx_packets in the
# stats JSON equals the frames of the sessions its queue answered; every
# frame accepted; the books balance and no mbuf leaks.
# Usage: tap_rss.sh HERALD_BIN TAP_HWP_PY
set -u
HERALD=$1
HWP=$2
PY=/usr/bin/python3
. "$(dirname "$0")/herald_proc.sh"
. "$(dirname "$0")/tap_ns.sh"
PUBLISHERS=16
FRAMES=20

tap_setup rss r

cat > "$TMP/h.ini" <<INI
[herald]
address = 198.18.1.1
epoch = 0x7a900002
[lcores]
workers = 1,2
[mempool]
rx_mbufs = 4095
header_mbufs = 4095
indirect_mbufs = 1023
[control]
socket = none
INI

herald_tap_run a --lcores 0@0,1@1,2@1
herald_tap_ready "port 0: net_tap0"
grep -q "2 worker(s)" "$TMP/herald.log" || fail "herald does not run 2 workers"
# For the record: whether the PMD could have offered rte_flow RSS at all.
grep "rte flow" "$TMP/herald.log" | sed 's/^/net_tap: /'
$PY "$HWP" ethdev "$TSOCK" 0 "$TMP/ethdev.json" || fail "telemetry /ethdev/info"

ip netns exec "$NS" $PY "$HWP" steer "$IF" "$HMAC" 198.18.1.1 \
	"$TMP/peer.json" $PUBLISHERS $FRAMES || fail "publisher checks"

herald_stop
$PY - "$TMP/s.json" "$TMP/peer.json" "$TMP/ethdev.json" <<'PYEOF' || fail "stats check"
import json, sys
d = json.load(open(sys.argv[1]))
peer = json.load(open(sys.argv[2]))
info = json.load(open(sys.argv[3]))["/ethdev/info"]
RSS_IPV4, RSS_NONFRAG_IPV4_UDP = 1 << 2, 1 << 5
c, fr, w = d["counters"], d["frames"], d["workers"]
errs = []
if info["nb_rx_queues"] != 2 or info["nb_tx_queues"] != 2:
    errs.append("port has %d rx / %d tx queues, expected 2 (one per worker)"
                % (info["nb_rx_queues"], info["nb_tx_queues"]))
if info["ethdev_rss_hf"] & (RSS_IPV4 | RSS_NONFRAG_IPV4_UDP) != \
        RSS_IPV4 | RSS_NONFRAG_IPV4_UDP:
    errs.append("RSS over IPv4 and UDP not requested: rss_hf %#x"
                % info["ethdev_rss_hf"])
if [x["lcore"] for x in w] != [1, 2]:
    errs.append("workers %s, expected lcores 1 and 2" % w)
per_q = peer["frames_per_queue"]
for q, x in enumerate(w):
    # Worker q reads RX queue q and writes TX queue q.
    if x["rx_packets"] != per_q[q]:
        errs.append("worker %d (lcore %d) received %d packets; the sessions "
                    "its queue answered sent %d"
                    % (q, x["lcore"], x["rx_packets"], per_q[q]))
if min(x["rx_packets"] for x in w) == 0:
    errs.append("a worker received nothing: %d publishers all on one queue"
                % len(peer["publishers"]))
if c["rx_packets"] != peer["sent"] or fr["publish_accepted"] != peer["sent"]:
    errs.append("sent %d; herald received %d, accepted %d"
                % (peer["sent"], c["rx_packets"], fr["publish_accepted"]))
if fr["publish_unknown_session"] or sum(d["nonhwp"].values()) or \
        sum(d["invalid"].values()):
    errs.append("frames %s, non-HWP %s, invalid %s"
                % ({k: v for k, v in fr.items() if v},
                   {k: v for k, v in d["nonhwp"].items() if v},
                   {k: v for k, v in d["invalid"].items() if v}))
print("\n".join(errs) if errs else
      "stats ok: workers received %s packets, each session on one worker"
      % [x["rx_packets"] for x in w])
sys.exit(1 if errs else 0)
PYEOF
echo "PASS"
