#!/bin/sh
# End-to-end: herald on an af_xdp port of a veth, with Herald's XDP program
# (loaded by the PMD from xdp_prog=, adopted and configured by herald).
# The peer lives in a network namespace this test creates (198.18.0.0/30)
# and removes on exit. Checks:
#   * HWP PUBLISHes reach herald and DELIVERs reach two subscriber
#     sockets in the namespace (the kernel accepting them proves the
#     checksums); af_xdp cannot send chained mbufs, so this is also the
#     test of the flat-copy output path (deliveries_linearized);
#   * ping and other UDP still reach the host kernel while herald runs;
#   * junk to Herald's port is dropped by XDP (counted there, seen by
#     herald-xdp) and never reaches herald (its drop counters stay 0);
#   * "xdp slot N pass" from the CLI hands a slot to the kernel;
#   * herald exits cleanly with conservation and no mbuf leak, and
#     removes its pins and the pin root it made.
# Usage: xdp_herald.sh HERALD_BIN XDP_OBJ HERALD_XDP_TOOL PEER_PY
set -u
HERALD=$1
OBJ=$2
TOOL=$3
PEER=$4
PY=/usr/bin/python3
. "$(dirname "$0")/herald_proc.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "FAIL: needs root (network namespaces, XDP, AF_XDP); CI runs as root"
	exit 1
fi

