#!/bin/sh
# End-to-end through the client library (issue 11, docs/CLIENT.md):
# herald on an af_xdp port of a veth with its XDP program, herald-pub and
# herald-sub (libherald-client, kernel UDP sockets) in a network
# namespace this test creates (198.18.0.0/30) and removes. Each
# subscriber checks with --verify that its application saw every seq
# exactly once, in order, payloads byte-equal (or, where the mode allows,
# declared lost by a GAP or RESET event: never silently).
#   clean    100 000 messages on 4 channels to 8 subscribers
#   loss     the same with 10 % loss, reordering and duplication on every
#            subscriber (the library's seeded hook), NACKs lost too
#   publoss  loss, reordering and duplication on the publisher's link:
#            every acknowledged message delivered, none twice
#   stall    one of 4 subscribers stops reading for 3 s (a 256 KiB socket
#            buffer: the kernel drops what does not fit): the others see
#            everything, it recovers by NACK or is told by GAP
#   restart  herald restarted mid-stream: publisher and subscribers see
#            the new epoch, recover, the loss reported as RESET/GAP
# Herald's books balance and its pools return to their start (each run).
# With "tap" for XDP_OBJ (builds without BPF: the ASan one) herald runs
# on a net_tap port inside the namespace instead, the clients on the
# tap's kernel side (198.18.1.0/24, herald's MAC a static neighbour).
# Usage: client_e2e.sh HERALD_BIN XDP_OBJ|tap HERALD_PUB HERALD_SUB MODE [N]
set -u
HERALD=$1
OBJ=$2
PUB=$3
SUB=$4
MODE=$5
N=${6:-100000}
PY=/usr/bin/python3
. "$(dirname "$0")/herald_proc.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "FAIL: needs root (network namespaces, XDP, AF_XDP); CI runs as root"
	exit 1
fi

