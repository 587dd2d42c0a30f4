/* SPDX-License-Identifier: BSD-3-Clause
 * The fake Herald of the client library's unit tests (client_fake.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "client_fake.h"

void
fake_open(struct fake *f)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int buf = 4 << 20;

	memset(f, 0, sizeof(*f));
	f->fr = calloc(FAKE_MAX_FRAMES, sizeof(*f->fr));
	cr_assert_not_null(f->fr);
	f->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(f->fd, 0, "socket: %s", strerror(errno));
	setsockopt(f->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	/* Loopback only, an ephemeral port. */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0,
		     "bind: %s", strerror(errno));
	cr_assert_eq(getsockname(f->fd, (struct sockaddr *)&a, &len), 0);
	f->port = ntohs(a.sin_port);
	f->straggle_ms = 1;
}

void
fake_close(struct fake *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->fr);
	f->fr = NULL;
}

bool
fake_wait_fd(int fd, int wait_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, wait_ms) == 1 && (p.revents & POLLIN);
}

/* Parse one datagram into the frame array, asserting it is valid. */
static void
take_datagram(struct fake *f, const uint8_t *buf, size_t len)
{
	static struct hwp_frame fr[HWP_MAX_FRAMES_PER_DATAGRAM];
	unsigned int n, i;
	size_t off = 0;
	enum hwp_err err;

	err = hwp_parse(buf, len, HWP_DIR_TO_HERALD, fr,
			HWP_MAX_FRAMES_PER_DATAGRAM, &n, &off);
	cr_assert_eq(err, HWP_ERR_OK,
		     "the library sent an invalid datagram (%zu bytes): %s "
		     "at offset %zu",
		     len, hwp_err_str(err), off);
	cr_assert_lt(f->ndgrams, FAKE_MAX_DGRAMS);
	cr_assert_leq(f->n + n, FAKE_MAX_FRAMES);
	for (i = 0; i < n; i++) {
		struct fake_frame *ff = &f->fr[f->n++];

		ff->f = fr[i];
		ff->dgram = f->ndgrams;
		if (fr[i].payload_len > 0)
			memcpy(ff->payload, fr[i].payload, fr[i].payload_len);
		ff->f.payload = ff->payload;
	}
	f->dgram_len[f->ndgrams++] = (uint16_t)len;
}

