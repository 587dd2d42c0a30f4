/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-client internals: one non-blocking UDP socket talking to one
 * Herald, batched with sendmmsg/recvmmsg, and the seeded impairment
 * hook (herald_impair) applied to what it sends and receives.
 */
#ifndef HC_UDP_H
#define HC_UDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "herald/client.h"

#define HC_TX_BATCH    32    /* datagrams per sendmmsg */
#define HC_RX_BATCH    32    /* datagrams per recvmmsg */
#define HC_RX_BUF      2048  /* Herald sends one frame (<= 1440 B) each */
#define HC_TX_BUF      9000  /* largest datagram a client builds */
#define HC_HELD_MAX    8     /* datagrams held back to reorder */
#define HC_RX_PER_CALL 512   /* datagrams one hc_udp_recv reads at most */
#define HC_GRO_BATCH   8     /* coalesced reads per recvmmsg with UDP_GRO */
#define HC_GRO_BUF     65535 /* one coalesced read: up to 64 datagrams */

struct hc_held {
	uint16_t len;
	uint8_t wait; /* datagrams still to pass it (rx: process calls) */
	uint8_t buf[HC_TX_BUF];
};

struct hc_impair {
	struct herald_impair cfg;
	bool on;
	uint64_t rng;
	struct hc_held rx_held[HC_HELD_MAX];
	unsigned int n_rx_held;
	struct hc_held tx_held[HC_HELD_MAX];
	unsigned int n_tx_held;
	/* The impaired TX batch (drops out, duplicates and held ones in). */
	uint8_t (*out)[HC_TX_BUF];
	uint16_t out_len[HC_TX_BATCH * 2];
	struct herald_impair_stats st;
};

struct hc_udp {
	int fd;
	struct sockaddr_in server;
	uint32_t max_datagram;
	/* TX: datagrams built and not yet handed to the kernel. */
	unsigned int n_tx;
	uint16_t tx_len[HC_TX_BATCH];
	uint8_t tx_buf[HC_TX_BATCH][HC_TX_BUF];
	uint64_t tx_errors; /* datagrams the kernel refused (EAGAIN, ...) */
	/* RX */
	/* rx_batch buffers of rx_size bytes: datagrams, or with UDP_GRO
	 * runs of datagrams of one size the kernel coalesced (split again
	 * here: one recvmmsg entry for up to 64 datagrams). */
	uint8_t *rx_mem;
	unsigned int rx_batch, rx_size;
	bool gro;
	uint64_t rx_coalesced; /* datagrams that arrived coalesced */
	uint64_t rx_foreign;   /* datagrams not from the server: ignored */
	uint64_t rx_truncated;
	struct hc_impair imp;
};

/* Open, bind and aim the socket (rcvbuf 0: 8 MiB; gro: ask the kernel
 * to coalesce received datagrams, UDP_GRO). 0 or -errno. */
int hc_udp_open(struct hc_udp *u, const char *server, uint16_t server_port,
		const char *bind_addr, uint16_t bind_port,
		uint32_t max_datagram, uint32_t rcvbuf, bool gro,
		const struct herald_impair *imp);
void hc_udp_close(struct hc_udp *u);

/* Room for one more datagram (flushing first if the batch is full). */
uint8_t *hc_udp_tx_next(struct hc_udp *u);
/* The datagram from hc_udp_tx_next is len bytes long. */
void hc_udp_tx_commit(struct hc_udp *u, uint16_t len);
/* Hand the built datagrams to the kernel. Returns how many it refused. */
unsigned int hc_udp_flush(struct hc_udp *u);

typedef void (*hc_rx_fn)(void *arg, const uint8_t *buf, unsigned int len);
/* Read what the socket holds (up to HC_RX_PER_CALL datagrams) and pass
 * each datagram from the server to fn. Returns how many were read. */
unsigned int hc_udp_recv(struct hc_udp *u, hc_rx_fn fn, void *arg);

/* xorshift64*: the library's seeded draws (impairment, NACK delays). */
uint64_t hc_rand(uint64_t *state);
/* A random 32-bit id, never 0 (getrandom). */
uint32_t hc_random_id(void);

#endif /* HC_UDP_H */
