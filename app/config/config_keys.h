/* SPDX-License-Identifier: BSD-3-Clause
 * Every configuration key, declared once. The loader, the defaults
 * (herald_config_defaults), the range checks of the fuzz target and the
 * key tables of docs/CONFIG.md (herald-config-doc) are all derived from
 * this list, so a key cannot be documented one way and loaded another.
 *
 *   X(section, key, kind, min, max, default, field, doc)
 *
 * section, key  names in the INI file (bare identifiers)
 * kind          U16 U32 BOOL IPV4 MAC PATH HEXKEY LCORES SLOTS PREFIXES
 *               (HERALD_CFG_<kind> in config.h says what each accepts)
 * min, max      range of a number; bytes of a HEXKEY; items of a list
 * default       the value used when the key is absent, parsed like a
 *               value from the file; NULL: the key stays unset
 * field         member of struct herald_config that receives it
 * doc           the "meaning" column of docs/CONFIG.md (no '|')
 *
 * Keys are loaded in this order, whatever their order in the file: a key
 * may depend on the keys above it (slots on workers). Key names, meanings
 * and defaults are an interface: scripts set them.
 */

/* clang-format off */
X(herald, address, IPV4, 0, 0, "198.18.0.1", address,
  "Herald's IPv4 address: datagrams to any other address are counted "
  "`other_address` and dropped; source of everything Herald sends")
X(herald, udp_port, U16, 1, 65535, HERALD_STR(HWP_DEFAULT_PORT), udp_port,
  "the one UDP port of HWP/1")
X(herald, mac, MAC, 0, 0, NULL, mac,
  "source MAC override for what Herald sends; not set: each port's own MAC")
X(herald, next_hop_mac, MAC, 0, 0, NULL, next_hop_mac,
  "when set, the Ethernet destination of every DELIVER/PUBACK (PROTOCOL.md "
  "section 6) and `sub add` needs no MAC")
X(herald, epoch, U32, 0, UINT32_MAX, "0", epoch,
  "the instance id in DELIVER/PUBACK/SUBACK; 0 or absent draws one at start "
  "(set it only for reproducible replays)")
X(herald, egress_port, U16, 0, RTE_MAX_ETHPORTS - 1, "0", egress_port,
  "ethdev port the DELIVERs leave on; it must exist (checked once the EAL "
  "has found the ports)")
X(herald, publisher_credit, U32, 0, 1u << 20, "256", publisher_credit,
  "`credit` in PUBACKs while the owner has room (less as its RX pool or "
  "hand-off rings fill, 0 when full): frames a publisher may send beyond "
  "`acked_seq`; frames past it are dropped unacknowledged "
  "(`publish_over_credit`). 0: PUBACKs say 0 and nothing is enforced "
  "(deprecated)")
X(herald, history_depth, U32, 0, 1u << 20, "1024", history_depth,
  "messages kept per channel for NACK repair and resumes (docs/RELIABILITY.md); "
  "0: no history (every NACK is answered with a GAP)")
X(herald, token_key, HEXKEY, 16, 64, NULL, token_key,
  "the key shared with the auth service that signs subscription tokens "
  "(PROTOCOL.md section 5). Neither this nor `token_key_file` set: every "
  "SUBSCRIBE/UNSUBSCRIBE is answered BAD_TOKEN (said at start)")
X(herald, token_key_file, PATH, 0, 0, NULL, token_key_file,
  "instead of `token_key`: a file holding the key in hex (one line), a "
  "regular file of herald's user or root, mode 0600 or stricter, so the "
  "key need not sit in the INI. Setting both is an error")
X(herald, verify_udp_checksum, BOOL, 0, 0, "yes", verify_udp_checksum,
  "drop datagrams whose UDP checksum is wrong (`bad_udp_checksum`); skipped "
  "when the NIC already checked it (RX offload). Turning it off saves about "
  "7 % per message at fan-out 1 in software (docs/PERFORMANCE.md), but a "
  "corrupted payload would then be fanned out to every subscriber")
X(herald, xdp_pin_root, PATH, 0, 0, "/sys/fs/bpf/herald", xdp_pin_root,
  "bpffs directory under which the XDP maps of each af_xdp port are pinned, "
  "as `<root>/<ifname>/` (where `herald-xdp --pin` finds them)")
X(herald, mtu, U16, 576, 9702, "1500", mtu,
  "IPv4 MTU of the ports: datagrams up to it are taken, larger frames that "
  "arrive in several segments are counted `over_mtu`")

X(lcores, workers, LCORES, 1, HERALD_MAX_WORKERS, "1", worker_lcores,
  "worker lcore ids; each must be in EAL `-l` and not the main lcore "
  "(which runs the control thread)")
