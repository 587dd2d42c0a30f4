#!/bin/sh
# Build the HWP parser fuzz target with clang (libFuzzer + ASan + UBSan)
# and run it for SECONDS. Exit status: 0 if no crash/invariant failure
# was found, nonzero otherwise (crash inputs land in
# BUILD_DIR/fuzz-hwp/artifacts/).
#
# Usage: tests/fuzz/run-fuzz.sh BUILD_DIR SECONDS
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR SECONDS" >&2
	exit 2
fi
SECONDS_TO_RUN=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
OUT=$(cd "$1" && pwd)/fuzz-hwp
CLANG=${CLANG:-clang}

mkdir -p "$OUT/corpus" "$OUT/artifacts"
CFLAGS="-std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror
	-D_GNU_SOURCE -I$SRC/lib/hwp -I$SRC/tests/unit"

# The parser itself is instrumented too: coverage guides the fuzzer
# through hwp.c, and sanitizers watch every access it makes.
# shellcheck disable=SC2086
"$CLANG" $CFLAGS -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all \
	-o "$OUT/fuzz_hwp_parse" \
	"$SRC/tests/fuzz/fuzz_hwp_parse.c" "$SRC/lib/hwp/hwp.c"

# Seeds: the unit tests' datagrams, regenerated on every run.
# shellcheck disable=SC2086
"$CLANG" $CFLAGS -o "$OUT/gen_seeds" \
	"$SRC/tests/fuzz/gen_seeds.c" "$SRC/lib/hwp/hwp.c"
rm -rf "$OUT/seeds"
mkdir -p "$OUT/seeds"
"$OUT/gen_seeds" "$OUT/seeds"

# First corpus dir collects new inputs across runs; seeds are read-only.
# -timeout: one input taking over 10 s counts as a failure.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
exec "$OUT/fuzz_hwp_parse" \
	-max_total_time="$SECONDS_TO_RUN" \
	-max_len=4096 \
	-timeout=10 \
	-print_final_stats=1 \
	-artifact_prefix="$OUT/artifacts/" \
	"$OUT/corpus" "$OUT/seeds"
