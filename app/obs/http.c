/* SPDX-License-Identifier: BSD-3-Clause
 * The HTTP server of [metrics] (libmicrohttpd, its own thread): GET
 * /metrics (Prometheus text format 0.0.4, obs/prom.c), /healthz (200
 * when every health check passes, 503 otherwise; the checks one a
 * line), /top/channels and /top/subscribers (JSON, obs/top.h, asked of
 * the control thread), /top/publishers (read from the workers' session
 * tables) and /top/slots (obs/stats.h). Off unless [metrics] port is
 * set; loopback by default.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "control/control.h"
#include "herald.h"
#include "obs/prom.h"
#include "obs/stats.h"
#include "obs/top.h"
#include "runtime/runtime.h"

/* The workers' loop counters are sampled this far apart by /healthz. */
#define HEALTH_SAMPLE_MS 50

static struct MHD_Daemon *daemon_;

static void
check(FILE *f, bool *all, bool ok, const char *what, const char *why)
{
	if (ok)
		fprintf(f, "ok %s\n", what);
	else
		fprintf(f, "fail %s: %s\n", what, why);
	*all &= ok;
}

bool
herald_health(FILE *f, unsigned int wait_ms)
{
	uint64_t loops[HERALD_MAX_WORKERS], ctl0;
	const struct herald_lcore *lc;
	struct rte_eth_link link;
	char what[64], why[96];
	bool all = true;
	unsigned int w, i;
	uint16_t p;

	for (p = 0; p < herald.n_ports; p++) {
		snprintf(what, sizeof(what), "port %u link", p);
		check(f, &all,
		      rte_eth_link_get_nowait(p, &link) == 0 &&
			      link.link_status == RTE_ETH_LINK_UP,
		      what, "down");
	}
	for (w = 0; (lc = herald_lcore_get(w)) != NULL; w++)
		loops[w] = __atomic_load_n(&lc->cnt.c[CNT_loops],
					   __ATOMIC_RELAXED);
	ctl0 = herald_control_heartbeat();
	rte_delay_us_sleep(wait_ms * 1000);
	for (w = 0; (lc = herald_lcore_get(w)) != NULL; w++) {
		bool moved = __atomic_load_n(&lc->cnt.c[CNT_loops],
					     __ATOMIC_RELAXED) != loops[w];

		snprintf(what, sizeof(what), "worker %u (lcore %u) looping", w,
			 lc->lcore_id);
		check(f, &all, moved, what,
		      lc->stopped ? "stopped (start resumes it)"
				  : "no loop in the sample");
	}
	check(f, &all, herald_control_heartbeat() != ctl0,
	      "control thread alive", "no loop in the sample");
	for (i = 0; i < herald.n_pools; i++) {
		const struct rte_mempool *mp = herald.pools[i].mp;
		unsigned int avail = rte_mempool_avail_count(mp);

		snprintf(what, sizeof(what), "mempool %s not exhausted",
			 mp->name);
		snprintf(why, sizeof(why), "%u of %u free", avail, mp->size);
		/* Lcore caches count as in use: under 1 % free is empty. */
		check(f, &all, avail > mp->size / 100, what, why);
	}
	return all;
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned int status, char *body, size_t len,
      const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* ?order=WORD&n=N of a top-N path: *order from order_of (def when
 * absent), *n 1 to 32 (32 when absent); false for anything else. */
static bool
top_args(struct MHD_Connection *c, int (*order_of)(const char *word), int def,
	 int *order, uint32_t *n)
{
	const char *o =
		MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "order");
	const char *v =
		MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "n");
	unsigned long x = HERALD_TOP_MAX;
	char *end;

	*order = o == NULL ? def : order_of == NULL ? -1 : order_of(o);
	if (v != NULL) {
		x = strtoul(v, &end, 10);
		if (end == v || *end != '\0')
			x = 0;
	}
	*n = (uint32_t)x;
	return *order >= 0 && x >= 1 && x <= HERALD_TOP_MAX;
}

static unsigned int
bad_top_args(FILE *f, const char *orders)
{
	fprintf(f, "{\"error\": \"order is %s, n 1 to %u\"}\n", orders,
		HERALD_TOP_MAX);
	return MHD_HTTP_BAD_REQUEST;
}

/* /top/channels, /top/subscribers: the control thread's top-N as JSON
 * (it answers within a second). */
