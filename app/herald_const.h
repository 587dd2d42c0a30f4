/* SPDX-License-Identifier: BSD-3-Clause
 * Herald's compile-time constants, with their units, in one place
 * (Katran's balancer_consts.h). Configurable limits live in
 * config/config_keys.h instead.
 */
#ifndef HERALD_CONST_H
#define HERALD_CONST_H

#define HERALD_VERSION "0.1.0"

/* Packets per RX burst, and the TX buffer's flush threshold. */
#define HERALD_BURST 32
/* Packets buffered per worker and port before rte_eth_tx_burst. */
#define HERALD_TX_BUF 64
/* rte_eth_tx_burst calls that may take nothing before the rest of a
 * buffer is freed and counted tx_dropped. */
#define HERALD_TX_RETRIES 4

/* Ethdev ports and worker lcores Herald drives. */
#define HERALD_MAX_PORTS   8
#define HERALD_MAX_WORKERS 16
/* IPv4 prefixes in the publisher allow-list. */
#define HERALD_MAX_PREFIXES 256

/* Publisher sessions answered per burst (one PUBACK each). */
#define HERALD_ACKS_PER_BURST (HERALD_BURST * 4)
/* Direct-mapped session cache in front of the session hash (entries). */
#define HERALD_SESS_CACHE 64
/* rte_hash refuses fewer entries than a bucket holds; table limits are
 * enforced by count, so a small limit still gets a valid table. */
#define HERALD_HASH_MIN_ENTRIES 16u

/* RCU thread ids on the one QSBR variable: workers use 0..n-1; the
 * control thread reads worker tables as HERALD_RCU_CONTROL_ID, the
 * telemetry thread as HERALD_RCU_TELEMETRY_ID. */
#define HERALD_RCU_CONTROL_ID	(HERALD_MAX_WORKERS)
#define HERALD_RCU_TELEMETRY_ID (HERALD_MAX_WORKERS + 1)
#define HERALD_RCU_THREADS	(HERALD_MAX_WORKERS + 2)

/* Subscribers served per refcount update and header-mbuf bulk alloc. */
#define HERALD_FANOUT_CHUNK 64
/* Replicas one payload mbuf carries at most: its refcount is 16 bits and
 * each replica holds a reference until sent; later subscribers of a
 * larger fan-out get a copy (dataplane/fanout.c). Leaves room below
 * UINT16_MAX for the other holders (the message's own, an indirect
 * mbuf's parent reference, a history). */
#define HERALD_PAYLOAD_REFS_MAX 16384

/* Control thread: loop period (us) and "pause at" timeout (ms). */
#define HERALD_CONTROL_PERIOD_US 1000
#define HERALD_PAUSE_TIMEOUT_MS	 20000

/* Control socket: clients at once; a client's unread answer bytes past
 * which its next line waits; the most one answer may hold (longer ones
 * are cut and fail); how long a client may leave answers unread before
 * it is disconnected (ms). */
#define HERALD_CTL_MAX_CLIENTS 16
#define HERALD_CTL_OUT_LOW     (64u * 1024)
#define HERALD_CTL_OUT_MAX     (1024u * 1024)
#define HERALD_CTL_STALL_MS    2000

#endif /* HERALD_CONST_H */
