# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the e2e scripts: one way to fail, wait for, stop and judge a
# herald running in the background. The caller sets PY, TMP (scratch
# directory: herald writes herald.log and s.json there) and HPID (herald's
# pid while it runs, else empty).

BOOKS=$(dirname "$0")/../common/herald_books.py

fail() {
	echo "FAIL: $*"
	echo "---- herald log ----"
	cat "$TMP/herald.log" 2>/dev/null
	exit 1
}

# For cleanup traps: stop a herald still running, by force if it hangs.
herald_kill() {
	[ -n "$HPID" ] && kill -INT "$HPID" 2>/dev/null && sleep 1
	[ -n "$HPID" ] && kill -KILL "$HPID" 2>/dev/null
}

# herald_wait_log PATTERN: wait (10 s at most) until herald's log shows
# PATTERN, failing at once if herald exits.
herald_wait_log() {
	i=0
	until grep -q "$1" "$TMP/herald.log"; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "herald did not start"
		kill -0 "$HPID" 2>/dev/null || fail "herald exited early"
		sleep 0.1
	done
}

# herald_stop: SIGINT; herald must exit 0 with its books balanced and
# every mempool back to its start level.
herald_stop() {
	kill -INT "$HPID"
	wait "$HPID"
	RC=$?
	HPID=
	[ $RC -eq 0 ] || fail "herald exit code $RC"
	$PY "$BOOKS" "$TMP/s.json" || fail "books do not balance"
}
