"""One way for the Python tests to end: every failure on its own line,
then one summary line, and the exit status (0 only without failures).

  sys.exit(verdict("name", errors, "detail shown when OK"))
"""


def verdict(name, errors, detail=""):
    for e in errors:
        print("FAIL:", e)
    print("%s: %s%s" % (name, "FAIL" if errors else "OK",
                        " (%s)" % detail if detail else ""))
    return 1 if errors else 0