static unsigned int
top_json(FILE *f, struct MHD_Connection *c, bool channels)
{
	struct herald_query *q;
	unsigned int status = MHD_HTTP_OK;
	uint32_t n, got;
	int order;

	if (!top_args(c, channels ? NULL : herald_top_sub_order,
		      channels ? 0 : HERALD_SUB_BY_REPAIR, &order, &n))
		return bad_top_args(f, channels ? "not taken"
						: "repair, nacks, retransmits, "
						  "gaps or budget");
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	q->kind = channels ? HERALD_QUERY_TOP_CHANNELS : HERALD_QUERY_TOP;
	q->order = (enum herald_sub_order)order;
	if (herald_control_ask(q) != 0) {
		fprintf(f,
			"{\"error\": \"the control thread did not answer\"}\n");
		free(q);
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	got = RTE_MIN((uint32_t)q->rc, n);
	if (channels)
		herald_top_channels_json(f, q->top_ch, got, q->first);
	else
		herald_top_subscribers_json(f, q->top, got, q->first, q->order,
					    q->ranked);
	free(q);
	return status;
}

/* /top/publishers: read from the workers' tables, no control query. */
static unsigned int
top_publishers_json(FILE *f, struct MHD_Connection *c)
{
	static struct herald_publisher_info top[HERALD_TOP_MAX];
	uint32_t n, got, total;
	int order;

	if (!top_args(c, herald_top_pub_order, HERALD_PUB_BY_RATE, &order, &n))
		return bad_top_args(f, "rate or duplicates");
	got = herald_publish_top(top, n, (enum herald_pub_order)order, &total);
	herald_top_publishers_json(f, top, got, total,
				   (enum herald_pub_order)order);
	return MHD_HTTP_OK;
}

/* /top/slots[?n=N]: the busiest slots (every one with messages unless
 * n says fewer). */
static unsigned int
top_slots_json(FILE *f, struct MHD_Connection *c)
{
	uint32_t n;
	int order;

	if (!top_args(c, NULL, 0, &order, &n))
		return bad_top_args(f, "not taken");
	if (MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "n") == NULL)
		n = UINT32_MAX;
	herald_slots_json(f, false, n);
	return MHD_HTTP_OK;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_size,
       void **con_cls)
{
	unsigned int status = MHD_HTTP_OK;
	const char *type = "text/plain; charset=utf-8";
	char *body = NULL;
	size_t len = 0;
	FILE *f;

	(void)cls, (void)version, (void)upload_data, (void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			     strdup("GET only\n"), 9, type);
	f = open_memstream(&body, &len);
	if (f == NULL)
		return MHD_NO;
	if (strcmp(url, "/metrics") == 0) {
		herald_prom_write(f);
		type = "text/plain; version=0.0.4; charset=utf-8";
	} else if (strcmp(url, "/healthz") == 0) {
		if (!herald_health(f, HEALTH_SAMPLE_MS))
			status = MHD_HTTP_SERVICE_UNAVAILABLE;
	} else if (strcmp(url, "/top/channels") == 0 ||
		   strcmp(url, "/top/subscribers") == 0) {
		status = top_json(f, c, url[5] == 'c');
		type = "application/json";
	} else if (strcmp(url, "/top/publishers") == 0) {
		status = top_publishers_json(f, c);
		type = "application/json";
	} else if (strcmp(url, "/top/slots") == 0) {
		status = top_slots_json(f, c);
		type = "application/json";
	} else {
		fprintf(f,
			"not found: %s (try /metrics, /healthz, /top/channels, "
			"/top/subscribers, /top/publishers, /top/slots)\n",
			url);
		status = MHD_HTTP_NOT_FOUND;
	}
	fclose(f);
	return reply(c, status, body, len, type);
}

int
herald_http_start(uint32_t address, uint16_t port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(address),
	};

	daemon_ = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, port, NULL,
		NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, &sa,
		MHD_OPTION_CONNECTION_LIMIT, 32U, MHD_OPTION_CONNECTION_TIMEOUT,
		10U, MHD_OPTION_END);
	if (daemon_ == NULL) {
		fprintf(stderr,
			"herald: [metrics] cannot listen on %u.%u.%u.%u:%u\n",
			address >> 24, (address >> 16) & 0xff,
			(address >> 8) & 0xff, address & 0xff, port);
		return -1;
	}
	return 0;
}

void
herald_http_stop(void)
{
	if (daemon_ != NULL)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}
