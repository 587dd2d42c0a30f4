/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-client: the UDP socket, its batches and the impairment hook.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hc_udp.h"

uint64_t
herald_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *
herald_client_version(void)
{
	return HERALD_CLIENT_VERSION_STR;
}

uint64_t
hc_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

uint32_t
hc_random_id(void)
{
	uint32_t id = 0;

	while (id == 0) {
		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			id = (uint32_t)(herald_now() * 2654435761u);
	}
	return id;
}

/* A draw in [0, 1). */
static double
rand_unit(uint64_t *state)
{
	return (double)(hc_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

static bool
prob_ok(double p)
{
	return p >= 0 && p <= 1;
}

static int
impair_init(struct hc_impair *im, const struct herald_impair *cfg)
{
	memset(im, 0, sizeof(*im));
	if (cfg == NULL)
		return 0;
	if (!prob_ok(cfg->rx_loss) || !prob_ok(cfg->rx_dup) ||
	    !prob_ok(cfg->rx_reorder) || !prob_ok(cfg->tx_loss) ||
	    !prob_ok(cfg->tx_dup) || !prob_ok(cfg->tx_reorder))
		return -EINVAL;
	im->cfg = *cfg;
	im->on = cfg->rx_loss > 0 || cfg->rx_dup > 0 || cfg->rx_reorder > 0 ||
		 cfg->tx_loss > 0 || cfg->tx_dup > 0 || cfg->tx_reorder > 0;
	/* xorshift must not start at 0. */
	im->rng = cfg->seed ^ 0x9e3779b97f4a7c15ull;
	if (im->rng == 0)
		im->rng = 1;
	if (im->on) {
		im->out = malloc(sizeof(*im->out) * HC_TX_BATCH * 2);
		if (im->out == NULL)
			return -ENOMEM;
	}
	return 0;
}

static int
parse_ipv4(const char *s, struct in_addr *out)
{
	return inet_pton(AF_INET, s, out) == 1 ? 0 : -EINVAL;
}

int
hc_udp_open(struct hc_udp *u, const char *server, uint16_t server_port,
	    const char *bind_addr, uint16_t bind_port, uint32_t max_datagram,
	    uint32_t rcvbuf, bool gro, const struct herald_impair *imp)
{
	struct sockaddr_in local = {.sin_family = AF_INET};
	int buf = 8 << 20, rbuf = rcvbuf ? (int)rcvbuf : buf;
	int rc;

	u->fd = -1;
	if (server == NULL)
		return -EINVAL;
	memset(&u->server, 0, sizeof(u->server));
	u->server.sin_family = AF_INET;
	u->server.sin_port = htons(server_port ? server_port : 7700);
	if (parse_ipv4(server, &u->server.sin_addr) < 0)
		return -EINVAL;
	if (bind_addr != NULL && parse_ipv4(bind_addr, &local.sin_addr) < 0)
		return -EINVAL;
	local.sin_port = htons(bind_port);
	u->max_datagram = max_datagram ? max_datagram : 1472;
	if (u->max_datagram > HC_TX_BUF)
		return -EINVAL;
	rc = impair_init(&u->imp, imp);
	if (rc < 0)
		return rc;

	u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd < 0) {
		rc = -errno;
		hc_udp_close(u);
		return rc;
	}
	/* Deep buffers: a fan-out burst arrives faster than one poll. Past
	 * net.core.rmem_max only with CAP_NET_ADMIN (the FORCE options);
	 * without it the kernel's cap applies. */
	if (setsockopt(u->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rbuf, sizeof(rbuf)) <
	    0)
		setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &rbuf, sizeof(rbuf));
	if (setsockopt(u->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) <
	    0)
		setsockopt(u->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	/* Datagrams of one flow and size (a channel's DELIVERs) read many
	 * at a time: the receive path's per-packet cost, once per run. */
	u->gro = gro && setsockopt(u->fd, IPPROTO_UDP, UDP_GRO, &(int){1},
				   sizeof(int)) == 0;
	u->rx_batch = u->gro ? HC_GRO_BATCH : HC_RX_BATCH;
	u->rx_size = u->gro ? HC_GRO_BUF : HC_RX_BUF;
	u->rx_mem = malloc((size_t)u->rx_batch * u->rx_size);
	if (u->rx_mem == NULL) {
		hc_udp_close(u);
		return -ENOMEM;
	}
	if (bind(u->fd, (struct sockaddr *)&local, sizeof(local)) < 0 ||
	    connect(u->fd, (struct sockaddr *)&u->server, sizeof(u->server)) <
		    0) {
		rc = -errno;
		hc_udp_close(u);
		return rc;
	}
	return 0;
}

void
hc_udp_close(struct hc_udp *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	free(u->imp.out);
	u->imp.out = NULL;
	free(u->rx_mem);
	u->rx_mem = NULL;
}

/* Hand datagrams [0, n) of bufs to the kernel; returns refusals. */
static unsigned int
send_batch(struct hc_udp *u, uint8_t (*bufs)[HC_TX_BUF], const uint16_t *lens,
	   unsigned int n)
{
	struct mmsghdr msgs[HC_TX_BATCH];
	struct iovec iov[HC_TX_BATCH];
	unsigned int i, done = 0, refused = 0;
	int rc;

	for (i = 0; i < n; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = lens[i];
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < n) {
		rc = sendmmsg(u->fd, msgs + done, n - done, 0);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			/* Full buffer or ICMP-reported error: this datagram is
			 * lost; the protocol's resends recover it. */
			refused++;
			done++;
			continue;
		}
		done += (unsigned int)rc;
	}
	u->tx_errors += refused;
	return refused;
}

