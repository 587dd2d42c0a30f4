# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the net_tap e2e scripts after herald_proc.sh: herald on a
# net_tap port inside a network namespace that the script creates and
# removes (198.18.1.0/24 in the frames, no address or route on the tap,
# IPv6 off), so nothing leaves it. The caller sets HERALD, PY, TMP, NS,
# IF, HMAC and HPID=, traps tap_cleanup on EXIT (and exits on INT, TERM,
# HUP and PIPE, so that it runs), and writes $TMP/h.ini (and $TMP/cmds
# for commands).

# The e2e scripts need root.
tap_need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "FAIL: needs root (network namespace, tap device); CI runs as root"
		exit 1
	fi
}

PREFIXES=
tap_cleanup() {
	herald_kill
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
	# The EAL runtime directories of this script's herald runs.
	for p in $PREFIXES; do
		rm -rf "/var/run/dpdk/$p"
	done
}

# tap_ns_add: the namespace, IPv6 off (the kernel would send router
# solicitations into herald: non-HWP noise for the counters).
tap_ns_add() {
	ip netns add "$NS" || fail "ip netns add"
	ip netns exec "$NS" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 &&
		echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' ||
		fail "cannot disable IPv6 in the namespace"
}

# tap_setup NAME SHORT: root checked, namespace hxNAME<pid> with tap
# interface hxSHORT<pid> (herald's MAC $HMAC), scratch $TMP, cleanup on
# exit (and on INT, TERM, HUP and PIPE).
tap_setup() {
	tap_need_root
	NS=hx$1$$
	IF=hx$2$$
	HMAC=02:00:00:00:10:01
	TMP=$(mktemp -d)
	HPID=
	trap tap_cleanup EXIT
	trap 'exit 1' INT TERM HUP PIPE
	tap_ns_add
}

# herald_tap_run RUN EAL_LCORE_ARGS...: herald in the namespace on
# net_tap0 (iface $IF, mac $HMAC) with $TMP/h.ini, $TMP/cmds if there,
# stats to $TMP/s.json, log to $TMP/herald.log; its file prefix (and so
# its telemetry socket $TSOCK) is $NS$RUN. In the background: sets HPID.
herald_tap_run() {
	PREFIX=$NS$1
	PREFIXES="$PREFIXES $PREFIX"
	shift
	TSOCK=/var/run/dpdk/$PREFIX/dpdk_telemetry.v2
	CMDS=
	[ -f "$TMP/cmds" ] && CMDS="--cmdline-file $TMP/cmds"
	# shellcheck disable=SC2086 # CMDS is two words or none
	ip netns exec "$NS" "$HERALD" "$@" --no-huge -m 1024 --no-pci \
		--file-prefix "$PREFIX" --log-level=warning \
		--vdev "net_tap0,iface=$IF,mac=$HMAC" -- \
		--config "$TMP/h.ini" $CMDS \
		--stats-json "$TMP/s.json" > "$TMP/herald.log" 2>&1 &
	HPID=$!
}

# herald_tap_ready PATTERN: herald's log shows PATTERN (the summary of
# its command file, or its banner), then the tap goes up.
herald_tap_ready() {
	herald_wait_log "$1"
	ip -n "$NS" link set "$IF" up || fail "tap link up"
}
