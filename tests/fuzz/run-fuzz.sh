#!/bin/sh
# Build a fuzz target with clang (libFuzzer + ASan + UBSan) and run it for
# SECONDS. Exit status: 0 if no crash/invariant failure was found, nonzero
# otherwise (crash inputs land in BUILD_DIR/fuzz-TARGET/artifacts/).
#
# TARGET: hwp (the HWP parser, default), config (the INI loader) or
# classify (herald's receive classifier on fake mbufs).
#
# Usage: tests/fuzz/run-fuzz.sh BUILD_DIR SECONDS [TARGET]
set -eu

if [ $# -ne 2 ] && [ $# -ne 3 ]; then
	echo "usage: $0 BUILD_DIR SECONDS [hwp|config|classify]" >&2
	exit 2
fi
SECONDS_TO_RUN=$2
TARGET=${3:-hwp}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
OUT=$(cd "$1" && pwd)/fuzz-$TARGET
CLANG=${CLANG:-clang}

mkdir -p "$OUT/corpus" "$OUT/artifacts"
rm -rf "$OUT/seeds"
mkdir -p "$OUT/seeds"
CFLAGS="-std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror
	-D_GNU_SOURCE"
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
EXTRA=""

# The code under test is instrumented too: coverage guides the fuzzer
# through it, and sanitizers watch every access it makes.
case $TARGET in
hwp)
	CFLAGS="$CFLAGS -I$SRC/lib/hwp -I$SRC/tests/unit"
	BIN=fuzz_hwp_parse
	MAX_LEN=4096
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS $SAN -o "$OUT/$BIN" \
		"$SRC/tests/fuzz/fuzz_hwp_parse.c" "$SRC/lib/hwp/hwp.c"
	# Seeds: the unit tests' datagrams, regenerated on every run.
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS -o "$OUT/gen_seeds" \
		"$SRC/tests/fuzz/gen_seeds.c" "$SRC/lib/hwp/hwp.c"
	"$OUT/gen_seeds" "$OUT/seeds"
	;;
config)
	# DPDK headers only (types and constants): the loader calls no rte_
	# function, so nothing of DPDK is linked. -isystem: their warnings
	# are not ours.
	DPDK_CFLAGS=$(pkg-config --cflags libdpdk | sed 's/-I/-isystem /g')
	CFLAGS="$CFLAGS $DPDK_CFLAGS -I$SRC/app -I$SRC/lib/hwp -I$SRC/lib/inet"
	LOADER="$SRC/app/config/config.c $SRC/app/config/config_values.c
		$SRC/app/config/config_keyfile.c
		$SRC/lib/inet/inet_parse.c $SRC/lib/hwp/hwp_token.c"
	LIBS=$(pkg-config --libs libsodium)
	BIN=fuzz_config
	MAX_LEN=8192
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS $SAN -o "$OUT/$BIN" \
		"$SRC/tests/fuzz/fuzz_config.c" $LOADER $LIBS
	# Seeds: from the key table, the shipped config and the replay
	# cases' configs; the dictionary holds every section and key name.
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS -o "$OUT/gen_config_seeds" \
		"$SRC/tests/fuzz/gen_config_seeds.c" $LOADER $LIBS
	"$OUT/gen_config_seeds" "$OUT/seeds" "$OUT/config.dict"
	cp "$SRC/configs/default.ini" "$OUT/seeds/default.ini"
	for ini in "$SRC"/tests/replay/cases/*/herald.ini; do
		case_name=$(basename "$(dirname "$ini")")
		cp "$ini" "$OUT/seeds/replay_$case_name.ini"
	done
	EXTRA="-dict=$OUT/config.dict"
	;;
classify)
	# Header-only code under test (classify.h, inet_csum.h); the seed
	# generator also uses the header templates of udp_out.c.
	DPDK_CFLAGS=$(pkg-config --cflags libdpdk | sed 's/-I/-isystem /g')
	CFLAGS="$CFLAGS $DPDK_CFLAGS -I$SRC/app -I$SRC/lib/hwp -I$SRC/lib/inet
		-include rte_config.h"
	BIN=fuzz_classify
	MAX_LEN=2100
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS $SAN -o "$OUT/$BIN" \
		"$SRC/tests/fuzz/fuzz_classify.c"
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS -o "$OUT/gen_classify_seeds" \
		"$SRC/tests/fuzz/gen_classify_seeds.c" \
		"$SRC/app/dataplane/udp_out.c" "$SRC/lib/hwp/hwp.c" \
		$(pkg-config --libs libdpdk)
	"$OUT/gen_classify_seeds" "$OUT/seeds"
	;;
*)
	echo "$0: unknown target '$TARGET' (hwp, config or classify)" >&2
	exit 2
	;;
esac

# First corpus dir collects new inputs across runs; seeds are read-only.
# -timeout: one input taking over 10 s counts as a failure.
# -error_exitcode: libFuzzer's default (77) is what meson reads as "skipped":
# a crash must fail the test.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# shellcheck disable=SC2086
exec "$OUT/$BIN" \
	-max_total_time="$SECONDS_TO_RUN" \
	-max_len="$MAX_LEN" \
	-timeout=10 \
	-error_exitcode=1 \
	-print_final_stats=1 \
	-artifact_prefix="$OUT/artifacts/" \
	$EXTRA \
	"$OUT/corpus" "$OUT/seeds"
