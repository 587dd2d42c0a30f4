/* SPDX-License-Identifier: BSD-3-Clause
 * A fake Herald for the client library's unit tests: one UDP socket on
 * 127.0.0.1 (loopback only), which reads what the library sends, checks
 * every datagram against PROTOCOL.md 4 (hwp_parse, direction to Herald)
 * and answers with frames built by the hwp_encode_* functions.
 */
#ifndef CLIENT_FAKE_H
#define CLIENT_FAKE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hwp.h"

#define FAKE_MAX_FRAMES 1024
#define FAKE_MAX_DGRAMS 512

/* Waits (ms) for what the library sends: long when something is expected
 * (only a failing test waits it out), short to see that nothing comes. */
#define FAKE_WAIT  300
#define FAKE_QUIET 5

/* One frame the library sent, payload copied. */
struct fake_frame {
	struct hwp_frame f;
	unsigned int dgram; /* its datagram's index in this read */
	uint8_t payload[HWP_MAX_PAYLOAD];
};

struct fake {
	int fd;
	uint16_t port;		 /* the fake's port (host order) */
	struct sockaddr_in peer; /* the library's endpoint, as seen */
	bool have_peer;
	int straggle_ms; /* fake_read's wait for the rest of a burst (1) */
	/* What the last fake_read got. */
	unsigned int n, ndgrams;
	uint16_t dgram_len[FAKE_MAX_DGRAMS];
	struct fake_frame *fr;
};

void fake_open(struct fake *f);
void fake_close(struct fake *f);

/* Read every datagram the library has sent (waiting up to wait_ms for the
 * first), each one asserted valid; the frames land in f->fr[0..n).
 * Returns the number of datagrams. */
unsigned int fake_read(struct fake *f, int wait_ms);
/* Frames of the last read of type (HWP_T_*). */
unsigned int fake_count(const struct fake *f, uint8_t type);
/* The i-th frame of type of the last read, or NULL. */
const struct fake_frame *fake_nth(const struct fake *f, uint8_t type,
				  unsigned int i);

/* The peer's address and port as Herald would see them (host order). */
void fake_peer(const struct fake *f, uint32_t *addr, uint16_t *port);

/* Send one datagram to the library's endpoint. */
void fake_send(struct fake *f, const uint8_t *buf, size_t len);
void fake_deliver(struct fake *f, uint8_t flags, uint64_t channel, uint64_t seq,
		  uint32_t epoch);
void fake_suback(struct fake *f, uint64_t channel, uint32_t subscriber,
		 uint8_t status, uint64_t next_seq, uint32_t epoch);
void fake_heartbeat(struct fake *f, uint64_t channel, uint64_t seq,
		    uint32_t subscriber, uint32_t epoch);
void fake_gap(struct fake *f, uint64_t channel, uint64_t from_seq,
	      uint32_t count, uint32_t epoch);
void fake_puback(struct fake *f, uint32_t publisher, uint32_t epoch,
		 uint64_t acked_seq, uint32_t credit);

/* The payload fake_deliver puts in (channel, seq)'s DELIVER, its
 * publisher and timestamp: the test checks them at the other end. */
size_t fake_payload(uint64_t channel, uint64_t seq, uint8_t *buf);
uint32_t fake_publisher_of(uint64_t seq);
uint64_t fake_timestamp_of(uint64_t seq);

/* Wait up to wait_ms for fd to be readable; whether it is. */
bool fake_wait_fd(int fd, int wait_ms);

#endif /* CLIENT_FAKE_H */
