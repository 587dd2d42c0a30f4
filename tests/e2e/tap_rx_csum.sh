#!/bin/sh
# End-to-end: RX checksum offload and unanswerable sources on net_tap.
# net_tap advertises RX IPv4 and UDP checksum offload; asked for it, it
# checks each received frame and sets RTE_MBUF_F_RX_IP_CKSUM_GOOD/BAD and
# RTE_MBUF_F_RX_L4_CKSUM_GOOD/BAD, or L4_CKSUM_NONE for a UDP checksum of
# 0. Herald requests the offload where the port has it and reads the
# flags as DPDK documents them (GOOD and NONE pass, BAD drops, UNKNOWN is
# checked in software); this test holds it to PROTOCOL.md section 4 on
# such a port, one publisher session per case (tap_hwp.py csum):
#   * right checksums, and a UDP checksum of 0 (none sent, RFC 768):
#     accepted, acknowledged, delivered to channel 1's subscriber;
#   * a wrong UDP checksum (bad_udp_checksum) and a wrong IPv4 header
#     checksum (bad_ip_checksum): dropped whole, so the START they carry
#     opens no session: the session's next frame gets PUBACK 0;
#   * sources that cannot be answered, each a START that would be
#     accepted: source port 0 (source_port_zero, once more with a wrong
#     UDP checksum: the source is checked first), the limited broadcast,
#     127/8, 0/8 and 224/4 sources (source_ip_not_unicast), Herald's own
#     address (source_ip_own), a group Ethernet source (source_mac_group):
#     counted, and nothing is ever sent back to them.
# The peer sees every frame herald sends: each must be one PROTOCOL.md
# calls for, nothing else. The port's RX offloads (rte_telemetry
# /ethdev/info) must include IPv4 and UDP checksums; the counters must be
# exactly these, and the books balance.
# Usage: tap_rx_csum.sh HERALD_BIN TAP_HWP_PY
set -u
HERALD=$1
HWP=$2
PY=/usr/bin/python3
. "$(dirname "$0")/herald_proc.sh"
. "$(dirname "$0")/tap_ns.sh"

tap_setup csum c

cat > "$TMP/h.ini" <<INI
[herald]
address = 198.18.1.1
epoch = 0x7a900003
[lcores]
workers = 1
[mempool]
rx_mbufs = 4095
header_mbufs = 4095
indirect_mbufs = 1023
[control]
socket = none
INI
echo "sub add 1 11 198.18.1.11 41001 02:00:00:00:11:01" > "$TMP/cmds"

herald_tap_run a -l 0-1
herald_tap_ready "cmds: 1 command, 0 failed"
$PY "$HWP" ethdev "$TSOCK" 0 "$TMP/ethdev.json" || fail "telemetry /ethdev/info"

ip netns exec "$NS" $PY "$HWP" csum "$IF" "$HMAC" 198.18.1.1 \
	"$TMP/peer.json" || fail "peer checks"

herald_stop
$PY - "$TMP/s.json" "$TMP/peer.json" "$TMP/ethdev.json" <<'PYEOF' || fail "stats check"
import json, sys
d = json.load(open(sys.argv[1]))
peer = json.load(open(sys.argv[2]))
info = json.load(open(sys.argv[3]))["/ethdev/info"]
RX_IPV4_CKSUM, RX_UDP_CKSUM = 1 << 1, 1 << 2
c, fr = d["counters"], d["frames"]
errs = []
if info["rx_offloads"] & (RX_IPV4_CKSUM | RX_UDP_CKSUM) != \
        RX_IPV4_CKSUM | RX_UDP_CKSUM:
    errs.append("RX checksum offload not requested: rx_offloads %#x"
                % info["rx_offloads"])
want_nonhwp = {"bad_udp_checksum": 1, "bad_ip_checksum": 1,
               "source_port_zero": 2, "source_ip_not_unicast": 4,
               "source_ip_own": 1, "source_mac_group": 1}
got = {k: v for k, v in d["nonhwp"].items() if v}
if got != want_nonhwp:
    errs.append("non-HWP %s, expected %s" % (got, want_nonhwp))
if sum(d["invalid"].values()):
    errs.append("invalid %s" % {k: v for k, v in d["invalid"].items() if v})
want_frames = {"publish_accepted": peer["accepted"],
               "publish_unknown_session": 2}
got = {k: v for k, v in fr.items() if v}
if got != want_frames:
    errs.append("frames %s, expected %s" % (got, want_frames))
if c["rx_packets"] != peer["sent"]:
    errs.append("sent %d, herald received %d" % (peer["sent"],
                                                  c["rx_packets"]))
if c["deliveries"] != peer["accepted"] or c["pubacks"] != peer["pubacks"]:
    errs.append("deliveries %d, pubacks %d; the peer got %d and %d"
                % (c["deliveries"], c["pubacks"], peer["accepted"],
                   peer["pubacks"]))
print("\n".join(errs) if errs else
      "stats ok: %d accepted, non-HWP %s" % (fr["publish_accepted"],
                                             want_nonhwp))
sys.exit(1 if errs else 0)
PYEOF
echo "PASS"
