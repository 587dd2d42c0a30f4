#!/bin/sh
# What a gateway team gets from `meson install`: the headers under
# include/herald/, libherald-client and libherald-token with sonames, and
# pkg-config files that an example builds with. libherald-client needs
# libc alone; only libherald-token links libsodium.
# Usage: check_client_install.sh BUILD_DIR EXAMPLE_PUB.c EXAMPLE_SUB.c
set -u
BUILD=$1
PUB=$2
SUB=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

meson install -C "$BUILD" --no-rebuild --quiet --destdir "$TMP/root" > "$TMP/install.log" 2>&1 ||
	fail "meson install: $(cat "$TMP/install.log")"
PC=$(find "$TMP/root" -name herald-client.pc | head -1)
[ -n "$PC" ] || fail "no herald-client.pc installed"
PCDIR=$(dirname "$PC")
[ -f "$PCDIR/herald-token.pc" ] || fail "no herald-token.pc installed"
for h in client.h token.h; do
	find "$TMP/root" -path "*/include/herald/$h" | grep -q . || fail "include/herald/$h not installed"
done
export PKG_CONFIG_PATH="$PCDIR"
# The files name the install prefix; here they sit under DESTDIR.
PREFIX=$(pkg-config --variable=prefix herald-client)
PKG="pkg-config --define-variable=prefix=$TMP/root$PREFIX"
CFLAGS=$($PKG --cflags herald-client) || fail "pkg-config herald-client"
cc -Wall -Wextra -Werror $CFLAGS "$PUB" -o "$TMP/pub" $($PKG --libs herald-client) ||
	fail "the publisher example does not build against the installed library"
cc -Wall -Wextra -Werror $CFLAGS "$SUB" -o "$TMP/sub" $($PKG --libs herald-client herald-token) ||
	fail "the subscriber example does not build against the installed libraries"
LIB=$(find "$TMP/root" -name 'libherald-client.so.0.*' | head -1)
TOK=$(find "$TMP/root" -name 'libherald-token.so.0.*' | head -1)
readelf -d "$LIB" | grep -q 'SONAME.*\[libherald-client.so.0\]' || fail "libherald-client soname"
readelf -d "$TOK" | grep -q 'SONAME.*\[libherald-token.so.0\]' || fail "libherald-token soname"
# (A sanitizer build also needs its runtimes: not the library's own.)
NEEDED=$(readelf -d "$LIB" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' |
	grep -v -E '^lib(asan|ubsan)\.so' | tr '\n' ' ')
[ "$NEEDED" = "libc.so.6 " ] || fail "libherald-client needs more than libc: $NEEDED"
readelf -d "$TOK" | grep -q 'NEEDED.*libsodium' || fail "libherald-token does not link libsodium"
# Only the API is exported.
BAD=$(nm -D --defined-only "$LIB" | awk '$2 == "T" && $3 !~ /^herald_/ {print $3}')
[ -z "$BAD" ] || fail "libherald-client exports non-API symbols: $BAD"
# The examples run against the installed library (they need a Herald to
# talk to: here only that they load and link).
LD_LIBRARY_PATH=$(dirname "$LIB") ldd "$TMP/sub" | grep -q "libherald-client.so.0 => $(dirname "$LIB")" ||
	fail "the example does not load the installed library"
echo "PASS: headers, sonames, pkg-config, examples built; libherald-client needs: $NEEDED"
