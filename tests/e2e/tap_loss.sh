#!/bin/sh
# End-to-end loss recovery (issue 10, docs/RELIABILITY.md): herald on a
# net_tap port in a namespace, a publisher and three model subscribers
# on the kernel side (tap_loss.py): one loses 10 % of what herald sends
# it and reorders and duplicates more, NACKing as a client library
# would; one stops reading for 3 s while the others go on; one takes
# everything. 100 000 messages: the lossy and the clean subscriber end
# with every seq exactly once, in order, payloads byte-equal; the
# stalled one with every seq once or declared lost by a GAP; the clean
# one never NACKs. Herald's books balance, every DELIVER was built, and
# its repair counters agree with what the peer saw.
# With STALL "gap" the history is shorter than what the stalled client
# misses: it must get the rest as a GAP (lost for good, said so) and the
# lossy one, which never falls that far behind, must still get it all.
# Usage: tap_loss.sh HERALD_BIN TAP_LOSS_PY nack|gap [MESSAGES]
set -u
HERALD=$1
PEER=$2
STALL=$3
MESSAGES=${4:-100000}
# nack: the stalled client is never given up on (retransmit_give_up 0)
# however its NACKs meet the budget; gap: the defaults.
DEPTH=131072
GIVE_UP=0
[ "$STALL" = gap ] && DEPTH=8192 && GIVE_UP=1024
PY=/usr/bin/python3
. "$(dirname "$0")/herald_proc.sh"
. "$(dirname "$0")/tap_ns.sh"

tap_setup loss l

# History for the whole run (a client that stalls 3 s asks for what it
# missed); the default retransmit budget.
cat > "$TMP/h.ini" <<INI
[herald]
address = 198.18.1.1
epoch = 0x7a900010
history_depth = $DEPTH
[reliability]
history_messages = 262144
retransmit_give_up = $GIVE_UP
[lcores]
workers = 1
[control]
socket = none
INI
cat > "$TMP/cmds" <<CMDS
sub add 1 11 198.18.1.11 40000 02:00:00:00:11:01
sub add 1 12 198.18.1.12 40000 02:00:00:00:11:02
sub add 1 13 198.18.1.13 40000 02:00:00:00:11:03
CMDS

herald_tap_run a -l 0-1
herald_tap_ready "cmds: 3 commands, 0 failed"

ip netns exec "$NS" $PY "$PEER" "$IF" "$HMAC" 198.18.1.1 "$TMP/peer.json" \
	"$MESSAGES" 7 "$STALL"
PEER_RC=$?

# Slow subscribers are visible: telemetry's top by repair names the
# stalled and the lossy endpoints, worst first, and never the clean one.
$PY - "$TSOCK" <<'PYEOF' || { PEER_RC=1; echo "FAIL: /herald/subscribers/top"; }
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
json.loads(s.recv(16384).decode())
s.send(b"/herald/subscribers/top")
top = json.loads(s.recv(65536).decode())["/herald/subscribers/top"]
print("top:", top)
eps = [t.split()[0] for t in top["top"]]
refused = [int(t.split()[4]) + int(t.split()[6]) for t in top["top"]]
ok = (top["with_nacks"] == 2 and len(eps) == 2
      and set(eps) == {"198.18.1.11:40000", "198.18.1.12:40000"}
      and refused == sorted(refused, reverse=True))
# The other orders (docs/METRICS.md): those with any of the count, most
# first, ties by retransmits; expected from the repair list's counts.
field = {"nacks": 2, "budget": 4, "retransmits": 8, "gaps": 10}
for order, i in field.items():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    json.loads(s.recv(16384).decode())
    cmd = "/herald/subscribers/top," + order
    s.send(cmd.encode())
    got = json.loads(s.recv(65536).decode())["/herald/subscribers/top"]
    rows = [t.split() for t in top["top"] if int(t.split()[i]) > 0]
    want = [r[0] for r in sorted(rows, key=lambda r: (int(r[i]), int(r[8])),
                                 reverse=True)]
    print(order + ":", got)
    if got["order"] != order or got["ranked"] != len(want) or \
            [t.split()[0] for t in got["top"]] != want:
        ok = False
sys.exit(0 if ok else 1)
PYEOF

herald_stop
if [ $PEER_RC -ne 0 ]; then
	# What herald saw, for the failure's story.
	$PY -c 'import json, sys
d = json.load(open(sys.argv[1]))
print({k: v for k, v in list(d["frames"].items()) + list(d["counters"].items()) + list(d["invalid"].items()) + list(d["nonhwp"].items())
       if v and ("nack" in k or "retrans" in k or "gap" in k or "publish" in k or k in d["invalid"] or k in d["nonhwp"])})' "$TMP/s.json"
	fail "peer checks"
fi
$PY - "$TMP/s.json" "$TMP/peer.json" <<'PYEOF' || fail "stats check"
import json, sys
d = json.load(open(sys.argv[1]))
peer = json.load(open(sys.argv[2]))
c, fr = d["counters"], d["frames"]
n, cl = peer["messages"], peer["clients"]
errs = []
def need(ok, what):
    if not ok:
        errs.append(what)
need(c["messages_sequenced"] == n, "messages_sequenced %d, published %d"
     % (c["messages_sequenced"], n))
need(c["deliveries"] == 3 * n and c["deliveries_nombuf"] == 0 and
     c["tx_dropped"] == 0, "deliveries %d (nombuf %d, tx_dropped %d) for "
     "%d messages x 3" % (c["deliveries"], c["deliveries_nombuf"],
                          c["tx_dropped"], n))
nacks = sum(x["nacks"] for x in cl.values())
need(fr["nack_accepted"] == nacks and fr["nack_not_live"] == 0,
     "herald took %d NACKs (not live %d), the peer sent %d"
     % (fr["nack_accepted"], fr["nack_not_live"], nacks))
need(c["nack_not_subscribed"] == 0 and c["nack_future"] == 0,
     "NACKs judged not subscribed %d, future %d"
     % (c["nack_not_subscribed"], c["nack_future"]))
# The peer sees at most what herald sent (a stalled client misses some).
got_rtx = sum(x["retransmits"] for x in cl.values())
need(0 < got_rtx <= c["retransmits"],
     "retransmits %d, the peer got %d" % (c["retransmits"], got_rtx))
need(c["gaps"] >= sum(x["gaps"] for x in cl.values()),
     "GAPs %d, the peer got more" % c["gaps"])
need(c["nack_answered"] > 0, "no NACK was answered")
print("\n".join(errs) if errs else
      "stats ok: %d messages, %d NACKs (answered %d, suppressed %d, over "
      "budget %d), %d retransmits, %d GAPs, %d heartbeats"
      % (n, c["nacks"], c["nack_answered"], c["nack_suppressed"],
         c["nack_over_budget"], c["retransmits"], c["gaps"],
         c["heartbeats"]))
sys.exit(1 if errs else 0)
PYEOF
cat "$TMP/peer.json"
echo "PASS"