X(lcores, slots, SLOTS, 0, HWP_NUM_SLOTS - 1, "spread", slot_owner,
  "`spread` (4096 slots split evenly in order) or `FIRST-LAST:LCORE, ...` "
  "covering every slot exactly once")

X(limits, max_channels, U32, 1, 1u << 24, "65536", max_channels,
  "per worker: channels with sequence state. Full (after idle channels "
  "without subscriber gave up theirs): a message of a new channel is dropped "
  "unacknowledged, counted `publish_channel_full`, and its publisher resends "
  "it; size it for every channel your publishers use")
X(limits, max_subscribed_channels, U32, 1, 1u << 24, "65536",
  max_subscribed_channels,
  "channels with at least one subscriber; a SUBSCRIBE to one more is "
  "answered LIMIT")
X(limits, max_subscriptions, U32, 1, 1u << 24, "1048576", max_subscriptions,
  "subscriptions in all (every channel, every endpoint, operator's "
  "included); a SUBSCRIBE past it is answered LIMIT")
X(limits, max_endpoints, U32, 1, 1u << 22, "65536", max_endpoints,
  "subscriber endpoints (address and port) with at least one subscription; "
  "a SUBSCRIBE from one more is answered LIMIT")
X(limits, max_passive_subscriptions, U32, 1, 1u << 24, "262144",
  max_passive_subscriptions,
  "passive subscriptions (PROTOCOL.md 6), a limit of their own: one more "
  "is answered LIMIT (docs/RELIABILITY.md says what one costs)")
X(limits, endpoint_timeout_ms, U32, 1000, 86400000, "15000",
  endpoint_timeout_ms,
  "a subscriber endpoint that sent nothing (SUBSCRIBE, UNSUBSCRIBE, "
  "HEARTBEAT, NACK) for this long loses every subscription it made "
  "(PROTOCOL.md 6, Liveness); operator subscriptions are kept")
X(limits, max_subscribers, U32, 1, 1u << 20, "1024", max_subscribers,
  "subscribers per channel (one payload buffer carries at most 16384 "
  "replicas: a larger fan-out sends further groups a copy, `payload_copies`); "
  "a SUBSCRIBE past it is answered LIMIT")
X(limits, max_publisher_sessions, U32, 1, 1u << 24, "4096",
  max_publisher_sessions,
  "per worker. Full (after expired sessions were forgotten): a START for a "
  "new session is dropped unanswered, counted `publish_session_full`; its "
  "later frames get PUBACK acked_seq 0")
X(limits, max_sessions_per_source, U32, 1, 1u << 24, "64",
  max_sessions_per_source,
  "per worker: publisher sessions one source IPv4 address may hold; more "
  "STARTs are dropped unacknowledged, counted `publish_source_limit`")
X(limits, session_timeout_ms, U32, 100, 86400000, "15000", session_timeout_ms,
  "a publisher session that sent nothing for this long is forgotten "
  "(PROTOCOL.md 6, Bounded state)")
X(limits, channel_timeout_ms, U32, 100, 86400000, "60000", channel_timeout_ms,
  "a channel without subscriber and without message for this long loses its "
  "sequence state; it comes back with a new channel epoch")
X(limits, handoff_ring_size, U32, 64, 1u << 20, "4096", handoff_ring_size,
  "power of two: per-worker ring of messages handed over by other workers")

X(mempool, rx_mbufs, U32, 1024, 1u << 24, "16383", rx_mbufs,
  "received packets (they carry the shared payloads); at least what the RX "
  "rings and caches hold (below); with net_pcap `infinite_rx=1` the whole "
  "pcap must fit")
X(mempool, header_mbufs, U32, 1024, 1u << 24, "65535", header_mbufs,
  "one per DELIVER in flight (headers only) and per PUBACK")
X(mempool, indirect_mbufs, U32, 256, 1u << 24, "8191", indirect_mbufs,
  "one per message of a multi-frame datagram in flight")
X(mempool, flat_mbufs, U32, 256, 1u << 24, "4095", flat_mbufs,
  "flat DELIVER copies for ports that cannot send chained mbufs (af_xdp); "
  "empty: `deliveries_flat_nombuf`")
X(mempool, jumbo_mbufs, U32, 64, 1u << 20, "511", jumbo_mbufs,
  "buffers (of `mtu` bytes) for datagrams that arrive in several segments")
X(mempool, cache, U32, 0, RTE_MEMPOOL_CACHE_MAX_SIZE, "256", mempool_cache,
  "per-lcore cache of each pool. Set: every pool must be at least 1.5 times "
  "it. Absent: each pool gets 256 or its size / 1.5, whichever is smaller")
