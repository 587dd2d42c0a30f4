/* SPDX-License-Identifier: BSD-3-Clause
 * herald-pub / herald-sub shared helpers (client_tool.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "client_tool.h"
#include "hwp.h"

int
ht_parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (s == NULL || *s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno != 0 || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': x *= 1000ull, end++; break;
	case 'M': x *= 1000000ull, end++; break;
	case 'G': x *= 1000000000ull, end++; break;
	default: break;
	}
	if (*end != '\0')
		return -EINVAL;
	*v = x;
	return 0;
}

int
ht_parse_endpoint(const char *s, char *addr, size_t cap, uint16_t *port)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	uint64_t p;

	if (n == 0 || n >= cap)
		return -EINVAL;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (colon != NULL) {
		if (ht_parse_u64(colon + 1, &p) < 0 || p > 65535)
			return -EINVAL;
		*port = (uint16_t)p;
	}
	return 0;
}

int
ht_parse_channels(const char *s, uint64_t **out, uint32_t *n)
{
	char *copy = strdup(s), *tok, *save = NULL;
	uint64_t *list = NULL, lo, hi, c;
	uint32_t cnt = 0, cap = 0;
	int rc = 0;

	if (copy == NULL)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok != NULL && rc == 0;
	     tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');

		if (dash != NULL)
			*dash = '\0';
		if (ht_parse_u64(tok, &lo) < 0 ||
		    (dash ? ht_parse_u64(dash + 1, &hi) : (hi = lo, 0)) < 0 ||
		    lo == 0 || hi < lo || hi - lo >= (1u << 22)) {
			rc = -EINVAL;
			break;
		}
		for (c = lo; c <= hi; c++) {
			if (cnt == cap) {
				uint64_t *l;

				cap = cap ? cap * 2 : 16;
				l = realloc(list, cap * sizeof(*l));
				if (l == NULL) {
					rc = -ENOMEM;
					break;
				}
				list = l;
			}
			list[cnt++] = c;
		}
	}
	free(copy);
	if (rc == 0 && cnt == 0)
		rc = -EINVAL;
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = cnt;
	return 0;
}

int
ht_parse_impair(const char *s, struct herald_impair *imp)
{
	static const struct {
		const char *name;
		size_t off;
	} probs[] = {
		{"rx_loss", offsetof(struct herald_impair, rx_loss)},
		{"rx_dup", offsetof(struct herald_impair, rx_dup)},
		{"rx_reorder", offsetof(struct herald_impair, rx_reorder)},
		{"tx_loss", offsetof(struct herald_impair, tx_loss)},
		{"tx_dup", offsetof(struct herald_impair, tx_dup)},
		{"tx_reorder", offsetof(struct herald_impair, tx_reorder)},
	};
	char *copy = strdup(s), *tok, *save = NULL;
	int rc = 0;
	size_t i;

	if (copy == NULL)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok != NULL && rc == 0;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *end;
		double v;

		if (eq == NULL) {
			rc = -EINVAL;
			break;
		}
		*eq++ = '\0';
		if (strcmp(tok, "seed") == 0) {
			rc = ht_parse_u64(eq, &imp->seed);
			continue;
		}
		v = strtod(eq, &end);
		if (*end != '\0' || v < 0 || v > 1) {
			rc = -EINVAL;
			break;
		}
		for (i = 0; i < sizeof(probs) / sizeof(probs[0]); i++)
			if (strcmp(tok, probs[i].name) == 0)
				break;
		if (i == sizeof(probs) / sizeof(probs[0]))
			rc = -EINVAL;
		else
			*(double *)((char *)imp + probs[i].off) = v;
	}
	free(copy);
	return rc;
}

void
ht_common_init(struct ht_common *c)
{
	memset(c, 0, sizeof(*c));
	c->progress = -1;
}

void
ht_common_usage(FILE *f)
{
	fprintf(f, "  --json FILE         write the summary as JSON\n"
		   "  --progress | --no-progress   live line on stderr "
		   "(default: on a terminal)\n"
		   "  --quiet             no summary line\n");
}

int
ht_bad_value(const char *tool, const char *name, const char *val)
{
	fprintf(stderr, "%s: bad value for --%s: '%s'\n", tool, name, val);
	return -1;
}

int
ht_next_option(struct ht_common *c, const char *tool, int argc, char **argv,
	       const struct option *longs, const char **name)
{
	int opt, idx, rc;

	for (;;) {
		idx = -1;
		opt = getopt_long(argc, argv, "h", longs, &idx);
		*name = idx >= 0 ? longs[idx].name : "";
		if (opt == -1 || opt == 'h' || opt == '?')
			return opt;
		rc = ht_common_option(c, tool, *name, optarg);
		if (rc < 0)
			return -2;
		if (rc == 0)
			return opt;
	}
}

int
ht_no_operands(const char *tool, int argc, char **argv)
{
	if (optind >= argc)
		return 0;
	fprintf(stderr, "%s: unexpected argument '%s'\n", tool, argv[optind]);
	return -1;
}

int
ht_common_option(struct ht_common *c, const char *tool, const char *name,
		 const char *val)
{
	if (strcmp(name, "server") == 0) {
		if (ht_parse_endpoint(val, c->server, sizeof(c->server),
				      &c->server_port) < 0)
			return ht_bad_value(tool, name, val);
		c->has_server = true;
	} else if (strcmp(name, "bind") == 0) {
		if (ht_parse_endpoint(val, c->bind, sizeof(c->bind),
				      &c->bind_port) < 0)
			return ht_bad_value(tool, name, val);
		c->has_bind = true;
	} else if (strcmp(name, "channels") == 0) {
		free(c->channels);
		c->channels = NULL;
		if (ht_parse_channels(val, &c->channels, &c->n_channels) < 0)
			return ht_bad_value(tool, name, val);
	} else if (strcmp(name, "impair") == 0) {
		if (ht_parse_impair(val, &c->impair) < 0)
			return ht_bad_value(tool, name, val);
	} else if (strcmp(name, "json") == 0) {
		c->json = val;
	} else if (strcmp(name, "progress") == 0) {
		c->progress = 1;
	} else if (strcmp(name, "no-progress") == 0) {
		c->progress = 0;
	} else if (strcmp(name, "quiet") == 0) {
		c->quiet = true;
	} else {
		return 0;
	}
	return 1;
}

int
ht_common_finish(struct ht_common *c, const char *tool)
{
	if (!c->has_server) {
		fprintf(stderr, "%s: --server is required\n", tool);
		return -1;
	}
	if (c->channels == NULL) {
		c->channels = malloc(sizeof(*c->channels));
		if (c->channels == NULL)
			return -1;
		c->channels[0] = 1;
		c->n_channels = 1;
	}
	return 0;
}

static uint32_t
fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t
payload_sum(const uint8_t *buf, size_t len)
{
	uint32_t h = fnv1a(2166136261u, buf, 20);

	return fnv1a(h, buf + 24, len - 24);
}

void
ht_payload_fill(uint8_t *buf, size_t len, uint64_t channel, uint64_t n,
		uint32_t run)
{
	size_t i;

	if (len < HT_PAYLOAD_MIN) {
		memset(buf, (int)(n & 0xff), len);
		return;
	}
	hwp_put64(buf, channel);
	hwp_put64(buf + 8, n);
	hwp_put32(buf + 16, run);
	for (i = 24; i < len; i++)
		buf[i] = (uint8_t)((n * 131 + i) % 251);
	hwp_put32(buf + 20, payload_sum(buf, len));
}

int
ht_payload_check(const uint8_t *buf, size_t len, uint64_t *channel, uint64_t *n,
		 uint32_t *run)
{
	size_t i;

	if (len < HT_PAYLOAD_MIN ||
	    hwp_get32(buf + 20) != payload_sum(buf, len))
		return -1;
	*channel = hwp_get64(buf);
	*n = hwp_get64(buf + 8);
	*run = hwp_get32(buf + 16);
	for (i = 24; i < len; i++)
		if (buf[i] != (uint8_t)((*n * 131 + i) % 251))
			return -1;
	return 0;
}

volatile sig_atomic_t ht_stop;

static void
on_signal(int sig)
{
	(void)sig;
	ht_stop = 1;
}

void
ht_catch_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}

uint32_t
ht_random_u32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)ht_realtime_ns();
	return v;
}

uint64_t
ht_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
ht_progress_init(struct ht_progress *p, int mode)
{
	memset(p, 0, sizeof(*p));
	p->on = mode < 0 ? isatty(STDERR_FILENO) : mode > 0;
}

void
ht_progress_tick(struct ht_progress *p, uint64_t now, const char *label,
		 uint64_t count, const char *extra)
{
	double rate;

	if (!p->on || now < p->next_at)
		return;
	if (p->last_at == 0) {
		p->last_at = now;
		p->last_count = count;
		p->next_at = now + 1000000000ull;
		return;
	}
	rate = (double)(count - p->last_count) * 1e9 /
	       (double)(now - p->last_at);
	fprintf(stderr, "\r%s %llu (%.0f/s) %s\033[K", label,
		(unsigned long long)count, rate, extra);
	fflush(stderr);
	p->last_at = now;
	p->last_count = count;
	p->next_at = now + 1000000000ull;
}

void
ht_progress_done(struct ht_progress *p)
{
	if (p->on && p->last_at != 0)
		fputc('\n', stderr);
}
