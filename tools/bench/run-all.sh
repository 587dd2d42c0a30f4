#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run every benchmark of tools/bench against a build directory:
#   bench_parse (HWP parser), bench_rxpath (receive checks), bench_xdp
#   (XDP filter, if built) and
#   bench_dataplane.py (Herald deliveries/s vs dpdk-testpmd) and
#   bench_control.py (subscriptions applied per second, their cost to
#   the data plane).
# Usage: tools/bench/run-all.sh [BUILD_DIR] [bench_dataplane options]
#   e.g. tools/bench/run-all.sh build --quick
# BENCH_PARSE_ARGS / BENCH_RXPATH_ARGS / BENCH_XDP_ARGS pass arguments to
# the C benchmarks, BENCH_CONTROL_ARGS to bench_control.py (e.g. --huge).
# Exit status: 0 if every benchmark succeeded, else 1.

BUILD=${1:-build}
[ $# -gt 0 ] && shift
HERE=$(dirname "$0")
status=0

if [ ! -d "$BUILD" ]; then
	echo "run-all.sh: no build directory '$BUILD'" >&2
	exit 1
fi

run() {
	name=$1
	shift
	echo "===== $name"
	if ! "$@"; then
		echo "===== $name: FAILED" >&2
		status=1
	fi
	echo
}

if [ -x "$BUILD/tools/bench/bench_parse" ]; then
	# shellcheck disable=SC2086
	run bench_parse "$BUILD/tools/bench/bench_parse" $BENCH_PARSE_ARGS
else
	echo "===== bench_parse: not built ($BUILD/tools/bench/bench_parse)" >&2
	status=1
fi

if [ -x "$BUILD/tools/bench/bench_rxpath" ]; then
	# shellcheck disable=SC2086
	run bench_rxpath taskset -c 1 "$BUILD/tools/bench/bench_rxpath" \
		$BENCH_RXPATH_ARGS
else
	echo "===== bench_rxpath: not built ($BUILD/tools/bench/bench_rxpath)" >&2
	status=1
fi

if [ -x "$BUILD/tools/bench/bench_xdp" ]; then
	# shellcheck disable=SC2086
	run bench_xdp "$BUILD/tools/bench/bench_xdp" $BENCH_XDP_ARGS
else
	echo "===== bench_xdp: not built, skipped"
	echo
fi

run bench_dataplane /usr/bin/python3 "$HERE/bench_dataplane.py" "$BUILD" "$@"

# shellcheck disable=SC2086
run bench_control /usr/bin/python3 "$HERE/bench_control.py" "$BUILD" \
	$BENCH_CONTROL_ARGS

exit $status
