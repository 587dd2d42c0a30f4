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

/* Subscribers served per refcount update and header-mbuf bulk alloc. */
#define HERALD_FANOUT_CHUNK 64

/* Control thread: loop period (us) and "pause at" timeout (ms). */
#define HERALD_CONTROL_PERIOD_US 1000
#define HERALD_PAUSE_TIMEOUT_MS	 20000

#endif /* HERALD_CONST_H */
