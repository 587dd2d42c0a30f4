#!/usr/bin/python3
"""configs/grafana-herald.json, the Grafana dashboard: valid JSON, every
panel with queries, every query valid PromQL (promtool check rules on
them as recording rules, Grafana's variables filled in) and naming only
metrics docs/METRICS.md lists.

Usage: dashboard.py DASHBOARD.json METRICS.md
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from verdict import verdict  # noqa: E402


def main():
    dash = json.load(open(sys.argv[1]))
    documented = set(re.findall(r"`(herald_[a-z0-9_]+)`", open(sys.argv[2]).read()))
    errors, exprs = [], []
    for p in dash.get("panels", []):
        targets = p.get("targets", [])
        if not targets:
            errors.append("panel %r has no query" % p.get("title"))
        for t in targets:
            exprs.append((p.get("title"), t["expr"]))
    if len(exprs) < 8:
        errors.append("only %d queries" % len(exprs))
    for title, e in exprs:
        plain = re.sub(r'__name__=~"[^"]+"', "", e)
        for name in re.findall(r"\b(herald_[a-z0-9_]+)", plain):
            base = re.sub(r"_(bucket|sum|count)$", "", name) \
                if "latency" in name else name
            if base not in documented:
                errors.append("%s: %s is not in METRICS.md" % (title, name))
        for rx in re.findall(r'__name__=~"([^"]+)"', e):
            if not any(re.fullmatch(rx, m) for m in documented):
                errors.append("%s: %s matches no documented metric" % (title, rx))
    promtool = shutil.which("promtool")
    if promtool is None:
        errors.append("promtool is needed (Debian package prometheus)")
    else:
        rules = {"groups": [{"name": "dashboard", "rules": [
            {"record": "dashboard:q%d" % i,
             "expr": e.replace("$instance", ".*")
                      .replace("$__rate_interval", "1m")}
            for i, (_, e) in enumerate(exprs)]}]}
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            json.dump(rules, f)  # JSON is YAML
        r = subprocess.run([promtool, "check", "rules", f.name],
                           capture_output=True, text=True)
        os.unlink(f.name)
        if r.returncode != 0:
            errors.append("promtool check rules: %s%s" % (r.stdout, r.stderr))
    return verdict("dashboard", errors, "%d queries" % len(exprs))


if __name__ == "__main__":
    sys.exit(main())
