/* SPDX-License-Identifier: BSD-3-Clause
 * "show port xstats": every extended counter a PMD has, since the last
 * "clear stats" (a baseline, like the other views: the PMD's counters are
 * never reset, so the exit JSON stays absolute).
 */
#include <inttypes.h>
#include <stdlib.h>

#include <rte_ethdev.h>

#include "herald.h"
#include "obs/stats.h"

static struct {
	uint64_t *values; /* by xstat id */
	unsigned int n;
} xbase[HERALD_MAX_PORTS];

/* The port's xstats and their names (caller frees both); count or -1. */
static int
xstats_read(uint16_t port, struct rte_eth_xstat **xs,
	    struct rte_eth_xstat_name **names)
{
	int n = rte_eth_xstats_get(port, NULL, 0);

	*xs = NULL;
	*names = NULL;
	if (n < 0)
		return -1;
	*xs = calloc((size_t)n + 1, sizeof(**xs));
	*names = calloc((size_t)n + 1, sizeof(**names));
	if (*xs == NULL || *names == NULL ||
	    rte_eth_xstats_get_names(port, *names, (unsigned int)n) != n ||
	    rte_eth_xstats_get(port, *xs, (unsigned int)n) != n) {
		free(*xs);
		free(*names);
		*xs = NULL;
		*names = NULL;
		return -1;
	}
	return n;
}

void
herald_xstats_clear(void)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *xs;
	unsigned int p;
	int n, i;

	for (p = 0; p < herald.n_ports && p < HERALD_MAX_PORTS; p++) {
		free(xbase[p].values);
		xbase[p].values = NULL;
		xbase[p].n = 0;
		n = xstats_read((uint16_t)p, &xs, &names);
		if (n <= 0)
			continue;
		xbase[p].values = calloc((size_t)n, sizeof(uint64_t));
		if (xbase[p].values != NULL) {
			for (i = 0; i < n; i++)
				if (xs[i].id < (uint64_t)n)
					xbase[p].values[xs[i].id] = xs[i].value;
			xbase[p].n = (unsigned int)n;
		}
		free(xs);
		free(names);
	}
}

static uint64_t
since_clear(uint16_t port, const struct rte_eth_xstat *x)
{
	if (port >= HERALD_MAX_PORTS || x->id >= xbase[port].n)
		return x->value;
	return x->value - xbase[port].values[x->id];
}

int
herald_xstats_show(FILE *f, uint16_t port)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *xs;
	int n = xstats_read(port, &xs, &names), i;

	if (n < 0)
		return -1;
	fprintf(f, "  ######## port %u (%s) extended statistics ########\n",
		port, herald.ports[port].name);
	for (i = 0; i < n; i++)
		fprintf(f, "  %-36s %" PRIu64 "\n", names[i].name,
			since_clear(port, &xs[i]));
	free(xs);
	free(names);
	return 0;
}

int
herald_xstats_json(FILE *f, uint16_t port)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *xs;
	int n = xstats_read(port, &xs, &names), i;

	if (n < 0)
		return -1;
	fprintf(f, "{\"port\": %u, \"name\": ", port);
	herald_json_string(f, herald.ports[port].name);
	fprintf(f, ", \"xstats\": {");
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\n  ", i != 0 ? "," : "");
		herald_json_string(f, names[i].name);
		fprintf(f, ": %" PRIu64, since_clear(port, &xs[i]));
	}
	fprintf(f, "}}");
	free(xs);
	free(names);
	return 0;
}

void
herald_xstats_free(void)
{
	unsigned int p;

	for (p = 0; p < HERALD_MAX_PORTS; p++) {
		free(xbase[p].values);
		xbase[p].values = NULL;
		xbase[p].n = 0;
	}
}