static void
held_put(struct hc_held *h, const uint8_t *buf, unsigned int len, uint8_t wait)
{
	memcpy(h->buf, buf, len);
	h->len = (uint16_t)len;
	h->wait = wait;
}

/*
 * Impair the TX batch in place: drop, duplicate, hold back; release held
 * datagrams whose wait has passed behind this batch's.
 */
static unsigned int
impair_tx(struct hc_udp *u, uint8_t (*out)[HC_TX_BUF], uint16_t *out_len,
	  unsigned int cap)
{
	struct hc_impair *im = &u->imp;
	unsigned int i, j, n = 0;

	for (i = 0; i < u->n_tx && n < cap; i++) {
		double r = rand_unit(&im->rng);

		if (r < im->cfg.tx_loss) {
			im->st.tx_dropped++;
			continue;
		}
		if (rand_unit(&im->rng) < im->cfg.tx_reorder &&
		    im->n_tx_held < HC_HELD_MAX) {
			held_put(&im->tx_held[im->n_tx_held++], u->tx_buf[i],
				 u->tx_len[i],
				 (uint8_t)(1 + hc_rand(&im->rng) % 3));
			im->st.tx_reordered++;
			continue;
		}
		memcpy(out[n], u->tx_buf[i], u->tx_len[i]);
		out_len[n++] = u->tx_len[i];
		if (rand_unit(&im->rng) < im->cfg.tx_dup && n < cap) {
			memcpy(out[n], u->tx_buf[i], u->tx_len[i]);
			out_len[n++] = u->tx_len[i];
			im->st.tx_duplicated++;
		}
		/* Held datagrams fall behind by one each datagram sent. */
		for (j = 0; j < im->n_tx_held && n < cap;) {
			struct hc_held *h = &im->tx_held[j];

			if (--h->wait > 0) {
				j++;
				continue;
			}
			memcpy(out[n], h->buf, h->len);
			out_len[n++] = h->len;
			*h = im->tx_held[--im->n_tx_held];
		}
	}
	return n;
}

unsigned int
hc_udp_flush(struct hc_udp *u)
{
	unsigned int refused, n, i;

	if (u->n_tx == 0)
		return 0;
	if (!u->imp.on) {
		refused = send_batch(u, u->tx_buf, u->tx_len, u->n_tx);
		u->n_tx = 0;
		return refused;
	}
	n = impair_tx(u, u->imp.out, u->imp.out_len, HC_TX_BATCH * 2);
	u->n_tx = 0;
	refused = 0;
	for (i = 0; i < n; i += HC_TX_BATCH)
		refused +=
			send_batch(u, u->imp.out + i, u->imp.out_len + i,
				   n - i < HC_TX_BATCH ? n - i : HC_TX_BATCH);
	return refused;
}

uint8_t *
hc_udp_tx_next(struct hc_udp *u)
{
	if (u->n_tx == HC_TX_BATCH)
		hc_udp_flush(u);
	return u->tx_buf[u->n_tx];
}

void
hc_udp_tx_commit(struct hc_udp *u, uint16_t len)
{
	u->tx_len[u->n_tx++] = len;
}

