/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target: the INI loader (herald_config_parse), without EAL.
 *
 * Besides memory safety (ASan/UBSan), it checks what the loader promises:
 *  - it returns 0 or -1, and -1 comes with one line naming the file;
 *  - it is deterministic: a second load of the same bytes (from another
 *    buffer) gives the same result, message and config, byte for byte;
 *  - a loaded config is within every key's range as the key table
 *    (config_keys.h) declares it, its lists are consistent (workers
 *    distinct, every slot owned by a worker, allow_any exactly when
 *    n_allow is 0, depths 1..32 with host bits clear), and every pool
 *    can take its cache;
 *  - key lines lie in the input.
 * A broken invariant aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "invariant failed: %s (%s:%d)\n",      \
				#cond, __FILE__, __LINE__);                    \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct herald_config a, b;
static char ea[1024], eb[1024];

static uint64_t
read_field(const struct herald_config *cfg, const struct herald_cfg_key *k)
{
	const uint8_t *p = (const uint8_t *)cfg + k->off;
	uint16_t v16;
	uint32_t v32;

	if (k->size == sizeof(v16)) {
		memcpy(&v16, p, sizeof(v16));
		return v16;
	}
	memcpy(&v32, p, sizeof(v32));
	return v32;
}

static void
check_lists(const struct herald_config *cfg)
{
	unsigned int i, j;

	CHECK(cfg->n_workers >= 1 && cfg->n_workers <= HERALD_MAX_WORKERS);
	for (i = 0; i < cfg->n_workers; i++) {
		CHECK(cfg->worker_lcores[i] < RTE_MAX_LCORE);
		for (j = 0; j < i; j++)
			CHECK(cfg->worker_lcores[i] != cfg->worker_lcores[j]);
	}
	for (i = 0; i < HWP_NUM_SLOTS; i++)
		CHECK(cfg->slot_owner[i] < cfg->n_workers);
	CHECK(cfg->allow_any == (cfg->n_allow == 0));
	CHECK(cfg->n_allow <= HERALD_MAX_PREFIXES);
	for (i = 0; i < cfg->n_allow; i++) {
		uint8_t d = cfg->allow[i].depth;

		CHECK(d >= 1 && d <= 32);
		CHECK(d == 32 || (cfg->allow[i].ip & (~0u >> d)) == 0);
	}
}

static void
check_loaded(const struct herald_config *cfg, unsigned int lines)
{
	static const unsigned int pools[] = {
		HERALD_CFG_mempool_rx_mbufs,
		HERALD_CFG_mempool_header_mbufs,
		HERALD_CFG_mempool_indirect_mbufs,
		HERALD_CFG_mempool_flat_mbufs,
		HERALD_CFG_mempool_jumbo_mbufs,
	};
	unsigned int i;

	for (i = 0; i < HERALD_CFG_NUM_KEYS; i++) {
		const struct herald_cfg_key *k = &herald_cfg_keys[i];
		const uint8_t *f = (const uint8_t *)cfg + k->off;
		uint64_t v;
		int len;

		CHECK(cfg->key_line[i] <= lines);
		switch (k->kind) {
		case HERALD_CFG_U16:
		case HERALD_CFG_U32:
			v = read_field(cfg, k);
			CHECK(v >= k->min && v <= k->max);
			break;
		case HERALD_CFG_BOOL: CHECK(f[0] <= 1); break;
		case HERALD_CFG_MAC:
			CHECK(*((const uint8_t *)cfg + k->aux) <= 1);
			break;
		case HERALD_CFG_PATH:
			CHECK(memchr(f, '\0', k->size) != NULL);
			/* Absolute, or unset (a key without default). */
			CHECK(f[0] == '/' ||
			      (f[0] == '\0' && k->def == NULL &&
			       cfg->key_line[i] == 0));
			break;
		case HERALD_CFG_SOCKET:
			CHECK(memchr(f, '\0', k->size) != NULL);
			CHECK(f[0] == '\0' || f[0] == '/');
			break;
		case HERALD_CFG_HEXKEY:
			memcpy(&len, (const uint8_t *)cfg + k->aux,
			       sizeof(len));
			CHECK(len == 0 ||
			      (len >= (int)k->min && len <= (int)k->max));
			CHECK(len != 0 || cfg->key_line[i] == 0);
			break;
		default: break;
		}
	}
	check_lists(cfg);
	CHECK((cfg->handoff_ring_size & (cfg->handoff_ring_size - 1)) == 0);
	for (i = 0; i < sizeof(pools) / sizeof(pools[0]); i++) {
		uint32_t n =
			(uint32_t)read_field(cfg, &herald_cfg_keys[pools[i]]);
		uint64_t c = herald_config_pool_cache(cfg, n);

		CHECK(c <= 512 && c * 3 <= (uint64_t)n * 2);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int lines = 1;
	uint8_t *copy;
	size_t i;
	int ra, rb;

	ra = herald_config_parse("fuzz.ini", (const char *)data, size, &a, ea,
				 sizeof(ea));
	/* Another buffer: nothing may depend on where the text lies. */
	copy = malloc(size + 1);
	CHECK(copy != NULL);
	memcpy(copy, data, size);
	rb = herald_config_parse("fuzz.ini", (const char *)copy, size, &b, eb,
				 sizeof(eb));
	free(copy);
	CHECK(ra == 0 || ra == -1);
	CHECK(ra == rb);
	CHECK(strcmp(ea, eb) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	if (ra < 0) {
		CHECK(strncmp(ea, "herald: config fuzz.ini", 23) == 0);
		CHECK(strchr(ea, '\n') == NULL);
		return 0;
	}
	CHECK(ea[0] == '\0');
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	check_loaded(&a, lines);
	return 0;
}
