#!/usr/bin/python3
"""docs/CLIENT.md quotes the two examples exactly as they are built
(tools/client-examples/*.c), so the doc's code compiles and runs.

  check_client_doc.py CLIENT.md EXAMPLE.c...   exit 1 if one is not quoted
"""
import re
import sys


def main():
    doc = open(sys.argv[1]).read()
    blocks = re.findall(r"```c\n(.*?)```", doc, re.S)
    errs = []
    for path in sys.argv[2:]:
        src = open(path).read()
        if src not in blocks:
            errs.append("%s is not quoted verbatim in %s" % (path, sys.argv[1]))
        elif len(src.splitlines()) > 50:
            errs.append("%s: %d lines, too long for an example" % (path, len(src.splitlines())))
    print("\n".join(errs) if errs else "client doc: %d examples quoted" % (len(sys.argv) - 2))
    return 1 if errs else 0


sys.exit(main())
