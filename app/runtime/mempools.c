/* SPDX-License-Identifier: BSD-3-Clause
 * Mempools and their books: every pool's in-use count with the ports up
 * and idle, before and after traffic, must match at exit.
 */
#include <stdio.h>

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "herald.h"

/* Headers of one DELIVER (82 bytes) or any control frame, plus headroom. */
#define HDR_DATA_ROOM (RTE_PKTMBUF_HEADROOM + 128)

static struct rte_mempool *
pool_create(const char *name, uint32_t n, uint16_t data_room)
{
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(name, n, herald.cfg.mempool_cache,
				     HERALD_MBUF_PRIV_SIZE, data_room,
				     (int)rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr,
			"herald: cannot create mempool %s (%u mbufs): %s\n",
			name, n, rte_strerror(rte_errno));
		return NULL;
	}
	herald.pools[herald.n_pools].mp = mp;
	herald.n_pools++;
	return mp;
}

int
herald_mempools_init(void)
{
	const struct herald_config *cfg = &herald.cfg;

	herald.rx_pool = pool_create("herald_rx", cfg->rx_mbufs,
				     RTE_MBUF_DEFAULT_BUF_SIZE);
	herald.hdr_pool =
		pool_create("herald_hdr", cfg->header_mbufs, HDR_DATA_ROOM);
	/* Same private size as the direct pools: rte_pktmbuf_attach needs it.
	 */
	herald.ind_pool =
		pool_create("herald_indirect", cfg->indirect_mbufs, 0);
	/*
	 * Flat DELIVER copies come from the rx pool, as before the lcore
	 * context had a pointer of its own for them; a pool of their own
	 * (sized by [mempool] flat_mbufs) is the config work's to add.
	 */
	herald.flat_pool = herald.rx_pool;
	return herald.rx_pool != NULL && herald.hdr_pool != NULL &&
			       herald.ind_pool != NULL
		       ? 0
		       : -1;
}

void
herald_mempools_free(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_pools; i++)
		rte_mempool_free(herald.pools[i].mp);
	herald.n_pools = 0;
	herald.rx_pool = herald.hdr_pool = herald.ind_pool = NULL;
	herald.flat_pool = NULL;
}

void
herald_mempools_mark(bool end)
{
	unsigned int i;

	for (i = 0; i < herald.n_pools; i++) {
		unsigned int n = rte_mempool_in_use_count(herald.pools[i].mp);

		if (end)
			herald.pools[i].in_use_end = n;
		else
			herald.pools[i].in_use_start = n;
	}
}

bool
herald_mempools_ok(FILE *f)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < herald.n_pools; i++) {
		const struct herald_mempool_watch *w = &herald.pools[i];

		if (w->in_use_end == w->in_use_start)
			continue;
		ok = false;
		if (f != NULL)
			fprintf(f,
				"herald: CONSERVATION VIOLATED: %s (%u != "
				"%u)\n",
				w->mp->name, w->in_use_end, w->in_use_start);
	}
	return ok;
}