NS=hxc$$
PINS=/sys/fs/bpf/hxc$$
HV=hxch$$
PV=hxcp$$
TMP=$(mktemp -d)
HPID=
KEY=00112233445566778899aabbccddeeff0011223344556677
PREFIX=hxc$$
HMAC=02:00:00:00:0c:01
cleanup() {
	herald_kill
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	ip link del "$HV" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP" "/var/run/dpdk/$PREFIX"
	rm -f "$PINS/$HV"/* 2>/dev/null
	rmdir "$PINS/$HV" "$PINS" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

ip netns add "$NS" || fail "ip netns add"
ip -n "$NS" link set lo up
if [ "$OBJ" = tap ]; then
	HOST=198.18.1.1
	PEER=198.18.1.2
	ip netns exec "$NS" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 &&
		echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' ||
		fail "cannot disable IPv6 in the namespace"
else
	HOST=198.18.0.1
	PEER=198.18.0.2
	ip link add "$HV" type veth peer name "$PV" || fail "veth"
	ip link set "$PV" netns "$NS"
	ip addr add $HOST/30 dev "$HV"
	ip link set "$HV" up
	ip -n "$NS" addr add $PEER/30 dev "$PV"
	ip -n "$NS" link set "$PV" up
	# AF_XDP sees the raw bytes: the peer must compute real UDP checksums.
	ip netns exec "$NS" ethtool -K "$PV" tx off > /dev/null || fail "ethtool -K tx off"
fi
printf '%s\n' "$KEY" > "$TMP/key"

# A fixed instance epoch except where a restart must show a new one.
EPOCH="epoch = 0x0c11e001"
[ "$MODE" = restart ] && EPOCH=
cat > "$TMP/h.ini" <<INI
[herald]
address = $HOST
$EPOCH
token_key = $KEY
history_depth = 131072
xdp_pin_root = $PINS
[reliability]
history_messages = 262144
[lcores]
workers = 1
[mempool]
rx_mbufs = 16383
header_mbufs = 32767
indirect_mbufs = 4095
[control]
socket = none
INI

RUN=0
herald_start() {
	RUN=$((RUN + 1))
	if [ "$OBJ" = tap ]; then
		ip netns exec "$NS" "$HERALD" -l 0-1 --no-huge -m 2048 --no-pci \
			--file-prefix "$PREFIX" --log-level=warning \
			--vdev "net_tap0,iface=$HV,mac=$HMAC" -- \
			--config "$TMP/h.ini" --stats-json "$TMP/s.json" \
			> "$TMP/herald.log" 2>&1 &
		HPID=$!
		herald_wait_log "herald 0.1.0"
		# The tap is herald's: address, link and neighbour anew each run.
		ip -n "$NS" addr add $PEER/24 dev "$HV" 2>/dev/null
		ip -n "$NS" link set "$HV" up || fail "tap link up"
		ip -n "$NS" neigh replace $HOST lladdr $HMAC dev "$HV" nud permanent ||
			fail "static neighbour"
	else
		"$HERALD" -l 0-1 --no-huge -m 2048 --file-prefix "$PREFIX" \
			--log-level=warning \
			--vdev "net_af_xdp0,iface=$HV,xdp_prog=$OBJ" -- \
			--config "$TMP/h.ini" --stats-json "$TMP/s.json" \
			> "$TMP/herald.log" 2>&1 &
		HPID=$!
		herald_wait_log "XDP filter on $HV"
	fi
	sleep 0.5
}

# sub_start I ARGS...: subscriber I on port 40000+I, JSON to sub$I.json.
SUBPIDS=
sub_start() {
	i=$1
	shift
	ip netns exec "$NS" "$SUB" --server $HOST --bind "$PEER:$((40000 + i))" \
		--key-file "$TMP/key" --channels 1-4 --verify --no-progress \
		--json "$TMP/sub$i.json" "$@" > "$TMP/sub$i.out" 2>&1 &
	SUBPIDS="$SUBPIDS $!"
}

# subs_wait: every subscriber exits 0 (its checks passed).
subs_wait() {
	i=0
	for p in $SUBPIDS; do
		i=$((i + 1))
		wait "$p" || fail "subscriber $i: $(cat "$TMP"/sub*.out)"
	done
	cat "$TMP"/sub*.out
	SUBPIDS=
}

pub_run() {
	ip netns exec "$NS" "$PUB" --server $HOST --bind $PEER:41000 \
		--channels 1-4 --no-progress --json "$TMP/pub.json" "$@" \
		> "$TMP/pub.out" 2>&1
	PUB_RC=$?
	cat "$TMP/pub.out"
	[ $PUB_RC -eq 0 ] || fail "publisher: not every message acknowledged"
}

# json FILE EXPR: a value from a summary.
json() {
	$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

PER=$((N / 4))
# About 5 s of traffic whatever N (a stall of 3 s must fall inside it).
RATE=$((N / 5))
herald_start
case "$MODE" in
clean | loss)
	for i in 1 2 3 4 5 6 7 8; do
		IMP=
		[ "$MODE" = loss ] &&
			IMP="--impair seed=$i,rx_loss=0.1,rx_reorder=0.1,rx_dup=0.1,tx_loss=0.1"
		# shellcheck disable=SC2086 # IMP is two words or none
		sub_start $i --count $N --expect $PER --idle-exit 20 $IMP
	done
	sleep 1
	pub_run --count $N --rate $RATE
	subs_wait
	for i in 1 2 3 4 5 6 7 8; do
		nacks=$(json "$TMP/sub$i.json" 'd["nacks"]')
		dropped=$(json "$TMP/sub$i.json" 'd["rx_dropped"]')
		if [ "$MODE" = clean ]; then
			# A clean link: nothing to repair.
			[ "$nacks" -eq 0 ] || fail "clean subscriber $i sent $nacks NACKs"
		else
			# The hook dropped about 10 % (10 000) and NACKs repaired it.
			[ "$dropped" -gt $((N / 20)) ] || fail "subscriber $i: only $dropped dropped by the hook"
			[ "$nacks" -gt 0 ] || fail "subscriber $i: losses and no NACK"
		fi
	done
	;;
publoss)
	for i in 1 2 3 4; do
		sub_start $i --count $N --expect $PER --idle-exit 20
	done
	sleep 1
	pub_run --count $N --rate $RATE \
		--impair seed=5,tx_loss=0.1,tx_reorder=0.05,tx_dup=0.05,rx_loss=0.1
	subs_wait
	resends=$(json "$TMP/pub.json" 'd["resends"]')
	[ "$resends" -gt 0 ] || fail "publisher lost frames and resent none"
	;;
stall)
	for i in 1 2 3; do
		sub_start $i --count $N --expect $PER --idle-exit 20
	done
	sub_start 4 --expect $PER --idle-exit 8 --allow-gaps \
		--stall-after $((N / 5)) --stall-ms 3000 --rcvbuf 262144
	sleep 1
	pub_run --count $N --rate $RATE
	subs_wait
	got=$(json "$TMP/sub4.json" 'd["delivered"] + d["gap_seqs"]')
	[ "$got" -ge $N ] || fail "stalled subscriber: $got of $N seqs delivered or declared lost"
	nacks=$(json "$TMP/sub4.json" 'd["nacks"]')
	[ "$nacks" -gt 0 ] || fail "stalled subscriber recovered without a NACK"
	;;
restart)
	for i in 1 2 3 4; do
		sub_start $i --idle-exit 10 --allow-reset
	done
	sleep 1
	ip netns exec "$NS" "$PUB" --server $HOST --bind $PEER:41000 \
		--channels 1-4 --no-progress --json "$TMP/pub.json" \
		--count $((N * 4 / 5)) --rate $((N / 10)) --wait-acks 20 > "$TMP/pub.out" 2>&1 &
	PPID_=$!
	sleep 3
	herald_stop
	cp "$TMP/s.json" "$TMP/s1.json"
	herald_start
	wait $PPID_ || fail "publisher after the restart: $(cat "$TMP/pub.out")"
	cat "$TMP/pub.out"
	subs_wait
	sessions=$(json "$TMP/pub.json" 'd["sessions"]')
	[ "$sessions" -ge 2 ] || fail "publisher kept one session across the restart"
	for i in 1 2 3 4; do
		r=$(json "$TMP/sub$i.json" 'd["resets"]')
		[ "$r" -ge 4 ] || fail "subscriber $i: $r RESET events for 4 channels across a restart"
		# It recovered: messages of the new instance came after it.
		d=$(json "$TMP/sub$i.json" 'd["delivered"]')
		[ "$d" -gt $((N * 2 / 5)) ] || fail "subscriber $i: only $d delivered"
	done
	;;
*)
	fail "unknown mode $MODE"
	;;
esac
herald_stop
echo "PASS"
