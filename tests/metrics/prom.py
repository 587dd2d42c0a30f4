#!/usr/bin/python3
"""Herald's Prometheus metrics scraped by a real Prometheus (issue 12).

herald forwards a finite capture with its [metrics] server on, a
Prometheus (the Debian package, started here on loopback) scrapes it
every second. Once the counters settle and two more scrapes have come:
  * every herald_*_total Prometheus holds equals herald's own JSON at exit
    (summed over the worker / port labels), and every counter of the JSON
    has its series;
  * `promtool check metrics` passes on the exposition;
  * the latency histograms are well-formed (cumulative buckets, +Inf equal
    to _count, _count equal to the messages the worker sequenced) and
    Prometheus computes a quantile from them;
  * /healthz answers 200, 503 naming the worker once it is stopped
    (herald-ctl stop), 200 again after start;
  * herald's books balance.

Usage: prom.py HERALD HWP_GEN HERALD_CTL
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from herald_books import book_errors  # noqa: E402
from verdict import verdict  # noqa: E402
from herald_argv import herald_argv  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(url, timeout=5):
    """(status, body) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def parse_exposition(text):
    """{(name, frozenset(labels)): value} of the sample lines."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, value = line.rsplit(" ", 1)
        labels = frozenset()
        if "{" in head:
            name, rest = head.split("{", 1)
            labels = frozenset(tuple(kv.split("=", 1))
                               for kv in rest.rstrip("}").split(",") if kv)
        else:
            name = head
        out[(name, labels)] = float(value)
    return out


def prom_query(base, q):
    status, body = get(base + "/api/v1/query?" +
                       urllib.parse.urlencode({"query": q}))
    if status != 200:
        raise RuntimeError("prometheus query %s: %d %s" % (q, status, body))
    return json.loads(body)["data"]["result"]


# Counters that move without traffic (the loop runs; the test's own
# stop/start after the last scrape pauses the workers): at most the JSON.
MOVING = {"herald_loops_total", "herald_pauses_total"}


def json_counters(d):
    """herald_<...>_total -> value, as docs/METRICS.md maps the JSON."""
    want = {}
    for k, v in d["counters"].items():
        want["herald_%s_total" % k] = v
    for sect, prefix in (("frames", "frame_"), ("nonhwp", "nonhwp_"),
                         ("invalid", "invalid_"), ("control", "control_")):
        for k, v in d[sect].items():
            want["herald_%s%s_total" % (prefix, k)] = v
    return want


def check_histograms(expo, messages):
    errors = []
    names = {n[: -len("_bucket")] for (n, _) in expo if n.endswith("_bucket")}
    if not names:
        return ["no histogram in the exposition"]
    for h in sorted(names):
        workers = {dict(lb)["worker"] for (n, lb) in expo if n == h + "_count"}
        for w in workers:
            bks = sorted(((float(dict(lb)["le"].strip('"').replace("+Inf", "inf")), v)
                          for (n, lb), v in expo.items()
                          if n == h + "_bucket" and dict(lb)["worker"] == w))
            counts = [v for _, v in bks]
            if counts != sorted(counts):
                errors.append("%s worker %s: buckets not cumulative" % (h, w))
            total = expo[(h + "_count", frozenset({("worker", w)}))]
            if bks[-1][0] != float("inf") or bks[-1][1] != total:
                errors.append("%s worker %s: +Inf %r != count %r" % (
                    h, w, bks[-1], total))
            if h.endswith("rx_to_tx_seconds") and total != messages:
                errors.append("%s: count %d, %d messages sequenced" % (
                    h, total, messages))
    return errors


def main():
    herald, gen, ctl = sys.argv[1:4]
    prom_bin = shutil.which("prometheus")
    promtool = shutil.which("promtool")
    if prom_bin is None or promtool is None:
        return verdict("metrics", ["prometheus and promtool are needed "
                                   "(Debian package prometheus)"])
    tmp = tempfile.mkdtemp()
    pcap = os.path.join(tmp, "pub.pcap")
    subprocess.run([gen, "--mode", "publish", "-o", pcap, "--publishers", "2",
                    "--channels", "4", "--messages", "2000", "--quiet"],
                   check=True)
    hport, pport = free_port(), free_port()
    sock = os.path.join(tmp, "ctl.sock")
    with open(os.path.join(tmp, "h.ini"), "w") as f:
        f.write("[herald]\nepoch = 0x9e770001\nnext_hop_mac = 02:00:00:00:00:fe\n"
                "egress_port = 1\n[control]\nsocket = %s\n"
                "[metrics]\nport = %d\n" % (sock, hport))
    with open(os.path.join(tmp, "cmds"), "w") as f:
        for ch in range(1, 5):
            for s in range(3):
                f.write("sub add %d %d 198.18.2.%d 40000\n" % (ch, 10 + s, s + 1))
    with open(os.path.join(tmp, "prom.yml"), "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n"
                "scrape_configs:\n  - job_name: herald\n    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n" % hport)
    prefix = "hprom%d" % os.getpid()
    hp = subprocess.Popen(
        herald_argv(herald, prefix, tmp, pcap, infinite=False),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    pp = subprocess.Popen(
        [prom_bin, "--config.file", os.path.join(tmp, "prom.yml"),
         "--storage.tsdb.path", os.path.join(tmp, "tsdb"),
         "--web.listen-address", "127.0.0.1:%d" % pport],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prom.log"), "w"))
    hurl, purl = "http://127.0.0.1:%d" % hport, "http://127.0.0.1:%d" % pport
    errors, last = [], None
    try:
        # The counters settle: the capture is finite.
        for _ in range(200):
            try:
                status, text = get(hurl + "/metrics")
            except OSError:
                time.sleep(0.1)
                continue
            expo = parse_exposition(text)
            rx = sum(v for (n, _), v in expo.items()
                     if n == "herald_rx_packets_total")
            if rx > 0 and rx == last:
                break
            last = rx
            time.sleep(0.5)
        else:
            raise RuntimeError("herald's counters never settled")
        # Prometheus up, and two scrapes after the last packet.
        for _ in range(100):
            try:
                up = prom_query(purl, 'up{job="herald"}')
                if up and up[0]["value"][1] == "1":
                    break
            except (OSError, RuntimeError):
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("prometheus never scraped herald: %s" %
                               open(os.path.join(tmp, "prom.log")).read()[-800:])
        time.sleep(2.5)
        scraped = {}
        for r in prom_query(purl, '{__name__=~"herald_.+_total"}'):
            n = r["metric"]["__name__"]
            scraped[n] = scraped.get(n, 0) + float(r["value"][1])
        # promtool on what herald exposes.
        status, text = get(hurl + "/metrics")
        pt = subprocess.run([promtool, "check", "metrics"], input=text,
                            capture_output=True, text=True)
        if pt.returncode != 0:
            errors.append("promtool check metrics: %s%s" % (pt.stdout, pt.stderr))
        expo = parse_exposition(text)
        msgs = sum(v for (n, _), v in expo.items()
                   if n == "herald_messages_sequenced_total")
        errors += check_histograms(expo, msgs)
        q = prom_query(purl, "histogram_quantile(0.99, sum by (le) "
                             "(herald_latency_rx_to_tx_seconds_bucket))")
        if not q or not 0 < float(q[0]["value"][1]) < 10:
            errors.append("no p99 from the histogram: %r" % q)
        # The same histograms in the CLI (show latency, JSON).
        lat = json.loads(subprocess.run(
            [ctl, "--socket", sock, "--json", "show", "latency"], check=True,
            capture_output=True, text=True).stdout)
        if sorted(lat) != ["nack_to_retransmit", "rx_to_enqueue", "rx_to_tx"]:
            errors.append("show latency kinds: %s" % sorted(lat))
        elif lat["rx_to_tx"]["count"] != msgs or not (
                0 < lat["rx_to_tx"]["p50_ns"] <= lat["rx_to_tx"]["p99_ns"]
                <= lat["rx_to_tx"]["max_ns"]):
            errors.append("show latency rx_to_tx: %r (%d messages)" % (
                lat["rx_to_tx"], msgs))
        # Top-N views: HTTP JSON and the CLI's.
        status, body = get(hurl + "/top/channels")
        top = json.loads(body) if status == 200 else {}
        chans = top.get("channels", [])
        counts = [ch["messages"] for ch in chans]
        if top.get("subscribed_channels") != 4 or len(chans) != 4 or \
                counts != sorted(counts, reverse=True) or sum(counts) != msgs:
            errors.append("/top/channels: %d %s (%d messages)" % (
                status, body, msgs))
        status, body = get(hurl + "/top/subscribers")
        if status != 200 or json.loads(body) != {
                "order": "repair", "with_nacks": 0, "ranked": 0,
                "subscribers": []}:
            errors.append("/top/subscribers: %d %s" % (status, body))
        status, body = get(hurl + "/top/subscribers?order=gaps&n=3")
        if status != 200 or json.loads(body).get("order") != "gaps":
            errors.append("/top/subscribers?order=gaps: %d %s" % (status,
                                                                 body))
        for bad in ("/top/subscribers?order=slowest", "/top/subscribers?n=0",
                    "/top/channels?order=rate", "/top/channels?n=33"):
            status, body = get(hurl + bad)
            if status != 400 or "n 1 to 32" not in body:
                errors.append("%s: %d %s" % (bad, status, body))
        status, body = get(hurl + "/top/channels?n=2")
        if status != 200 or [ch["channel"] for ch in json.loads(body).get(
                "channels", [])] != [ch["channel"] for ch in chans[:2]]:
            errors.append("/top/channels?n=2: %d %s" % (status, body))
        two = json.loads(subprocess.run(
            [ctl, "--socket", sock, "--json", "show", "top", "channels", "2"],
            check=True, capture_output=True, text=True).stdout)
        if [ch["channel"] for ch in two.get("channels", [])] != \
                [ch["channel"] for ch in chans[:2]]:
            errors.append("show top channels 2: %r, HTTP %r" % (two, chans))
        bad = subprocess.run([ctl, "--socket", sock, "show", "top",
                              "channels", "0"], capture_output=True, text=True)
        if bad.returncode != 1 or "1 to 32" not in bad.stderr:
            errors.append("show top channels 0: %d %r" % (bad.returncode,
                                                          bad.stderr))
        # Health, and its flip on stop / start.
        status, body = get(hurl + "/healthz")
        if status != 200 or "fail" in body:
            errors.append("healthz while running: %d %s" % (status, body))
        subprocess.run([ctl, "--socket", sock, "stop"], check=True,
                       capture_output=True)
        time.sleep(0.3)
        status, body = get(hurl + "/healthz")
        if status != 503 or "fail worker 0" not in body or "stopped" not in body:
            errors.append("healthz after stop: %d %s" % (status, body))
        subprocess.run([ctl, "--socket", sock, "start"], check=True,
                       capture_output=True)
        time.sleep(0.3)
        status, body = get(hurl + "/healthz")
        if status != 200:
            errors.append("healthz after start: %d %s" % (status, body))
        status, _ = get(hurl + "/nothing")
        if status != 404:
            errors.append("an unknown path answered %d" % status)
    except (RuntimeError, OSError, ValueError, KeyError,
            subprocess.CalledProcessError) as e:
        errors.append("failed: %s" % e)
        scraped = {}
    finally:
        hp.send_signal(signal.SIGINT)
        out, _ = hp.communicate(timeout=30)
        pp.send_signal(signal.SIGTERM)
        pp.wait(timeout=30)
    if hp.returncode != 0:
        errors.append("herald exit %d:\n%s" % (hp.returncode, out))
        return verdict("metrics", errors)
    with open(os.path.join(tmp, "s.json")) as f:
        d = json.load(f)
    errors += book_errors(d)
    if scraped:
        want = json_counters(d)
        for name, v in sorted(want.items()):
            if name not in scraped:
                errors.append("%s: in the JSON, not scraped" % name)
            elif name in MOVING:
                if scraped[name] > v:
                    errors.append("%s: scraped %g, more than %d at exit" % (
                        name, scraped[name], v))
            elif scraped[name] != v:
                errors.append("%s: scraped %g, JSON at exit %d" % (
                    name, scraped[name], v))
        extra = set(scraped) - set(want) - {
            "herald_port_rx_packets_total", "herald_port_tx_packets_total",
            "herald_port_tx_dropped_total"}
        if extra:
            errors.append("scraped, not in the JSON: %s" % sorted(extra))
        if want.get("herald_deliveries_total", 0) == 0:
            errors.append("no deliveries: the test forwarded nothing")
    shutil.rmtree(tmp, ignore_errors=True)
    return verdict("metrics", errors[:20])


if __name__ == "__main__":
    sys.exit(main())
