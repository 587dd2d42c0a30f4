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
	/* [mempool] cache, or less for a small pool (rte_mempool refuses
	 * more than n / 1.5). */
	uint32_t cache = herald_config_pool_cache(&herald.cfg, n);
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(name, n, cache, HERALD_MBUF_PRIV_SIZE,
				     data_room, (int)rte_socket_id());
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

/* The longest frame the port MTU allows (no VLAN tag: Herald's traffic
 * is untagged). */
static uint32_t
frame_max(const struct herald_config *cfg)
{
	return (uint32_t)cfg->mtu + RTE_ETHER_HDR_LEN;
}

/*
 * Jumbo buffers only where a frame of mtu bytes does not fit one RX
 * buffer: datagrams that arrive in several segments are copied into one
 * of them (dataplane/rx.c). Without them such frames are over_mtu.
 */
static int
jumbo_pool_init(const struct herald_config *cfg)
{
	uint32_t room = RTE_PKTMBUF_HEADROOM + frame_max(cfg);

	herald.jumbo_frame_max = frame_max(cfg);
	if (frame_max(cfg) <= RTE_MBUF_DEFAULT_DATAROOM)
		return 0;
	herald.jumbo_pool =
		pool_create("herald_jumbo", cfg->jumbo_mbufs, (uint16_t)room);
	return herald.jumbo_pool != NULL ? 0 : -1;
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
	/* Flat DELIVER copies and payload copies of huge fan-outs: a pool
	 * of their own, so they never take what RX needs. */
	herald.flat_pool = pool_create("herald_flat", cfg->flat_mbufs,
				       RTE_MBUF_DEFAULT_BUF_SIZE);
	if (herald.rx_pool == NULL || herald.hdr_pool == NULL ||
	    herald.ind_pool == NULL || herald.flat_pool == NULL)
		return -1;
	return jumbo_pool_init(cfg);
}

void
herald_mempools_free(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_pools; i++)
		rte_mempool_free(herald.pools[i].mp);
	herald.n_pools = 0;
	herald.rx_pool = herald.hdr_pool = herald.ind_pool = NULL;
	herald.flat_pool = herald.jumbo_pool = NULL;
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
