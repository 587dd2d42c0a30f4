#!/usr/bin/python3
"""Herald's books, checked from its --stats-json file: every test that runs
herald uses this one checker.

  book_errors(stats) -> list of violations (empty when the books balance)
  herald_books.py STATS.json   prints them, exit 1 if any
"""
import json
import sys


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
        ("deliveries + pubacks == tx_packets + tx_dropped",
         c["deliveries"] + c["pubacks"], c["tx_packets"] + c["tx_dropped"]),
    ]
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
