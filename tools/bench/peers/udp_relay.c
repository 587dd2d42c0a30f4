/* SPDX-License-Identifier: BSD-3-Clause
 * udp-relay: the "no Herald" baseline of bench_clients.py. One thread,
 * kernel UDP: a datagram "SUB!" registers its source (answered "OK!");
 * every other datagram is sent on to every registered source, with
 * recvmmsg / sendmmsg batches; "UNS!" unregisters. No sequencing, no
 * reliability.
 *
 *   udp-relay ADDR PORT
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH	 32
#define MAX_SUBS 1024
#define OUT	 1024

static volatile int stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Position of a in subs, n if absent (a source registers once). */
static unsigned int
find_sub(const struct sockaddr_in *subs, unsigned int n,
	 const struct sockaddr_in *a)
{
	unsigned int s;

	for (s = 0; s < n; s++)
		if (subs[s].sin_addr.s_addr == a->sin_addr.s_addr &&
		    subs[s].sin_port == a->sin_port)
			break;
	return s;
}

int
main(int argc, char **argv)
{
	static uint8_t bufs[BATCH][2048];
	static struct mmsghdr out[OUT];
	static struct iovec out_iov[OUT];
	static struct sockaddr_in subs[MAX_SUBS];
	struct sockaddr_in a = {.sin_family = AF_INET}, from[BATCH];
	struct mmsghdr in[BATCH];
	struct iovec iov[BATCH];
	unsigned int n_subs = 0, i, s, k;
	int fd, n, buf = 32 << 20;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: udp-relay ADDR PORT\n");
		return 2;
	}
	a.sin_port = htons((uint16_t)atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("udp-relay");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("READY\n");
	fflush(stdout);
	while (!stop) {
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			memset(&in[i], 0, sizeof(in[i]));
			in[i].msg_hdr.msg_iov = &iov[i];
			in[i].msg_hdr.msg_iovlen = 1;
			in[i].msg_hdr.msg_name = &from[i];
			in[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(fd, in, BATCH, 0, NULL);
		k = 0;
		for (i = 0; i < (unsigned int)(n > 0 ? n : 0); i++) {
			if (in[i].msg_len == 4 &&
			    memcmp(bufs[i], "SUB!", 4) == 0) {
				s = find_sub(subs, n_subs, &from[i]);
				if (s == n_subs && n_subs < MAX_SUBS)
					subs[n_subs++] = from[i];
				sendto(fd, "OK!", 3, 0,
				       (struct sockaddr *)&from[i],
				       sizeof(from[i]));
				continue;
			}
			if (in[i].msg_len == 4 &&
			    memcmp(bufs[i], "UNS!", 4) == 0) {
				s = find_sub(subs, n_subs, &from[i]);
				if (s < n_subs)
					subs[s] = subs[--n_subs];
				continue;
			}
			for (s = 0; s < n_subs; s++) {
				out_iov[k].iov_base = bufs[i];
				out_iov[k].iov_len = in[i].msg_len;
				memset(&out[k], 0, sizeof(out[k]));
				out[k].msg_hdr.msg_iov = &out_iov[k];
				out[k].msg_hdr.msg_iovlen = 1;
				out[k].msg_hdr.msg_name = &subs[s];
				out[k].msg_hdr.msg_namelen = sizeof(subs[s]);
				if (++k == OUT) {
					sendmmsg(fd, out, k, 0);
					k = 0;
				}
			}
		}
		if (k > 0)
			sendmmsg(fd, out, k, 0);
	}
	close(fd);
	return 0;
}