unsigned int
fake_read(struct fake *f, int wait_ms)
{
	static uint8_t buf[65536];
	struct sockaddr_in from;
	socklen_t flen;
	ssize_t len;

	f->n = 0;
	f->ndgrams = 0;
	if (!fake_wait_fd(f->fd, wait_ms))
		return 0;
	for (;;) {
		flen = sizeof(from);
		len = recvfrom(f->fd, buf, sizeof(buf), MSG_DONTWAIT,
			       (struct sockaddr *)&from, &flen);
		if (len < 0) {
			cr_assert(errno == EAGAIN || errno == EWOULDBLOCK,
				  "recvfrom: %s", strerror(errno));
			/* Stragglers of the same burst. */
			if (!fake_wait_fd(f->fd, f->straggle_ms))
				break;
			continue;
		}
		cr_assert_eq(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
		f->peer = from;
		f->have_peer = true;
		take_datagram(f, buf, (size_t)len);
	}
	return f->ndgrams;
}

unsigned int
fake_count(const struct fake *f, uint8_t type)
{
	unsigned int i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->fr[i].f.type == type;
	return n;
}

const struct fake_frame *
fake_nth(const struct fake *f, uint8_t type, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (f->fr[i].f.type == type && nth-- == 0)
			return &f->fr[i];
	return NULL;
}

void
fake_peer(const struct fake *f, uint32_t *addr, uint16_t *port)
{
	cr_assert(f->have_peer, "the library has sent nothing yet");
	*addr = ntohl(f->peer.sin_addr.s_addr);
	*port = ntohs(f->peer.sin_port);
}

void
fake_send(struct fake *f, const uint8_t *buf, size_t len)
{
	ssize_t rc;

	cr_assert(f->have_peer, "no peer to answer");
	rc = sendto(f->fd, buf, len, 0, (const struct sockaddr *)&f->peer,
		    sizeof(f->peer));
	cr_assert_eq(rc, (ssize_t)len, "sendto: %s", strerror(errno));
}

size_t
fake_payload(uint64_t channel, uint64_t seq, uint8_t *buf)
{
	return (size_t)sprintf((char *)buf, "ch%llu:seq%llu",
			       (unsigned long long)channel,
			       (unsigned long long)seq);
}

uint32_t
fake_publisher_of(uint64_t seq)
{
	return 0x70000000u + (uint32_t)seq;
}

uint64_t
fake_timestamp_of(uint64_t seq)
{
	return 5000000000ull + seq * 1000;
}

void
fake_deliver(struct fake *f, uint8_t flags, uint64_t channel, uint64_t seq,
	     uint32_t epoch)
{
	uint8_t buf[HWP_MAX_FRAME_LEN], payload[64];
	struct hwp_deliver d = {
		.channel = channel,
		.seq = seq,
		.epoch = epoch,
		.publisher = fake_publisher_of(seq),
		.timestamp = fake_timestamp_of(seq),
	};
	size_t plen = fake_payload(channel, seq, payload);
	int len =
		hwp_encode_deliver(buf, sizeof(buf), flags, &d, payload, plen);

	cr_assert_gt(len, 0);
	fake_send(f, buf, (size_t)len);
}

void
fake_suback(struct fake *f, uint64_t channel, uint32_t subscriber,
	    uint8_t status, uint64_t next_seq, uint32_t epoch)
{
	uint8_t buf[HWP_SUBACK_LEN];
	struct hwp_suback a = {
		.channel = channel,
		.subscriber = subscriber,
		.status = status,
		.next_seq = next_seq,
		.epoch = epoch,
	};
	int len = hwp_encode_suback(buf, sizeof(buf), &a);

	cr_assert_eq(len, HWP_SUBACK_LEN);
	fake_send(f, buf, (size_t)len);
}

void
fake_heartbeat(struct fake *f, uint64_t channel, uint64_t seq,
	       uint32_t subscriber, uint32_t epoch)
{
	uint8_t buf[HWP_HEARTBEAT_LEN];
	struct hwp_heartbeat hb = {
		.channel = channel,
		.seq = seq,
		.subscriber = subscriber,
		.epoch = epoch,
	};
	int len = hwp_encode_heartbeat(buf, sizeof(buf), &hb);

	cr_assert_eq(len, HWP_HEARTBEAT_LEN);
	fake_send(f, buf, (size_t)len);
}

void
fake_gap(struct fake *f, uint64_t channel, uint64_t from_seq, uint32_t count,
	 uint32_t epoch)
{
	uint8_t buf[HWP_GAP_LEN];
	struct hwp_gap g = {
		.channel = channel,
		.from_seq = from_seq,
		.count = count,
		.epoch = epoch,
	};
	int len = hwp_encode_gap(buf, sizeof(buf), &g);

	cr_assert_eq(len, HWP_GAP_LEN);
	fake_send(f, buf, (size_t)len);
}

void
fake_puback(struct fake *f, uint32_t publisher, uint32_t epoch,
	    uint64_t acked_seq, uint32_t credit)
{
	uint8_t buf[HWP_PUBACK_LEN];
	struct hwp_puback a = {
		.publisher = publisher,
		.epoch = epoch,
		.acked_seq = acked_seq,
		.credit = credit,
	};
	int len = hwp_encode_puback(buf, sizeof(buf), &a);

	cr_assert_eq(len, HWP_PUBACK_LEN);
	fake_send(f, buf, (size_t)len);
}
