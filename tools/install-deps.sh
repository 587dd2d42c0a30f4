#!/bin/sh
# Install every Debian bookworm package Herald needs to build, run and test.
# Idempotent: installs only what is missing. As non-root, prints the exact
# apt-get line and exits 1 if anything is missing.
set -eu

# nats-server and redis-server: what tools/bench/bench_clients.py measures
# Herald against; prometheus: the server tests/metrics scrapes Herald with
# (started by the scripts, never as services of their own); tmux: the
# monitor's test.
PACKAGES="
	make gcc meson ninja-build pkg-config python3
	clang llvm lld libclang-rt-14-dev
	dpdk dpdk-dev libdpdk-dev
	libbpf-dev libxdp-dev bpftool linux-libc-dev
	libpcap-dev libsodium-dev libmicrohttpd-dev
	libcriterion-dev
	iproute2 ethtool iputils-ping
	clang-format
	nats-server redis-server
	prometheus tmux
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "herald: missing packages:$missing" >&2
	echo "run as root:  apt-get install -y$missing" >&2
	exit 1
fi

echo "herald: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
