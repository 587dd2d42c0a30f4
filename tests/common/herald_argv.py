"""The herald command line the Python tests share: two lcores, 512 MiB
of ordinary memory, a capture on net_pcap0 and a net_null sink, and the
test's h.ini, cmds and s.json in its temporary directory."""
import os


def herald_argv(herald, prefix, tmp, pcap, infinite=True):
    """pcap replayed in a loop if infinite, once otherwise."""
    return [herald, "-l", "0-1", "--no-huge", "-m", "512",
            "--file-prefix", prefix, "--log-level=warning",
            "--vdev", "net_pcap0,rx_pcap=%s%s" % (
                pcap, ",infinite_rx=1" if infinite else ""),
            "--vdev", "net_null0,no-rx=1", "--",
            "--config", os.path.join(tmp, "h.ini"),
            "--cmdline-file", os.path.join(tmp, "cmds"),
            "--stats-json", os.path.join(tmp, "s.json")]