X(mempool, rx_desc, U16, 32, 16384, "1024", rx_desc,
  "RX ring size per queue (adjusted to what the PMD accepts)")
X(mempool, tx_desc, U16, 32, 16384, "1024", tx_desc,
  "TX ring size per queue (adjusted to what the PMD accepts)")

X(publishers, allow, PREFIXES, 1, HERALD_MAX_PREFIXES, "any", allow,
  "`any`, or IPv4 prefixes (`a.b.c.d/n`) allowed to PUBLISH; others are "
  "dropped silently and counted `publish_not_allowed`. `0.0.0.0/0` in the "
  "list means any source")

X(reliability, history_messages, U32, 64, 1u << 24, "65536",
  history_messages,
  "messages the workers' history logs hold at most (this value / workers "
  "each); past it a worker's oldest message goes first, whatever its "
  "channel")
X(reliability, history_bytes, U32, 1u << 16, 1u << 31, "33554432",
  history_bytes,
  "bytes of the workers' history logs (each its share, rounded down to a "
  "power of two); a message costs 32 bytes plus its payload, padded to 16 "
  "(docs/RELIABILITY.md); the oldest records are overwritten first")
X(reliability, retransmit_per_s, U32, 0, 1u << 24, "20000", retransmit_per_s,
  "packets (RETRANSMIT DELIVERs and GAPs) each subscriber endpoint may be "
  "sent per second in answer to NACKs (token bucket); a NACK that would "
  "exceed it is dropped, counted `nack_over_budget`")
X(reliability, retransmit_burst, U32, 1, 1u << 20, "4096", retransmit_burst,
  "the bucket's depth: packets a quiet subscriber may get at once (1025 "
  "or more lets a NACK of 1024 seqs through)")
X(reliability, retransmit_linger_us, U32, 0, 10000000, "10000",
  retransmit_linger_us,
  "a range of seqs retransmitted to a subscriber is not sent again to it "
  "within this time (`nack_suppressed`), as Aeron's linger")
X(reliability, retransmit_actions, U32, 16, 1u << 20, "4096",
  retransmit_actions,
  "retransmit actions lingering at once per worker (bounded pool); a NACK "
  "that finds none free is dropped, counted `nack_actions_full`")
X(reliability, retransmit_give_up, U32, 0, 1u << 20, "1024",
  retransmit_give_up,
  "a subscriber whose NACKs were this many times in a row over its "
  "budget is told, for each further one, with one GAP for what it asks "
  "(`nack_given_up`) instead of being served later; 0: never")

X(control, item_ring_size, U32, 64, 1u << 20, "16384", item_ring_size,
  "power of two: per worker, SUBSCRIBE/UNSUBSCRIBE frames waiting for the "
  "control thread; full: counted `control_ring_full`, unanswered")
X(control, request_ring_size, U32, 64, 1u << 20, "16384", request_ring_size,
  "power of two: per worker, the control thread's SUBACK requests to the "
  "channel's owner; the control thread applies no more changes than fit")
X(control, fail_replies_per_s, U32, 0, 1u << 20, "10", fail_replies_per_s,
  "failed SUBSCRIBE/UNSUBSCRIBE answered per second and source address "
  "(token bucket); the rest are counted `suback_fail_limited`, unanswered. "
  "0: failures are never answered")
X(control, fail_reply_burst, U32, 1, 1u << 20, "20", fail_reply_burst,
  "the bucket's depth: failures answered at once from a quiet source")
X(control, rate_sources, U32, 64, 1u << 22, "65536", rate_sources,
  "source addresses whose failure budget is remembered; the least recently "
  "seen gives its entry up (it never gains more than it sent: a reply is "
  "smaller than its request)")
X(control, socket, SOCKET, 0, 0, "/run/herald/control.sock", ctl_socket,
  "Unix-domain socket (mode 0600) on which `herald-ctl` and other clients run "
  "CLI commands, each answered to its own client (docs/CLI.md); `none`: no "
  "socket. A missing last directory is created (mode 0700). A socket a "
  "running herald serves is a startup error; a stale one is replaced")
X(metrics, port, U16, 0, 65535, "0", metrics_port,
  "TCP port of the HTTP server of Prometheus metrics (`/metrics`) and health "
  "(`/healthz`), docs/METRICS.md; 0: no server")
X(metrics, address, IPV4, 0, 0, "127.0.0.1", metrics_address,
  "address the metrics server listens on (loopback unless told otherwise)")
/* clang-format on */