/* One received datagram through the RX impairment, then to fn. */
static void
impair_rx(struct hc_udp *u, const uint8_t *buf, unsigned int len, hc_rx_fn fn,
	  void *arg)
{
	struct hc_impair *im = &u->imp;

	if (rand_unit(&im->rng) < im->cfg.rx_loss) {
		im->st.rx_dropped++;
		return;
	}
	if (rand_unit(&im->rng) < im->cfg.rx_reorder &&
	    im->n_rx_held < HC_HELD_MAX && len <= HC_TX_BUF) {
		held_put(&im->rx_held[im->n_rx_held++], buf, len,
			 (uint8_t)(1 + hc_rand(&im->rng) % 3));
		im->st.rx_reordered++;
		return;
	}
	fn(arg, buf, len);
	if (rand_unit(&im->rng) < im->cfg.rx_dup) {
		im->st.rx_duplicated++;
		fn(arg, buf, len);
	}
}

/* Held datagrams whose wait (in datagrams, or in empty reads) is over. */
static void
release_rx_held(struct hc_udp *u, hc_rx_fn fn, void *arg, bool idle)
{
	struct hc_impair *im = &u->imp;
	struct hc_held h;
	unsigned int j = 0;

	while (j < im->n_rx_held) {
		struct hc_held *cur = &im->rx_held[j];

		if (!idle && --cur->wait > 0) {
			j++;
			continue;
		}
		h.len = cur->len;
		memcpy(h.buf, cur->buf, cur->len);
		*cur = im->rx_held[--im->n_rx_held];
		fn(arg, h.buf, h.len);
	}
}

/* The segment size of a coalesced read (0: one datagram). */
static unsigned int
gro_size(struct msghdr *mh)
{
	struct cmsghdr *cm;
	int v;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == IPPROTO_UDP && cm->cmsg_type == UDP_GRO) {
			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			return v > 0 ? (unsigned int)v : 0;
		}
	return 0;
}

/* One datagram from the server, through the impairment if on. */
static void
rx_one(struct hc_udp *u, const uint8_t *buf, unsigned int len, hc_rx_fn fn,
       void *arg)
{
	if (u->imp.on) {
		impair_rx(u, buf, len, fn, arg);
		release_rx_held(u, fn, arg, false);
	} else {
		fn(arg, buf, len);
	}
}

/* A read: one datagram, or a run of segments of seg bytes (the last may
 * be shorter). Returns the datagrams. */
static unsigned int
rx_read(struct hc_udp *u, const uint8_t *buf, unsigned int len,
	unsigned int seg, hc_rx_fn fn, void *arg)
{
	unsigned int off, n = 0;

	if (seg == 0 || seg >= len) {
		rx_one(u, buf, len, fn, arg);
		return 1;
	}
	for (off = 0; off < len; off += seg, n++)
		rx_one(u, buf + off, len - off < seg ? len - off : seg, fn,
		       arg);
	u->rx_coalesced += n;
	return n;
}

unsigned int
hc_udp_recv(struct hc_udp *u, hc_rx_fn fn, void *arg)
{
	struct mmsghdr msgs[HC_RX_BATCH];
	struct iovec iov[HC_RX_BATCH];
	struct sockaddr_in from[HC_RX_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl[HC_RX_BATCH];
	unsigned int i, total = 0;
	int rc;

	do {
		for (i = 0; i < u->rx_batch; i++) {
			iov[i].iov_base = u->rx_mem + (size_t)i * u->rx_size;
			iov[i].iov_len = u->rx_size;
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
			if (u->gro) {
				msgs[i].msg_hdr.msg_control = ctl[i].buf;
				msgs[i].msg_hdr.msg_controllen =
					sizeof(ctl[i].buf);
			}
		}
		rc = recvmmsg(u->fd, msgs, u->rx_batch, MSG_DONTWAIT, NULL);
		if (rc <= 0)
			break;
		for (i = 0; i < (unsigned int)rc; i++) {
			if (from[i].sin_addr.s_addr !=
				    u->server.sin_addr.s_addr ||
			    from[i].sin_port != u->server.sin_port) {
				u->rx_foreign++;
				continue;
			}
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				u->rx_truncated++;
				continue;
			}
			total +=
				rx_read(u, iov[i].iov_base, msgs[i].msg_len,
					u->gro ? gro_size(&msgs[i].msg_hdr) : 0,
					fn, arg);
		}
	} while ((unsigned int)rc == u->rx_batch && total < HC_RX_PER_CALL);
	/* Nothing more came: what was held back arrives now, late. */
	if (u->imp.on && total == 0)
		release_rx_held(u, fn, arg, true);
	return total;
}