NS=hxe2e$$
PINS=/sys/fs/bpf/hxe2e$$
HV=hxh$$
PV=hxp$$
TMP=$(mktemp -d)
HPID=
cleanup() {
	herald_kill
	ip link del "$HV" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
	# Pins of a herald that died: only the files this test's run made.
	rm -f "$PINS/$HV"/* 2>/dev/null
	rmdir "$PINS/$HV" "$PINS" 2>/dev/null
}
trap cleanup EXIT INT TERM

ip netns add "$NS" || fail "ip netns add"
ip link add "$HV" type veth peer name "$PV" || fail "veth"
ip link set "$PV" netns "$NS"
ip addr add 198.18.0.1/30 dev "$HV"
ip link set "$HV" up
ip -n "$NS" addr add 198.18.0.2/30 dev "$PV"
ip -n "$NS" link set "$PV" up
ip -n "$NS" link set lo up
# A veth hands UDP over with the checksum left to "hardware" (partial);
# AF_XDP sees the raw bytes, so make the peer compute real checksums, as
# a NIC on the wire would have.
ip netns exec "$NS" ethtool -K "$PV" tx off > /dev/null || fail "ethtool -K tx off"
PMAC=$(ip -n "$NS" -o link show "$PV" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
[ -n "$PMAC" ] || fail "no peer MAC"

cat > "$TMP/h.ini" <<INI
[herald]
address = 198.18.0.1
epoch = 0x0e2e0001
xdp_pin_root = $PINS
[lcores]
workers = 1
[mempool]
rx_mbufs = 4095
header_mbufs = 4095
indirect_mbufs = 1023
[control]
socket = none
INI
# Channel 2 lives in slot 999 (fmix64(2) mod 4096): the CLI hands that
# slot to the kernel, so its PUBLISHes must never reach herald.
printf 'sub add 1 7 198.18.0.2 40000 %s\nsub add 1 8 198.18.0.2 40001 %s\nsub add 2 7 198.18.0.2 40000 %s\nxdp slot 999 pass\n' \
	"$PMAC" "$PMAC" "$PMAC" > "$TMP/cmds"

"$HERALD" -l 0-1 --no-huge -m 1024 --file-prefix "hxe2e$$" --log-level=warning \
	--vdev "net_af_xdp0,iface=$HV,xdp_prog=$OBJ" -- \
	--config "$TMP/h.ini" --cmdline-file "$TMP/cmds" \
	--stats-json "$TMP/s.json" > "$TMP/herald.log" 2>&1 &
HPID=$!
herald_wait_log "cmds: 4 commands, 0 failed"
grep -q "XDP filter on $HV, maps pinned in $PINS/$HV" "$TMP/herald.log" || fail "XDP program not adopted (or pinned elsewhere)"
sleep 0.5

# 1. HWP traffic reaches herald; DELIVERs reach the subscriber.
ip netns exec "$NS" $PY "$PEER" listen 198.18.0.2 40000 20 5 > "$TMP/listen.out" 2>&1 &
LPID=$!
ip netns exec "$NS" $PY "$PEER" listen 198.18.0.2 40001 20 5 > "$TMP/listen2.out" 2>&1 &
LPID2=$!
sleep 0.3
ip netns exec "$NS" $PY "$PEER" publish 198.18.0.1 7700 1 20 || fail "publish"
wait $LPID || fail "subscriber 7: $(cat "$TMP/listen.out")"
wait $LPID2 || fail "subscriber 8: $(cat "$TMP/listen2.out")"
cat "$TMP/listen.out" "$TMP/listen2.out"

# 2. The kernel still answers: ping and another UDP port.
ip netns exec "$NS" ping -c 2 -W 2 198.18.0.1 > /dev/null || fail "ping to the host failed while herald runs"
$PY "$PEER" listen-udp 198.18.0.1 9999 5 > "$TMP/udp.out" 2>&1 &
UPID=$!
sleep 0.3
ip netns exec "$NS" $PY "$PEER" udp 198.18.0.1 9999
wait $UPID || fail "other UDP did not reach the kernel: $(cat "$TMP/udp.out")"
cat "$TMP/udp.out"

# 3. Junk to Herald's port dies in XDP.
ip netns exec "$NS" $PY "$PEER" junk 198.18.0.1 7700 5
sleep 0.3
"$TOOL" counters "$HV" --pin "$PINS/$HV" > "$TMP/xdp.out" 2>&1 || fail "herald-xdp counters: $(cat "$TMP/xdp.out")"
grep -E "bad_magic[^0-9]+5( |$)" "$TMP/xdp.out" > /dev/null || fail "XDP did not count 5 bad_magic: $(cat "$TMP/xdp.out")"

# 4. A slot steered to the kernel by "xdp slot" bypasses herald.
ip netns exec "$NS" $PY "$PEER" publish 198.18.0.1 7700 2 5
sleep 0.3
"$TOOL" counters "$HV" --pin "$PINS/$HV" > "$TMP/xdp.out" 2>&1 || fail "herald-xdp counters"
grep -E "slot_pass[^0-9]+5( |$)" "$TMP/xdp.out" > /dev/null || fail "XDP did not pass slot 999 to the kernel: $(cat "$TMP/xdp.out")"

# 5. Clean stop, books balanced, pins and the root herald made removed.
herald_stop
[ -e "$PINS" ] && fail "pins left behind in $PINS: $(ls -R "$PINS")"
$PY - "$TMP/s.json" <<'PYEOF' || fail "stats check"
import json, sys
d = json.load(open(sys.argv[1]))
c, fr = d["counters"], d["frames"]
errs = []
if sum(d["invalid"].values()) or sum(d["nonhwp"].values()):
    errs.append("junk reached herald: %s %s" % (d["invalid"], d["nonhwp"]))
if fr["publish_accepted"] != 20 or c["deliveries"] != 40:
    errs.append("expected 20 accepted and 40 delivered, got %d/%d" % (fr["publish_accepted"], c["deliveries"]))
if not d["ports"][0]["tx_multi_seg"] and c["deliveries_linearized"] != 40:
    errs.append("af_xdp port without chaining: expected 40 flat copies, got %d" % c["deliveries_linearized"])
print("\n".join(errs) if errs else "stats ok: %d delivered (%d flat), no junk, books balanced" % (c["deliveries"], c["deliveries_linearized"]))
sys.exit(1 if errs else 0)
PYEOF
echo "PASS"
