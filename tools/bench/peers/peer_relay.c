/* SPDX-License-Identifier: BSD-3-Clause
 * bench-peer's adapter for the kernel UDP relay (udp_relay.c): the
 * publisher sends datagrams of one message each, sendmmsg-batched; each
 * subscriber socket registers with "SUB!" and reads with recvmmsg.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_peer.h"

#define BATCH 32

static int
udp_to(const struct bp_opts *o)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(o->port)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), buf = 8 << 20;

	if (fd < 0 || inet_pton(AF_INET, o->addr, &a.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	return fd;
}

int
bp_relay_pub(const struct bp_opts *o)
{
	static uint8_t bufs[BATCH][1400];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	uint64_t start, now, sent = 0, end;
	int fd = udp_to(o), i, n;

	if (fd < 0) {
		perror("relay pub");
		return -1;
	}
	start = bp_mono_ns();
	end = start + (uint64_t)(o->duration * 1e9);
	for (now = start; now < end && !bp_stop; now = bp_mono_ns()) {
		uint64_t due = bp_pub_due(o, start, now, sent);

		n = due - sent > BATCH ? BATCH : (int)(due - sent);
		if (n == 0) {
			usleep(100);
			continue;
		}
		for (i = 0; i < n; i++) {
			bp_payload(bufs[i], o->size);
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = o->size;
			memset(&m[i], 0, sizeof(m[i]));
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
		}
		n = sendmmsg(fd, m, (unsigned int)n, 0);
		if (n > 0)
			sent += (uint64_t)n;
	}
	bp_pub_report(o, sent, (double)(now - start) / 1e9, 0);
	close(fd);
	return 0;
}

int
bp_relay_sub(const struct bp_opts *o, struct bp_sub_stats *st)
{
	static uint8_t bufs[BATCH][2048];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	struct epoll_event ev, evs[64];
	int *fds = calloc(o->conns, sizeof(int)), ep = epoll_create1(0);
	uint64_t start, now;
	uint32_t c, acked = 0;
	int n, i, k;

	if (fds == NULL || ep < 0)
		return -1;
	for (c = 0; c < o->conns; c++) {
		fds[c] = udp_to(o);
		if (fds[c] < 0) {
			perror("relay sub");
			return -1;
		}
		ev.events = EPOLLIN;
		ev.data.u32 = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[c], &ev);
	}
	/* Register until each socket has its "OK!". */
	for (start = bp_mono_ns(); acked < o->conns;) {
		if (bp_mono_ns() - start > 20000000000ull)
			return -1;
		for (c = 0; c < o->conns; c++)
			if (fds[c] >= 0 && send(fds[c], "SUB!", 4, 0) < 0)
				return -1;
		n = epoll_wait(ep, evs, 64, 100);
		for (i = 0; i < n; i++) {
			char ok[8];

			if (recv(fds[evs[i].data.u32], ok, sizeof(ok),
				 MSG_DONTWAIT) == 3) {
				epoll_ctl(ep, EPOLL_CTL_DEL,
					  fds[evs[i].data.u32], NULL);
				acked++;
			}
		}
	}
	for (c = 0; c < o->conns; c++) {
		ev.events = EPOLLIN;
		ev.data.u32 = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[c], &ev);
	}
	bp_ready();
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
	}
	start = bp_mono_ns();
	for (now = start; !bp_sub_done(o, st, start, now); now = bp_mono_ns()) {
		int ne = epoll_wait(ep, evs, 64, 10);

		for (i = 0; i < ne; i++) {
			c = evs[i].data.u32;
			for (k = 0; k < BATCH; k++) {
				memset(&m[k], 0, sizeof(m[k]));
				m[k].msg_hdr.msg_iov = &iov[k];
				m[k].msg_hdr.msg_iovlen = 1;
			}
			n = recvmmsg(fds[c], m, BATCH, MSG_DONTWAIT, NULL);
			for (k = 0; k < n; k++)
				if (m[k].msg_len >= 8) /* not a late "OK!" */
					bp_sub_got(st, c, bufs[k], m[k].msg_len,
						   0);
		}
	}
	/* Off the relay's list: it would go on sending to closed ports. */
	for (c = 0; c < o->conns; c++) {
		send(fds[c], "UNS!", 4, 0);
		close(fds[c]);
	}
	free(fds);
	return 0;
}
