#!/bin/sh
# End-to-end: datagrams larger than 1500 bytes on a live net_tap link.
# PROTOCOL.md section 4: a datagram may be as large as the link carries
# unfragmented, and its size alone never makes it invalid or not HWP;
# [herald] mtu is the ports' MTU (docs/CONFIG.md).
#
# 1. [herald] mtu = 3000 cannot run on net_tap: DPDK 22.11's net_tap
#    reports frames of 1522 bytes at most (max_rx_pktlen), and
#    rte_eth_dev_configure refuses an MTU whose frame is larger. Herald
#    must say so as a config error naming [herald] mtu and the port's
#    limit, and exit 2 (docs/CONFIG.md: keys checked once the EAL is up),
#    not fail later on a bare "cannot configure port". So no 2906-byte
#    datagram can be taken live on this port type; the replay cases
#    (jumbo, jumbo_over_mtu) cover that on net_pcap.
# 2. [herald] mtu = 1500 with the tap's link MTU raised to 3000 in the
#    namespace, one channel 1 subscriber (tap_hwp.py jumbo):
#    * a datagram of two 1400-byte PUBLISH frames, START seq 1 and seq 2
#      (a 2906-byte frame): the link carries it, but without scattered RX
#      (herald asks for it only when an MTU frame exceeds one RX buffer)
#      the tap PMD reads each packet into one 2048-byte buffer and drops
#      what does not fit, counted as an RX error of the port. So herald
#      never receives it: nothing comes back, the START opened nothing
#      (seq 3 without START gets PUBACK 0), the port's ierrors is 1 and
#      herald's books hold only what it received (rx_packets equals the
#      port's ipackets; over_mtu stays 0, for no frame came in segments);
#    * a datagram of two 960-byte PUBLISH frames (a 2026-byte frame, over
#      1500 but within one RX buffer): the link carried it and herald got
#      it whole, so both messages are accepted, acknowledged (PUBACK
#      acked_seq 2) and delivered.
# Every herald run ends with its books and mempools checked.
# Usage: tap_jumbo.sh HERALD_BIN TAP_HWP_PY
set -u
HERALD=$1
HWP=$2
PY=/usr/bin/python3
. "$(dirname "$0")/herald_proc.sh"
. "$(dirname "$0")/tap_ns.sh"

tap_setup jumbo j

ini() {
	cat > "$TMP/h.ini" <<INI
[herald]
address = 198.18.1.1
epoch = 0x7a900004
mtu = $1
[lcores]
workers = 1
[mempool]
rx_mbufs = 4095
header_mbufs = 4095
indirect_mbufs = 1023
[control]
socket = none
INI
}

# 1. mtu = 3000: refused at start, as a config error.
ini 3000
herald_tap_run a -l 0-1
i=0
while kill -0 "$HPID" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 200 ] && fail "herald with mtu = 3000 on net_tap did not exit"
	sleep 0.1
done
wait "$HPID"
RC=$?
HPID=
[ $RC -eq 2 ] || fail "mtu = 3000 on net_tap: exit code $RC, expected 2"
grep -q "h.ini:4: \[herald\] mtu: 3000: port 0 (net_tap0) takes an MTU of at most 1504" \
	"$TMP/herald.log" || fail "mtu = 3000 on net_tap: no config error naming the key and the port's limit"
echo "mtu = 3000: refused, $(grep "\[herald\] mtu" "$TMP/herald.log")"

# 2. mtu = 1500 on a 3000-byte link.
ini 1500
echo "sub add 1 11 198.18.1.11 41001 02:00:00:00:11:01" > "$TMP/cmds"
herald_tap_run b -l 0-1
herald_tap_ready "cmds: 1 command, 0 failed"
ip -n "$NS" link set "$IF" mtu 3000 || fail "tap MTU 3000"
ip netns exec "$NS" $PY "$HWP" jumbo "$IF" "$HMAC" 198.18.1.1 \
	"$TMP/peer.json" 1400:dropped 960:accepted || fail "peer checks"
$PY "$HWP" ethdev "$TSOCK" 0 "$TMP/ethdev.json" || fail "telemetry /ethdev/stats"
herald_stop
$PY - "$TMP/s.json" "$TMP/peer.json" "$TMP/ethdev.json" <<'PYEOF' || fail "stats check"
import json, sys
d = json.load(open(sys.argv[1]))
peer = json.load(open(sys.argv[2]))
et = json.load(open(sys.argv[3]))
st, info = et["/ethdev/stats"], et["/ethdev/info"]
c, fr = d["counters"], d["frames"]
errs = []
if peer["frame_bytes"] != [2906, 2026]:
    errs.append("frames of %s bytes sent" % peer["frame_bytes"])
if info["mtu"] != 1500 or info["scattered_rx"]:
    errs.append("port mtu %d, scattered RX %d: expected 1500 without"
                % (info["mtu"], info["scattered_rx"]))
# The PMD drops the 2906-byte frame: an RX error, never herald's.
if st["ierrors"] != 1 or st["ipackets"] != peer["sent"] - 1:
    errs.append("port: ierrors %d, ipackets %d; expected 1 and %d"
                % (st["ierrors"], st["ipackets"], peer["sent"] - 1))
if c["rx_packets"] != st["ipackets"] or d["ports"][0]["ipackets"] != \
        c["rx_packets"]:
    errs.append("herald received %d, the port %d"
                % (c["rx_packets"], st["ipackets"]))
want = {"publish_accepted": 2, "publish_unknown_session": 1}
got = {k: v for k, v in fr.items() if v}
if got != want:
    errs.append("frames %s, expected %s" % (got, want))
if sum(d["nonhwp"].values()) or sum(d["invalid"].values()):
    errs.append("non-HWP %s, invalid %s (over_mtu: no frame came in "
                "segments)" % ({k: v for k, v in d["nonhwp"].items() if v},
                               {k: v for k, v in d["invalid"].items() if v}))
if c["deliveries"] != 2 or c["pubacks"] != peer["pubacks"] or \
        c["rx_linearized"] or c["rx_jumbo_nombuf"]:
    errs.append("deliveries %d (expected 2), pubacks %d (peer got %d), "
                "linearized %d, jumbo_nombuf %d"
                % (c["deliveries"], c["pubacks"], peer["pubacks"],
                   c["rx_linearized"], c["rx_jumbo_nombuf"]))
print("\n".join(errs) if errs else
      "stats ok: 2906-byte frame dropped by the PMD (ierrors 1), 2026-byte "
      "datagram accepted and delivered")
sys.exit(1 if errs else 0)
PYEOF
echo "PASS"
