#!/usr/bin/python3
"""Herald's books, checked from its --stats-json file: every test that runs
herald uses this one checker.

  book_errors(stats) -> list of violations (empty when the books balance)
  herald_books.py STATS.json   prints them, exit 1 if any
"""
import json
import sys


# The control thread's item outcomes (docs/COUNTERS.md), in order.
OK_OUTCOMES = ("subscribed", "refreshed", "unsubscribed",
               "passive_subscribed", "promoted", "demoted")
FAILED_OUTCOMES = ("bad_token", "expired", "not_subscribed",
                   "limit_subscribers", "limit_channels",
                   "limit_subscriptions", "limit_endpoints", "limit_passive",
                   "unavailable_resume", "unavailable_passive", "no_memory")


# The owner's verdicts on a NACK (docs/RELIABILITY.md), one each.
NACK_VERDICTS = ("nack_answered", "nack_not_subscribed", "nack_future",
                 "nack_suppressed", "nack_actions_full", "nack_given_up",
                 "nack_over_budget")


def control_rules(stats):
    """Every SUBSCRIBE/UNSUBSCRIBE a worker queued was taken by the
    control thread, has one outcome, and its answer was sent or counted."""
    c, fr, k = stats["counters"], stats["frames"], stats["control"]
    ok = sum(k[n] for n in OK_OUTCOMES)
    failed = sum(k[n] for n in FAILED_OUTCOMES)
    return [
        ("subscribe_queued == control.items", fr["subscribe_queued"],
         k["items"]),
        ("control.items == sum(outcomes)", k["items"], ok + failed),
        ("ok outcomes == subacks_requested", ok, k["subacks_requested"]),
        ("subacks_requested == subacks + subacks_nombuf",
         k["subacks_requested"], c["subacks"] + c["subacks_nombuf"]),
        ("failed outcomes == fail_replies + fail_replies_limited"
         " + fail_replies_nombuf", failed,
         k["fail_replies"] + k["fail_replies_limited"]
         + k["fail_replies_nombuf"]),
        ("fail_replies == control tx_packets + tx_dropped + tx_forwarded",
         k["fail_replies"], k["tx_packets"] + k["tx_dropped"]
         + k["tx_forwarded"]),
        ("control.tx_forwarded == control_sent", k["tx_forwarded"],
         c["control_sent"]),
    ]


def book_errors(stats):
    c, fr = stats["counters"], stats["frames"]
    nonhwp = sum(stats["nonhwp"].values())
    invalid = sum(stats["invalid"].values())
    rules = [
        ("rx_packets == sum(nonhwp) + sum(invalid) + rx_datagrams_valid"
         " + rx_jumbo_nombuf",
         c["rx_packets"], nonhwp + invalid + c["rx_datagrams_valid"]
         + c["rx_jumbo_nombuf"]),
        ("rx_frames == sum(frames)", c["rx_frames"], sum(fr.values())),
        ("publish_accepted == messages_sequenced + channel_table_full",
         fr["publish_accepted"],
         c["messages_sequenced"] + c["channel_table_full"]),
        ("handoffs_out == handoffs_in", c["handoffs_out"],
         c["handoffs_in"]),
        ("deliveries + pubacks + subacks + keepalives + control_sent"
         " + retransmits + gaps + heartbeats + pulses"
         " == tx_packets + tx_dropped",
         c["deliveries"] + c["pubacks"] + c["subacks"] + c["keepalives"]
         + c["control_sent"] + c["retransmits"] + c["gaps"]
         + c["heartbeats"] + c["pulses"],
         c["tx_packets"] + c["tx_dropped"]),
        ("nack_accepted == nacks", fr["nack_accepted"], c["nacks"]),
        ("nacks == sum(nack verdicts)", c["nacks"],
         sum(c[n] for n in NACK_VERDICTS)),
        ("nack_handoffs_out == nack_handoffs_in", c["nack_handoffs_out"],
         c["nack_handoffs_in"]),
    ]
    rules += control_rules(stats)
    errors = [f"conservation violated: {text}: {a} != {b}"
              for text, a, b in rules if a != b]
    for mp in stats["mempools"]:
        if mp["in_use_end"] != mp["in_use_start"]:
            errors.append(f"mempool {mp['name']} leaked: in_use "
                          f"{mp['in_use_start']} at start, "
                          f"{mp['in_use_end']} at end")
    if not stats["mempools"]:
        errors.append("stats JSON lists no mempool")
    return errors


def main(argv):
    with open(argv[1]) as f:
        errors = book_errors(json.load(f))
    for e in errors:
        print("FAIL:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
