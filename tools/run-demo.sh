#!/bin/sh
# `make run`: Herald on virtual devices, no NIC needed.
#   port 0  net_pcap replaying demo publishers forever (infinite_rx)
#   port 1  net_null sink for the DELIVERs
# 4 publishers on 16 channels; 8 demo subscribers on every channel.
# At the herald> prompt try: show stats, show lcores, show channel 1, help;
# from another terminal, tools/herald-ctl/herald-ctl (the control socket).
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEMO="$ROOT/$BUILD/demo"
GEN="$ROOT/$BUILD/tools/hwp-gen/hwp-gen"
HERALD="$ROOT/$BUILD/app/herald"

mkdir -p "$DEMO"
"$GEN" --mode publish -o "$DEMO/publish.pcap" --publishers 4 --channels 16 \
	--messages 8192 --payload-min 32 --payload-max 256 --seed 7 --quiet

{
	echo "# demo subscribers: 8 per channel (MAC: next_hop_mac)"
	ch=1
	while [ $ch -le 16 ]; do
		s=1
		while [ $s -le 8 ]; do
			echo "sub add $ch $s 198.18.2.$s 40000"
			s=$((s + 1))
		done
		ch=$((ch + 1))
	done
	echo "show lcores"
} > "$DEMO/subscribers.cli"

# The control socket lives in /run/herald; without root, in the demo's
# own folder.
CONFIG="$ROOT/configs/default.ini"
SOCK=/run/herald/control.sock
if [ "$(id -u)" != 0 ]; then
	SOCK="$DEMO/control.sock"
	sed "s|^socket = .*|socket = $SOCK|" "$CONFIG" > "$DEMO/default.ini"
	CONFIG="$DEMO/default.ini"
fi

echo "Herald demo: type 'show stats' for live rates, 'help' for commands, 'quit' to stop."
echo "From another terminal: tools/herald-ctl/herald-ctl --socket $SOCK show stats"
exec "$HERALD" -l 0-1 --no-huge -m 1024 --file-prefix herald-demo \
	--log-level=warning \
	--vdev "net_pcap0,rx_pcap=$DEMO/publish.pcap,infinite_rx=1" \
	--vdev "net_null0,no-rx=1" \
	-- --config "$CONFIG" \
	--cmdline-file "$DEMO/subscribers.cli" -i
