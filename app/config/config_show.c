/* SPDX-License-Identifier: BSD-3-Clause
 * Every key's value as text, for "show config": written back in the
 * syntax the loader reads, so what an operator sees is what a file would
 * say, except the token key, which is never shown.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "config/config.h"

struct show_buf {
	char *p;
	size_t len, pos;
};

static void __attribute__((format(printf, 2, 3)))
put(struct show_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->pos + 1 >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->pos, b->len - b->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->pos = b->pos + (size_t)n < b->len ? b->pos + (size_t)n
						     : b->len - 1;
}

static const void *
field(const struct herald_config *cfg, const struct herald_cfg_key *k)
{
	return (const uint8_t *)cfg + k->off;
}

static void
put_ipv4(struct show_buf *b, uint32_t a)
{
	put(b, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
	    a & 0xff);
}

/* Slot ranges by owner lcore, "spread" when they are what it gives. */
static void
put_slots(struct show_buf *b, const struct herald_config *cfg)
{
	unsigned int s, first = 0;
	bool spread = true;

	for (s = 0; s < HWP_NUM_SLOTS; s++)
		spread &= cfg->slot_owner[s] ==
			  s * cfg->n_workers / HWP_NUM_SLOTS;
	if (spread) {
		put(b, "spread");
		return;
	}
	for (s = 1; s <= HWP_NUM_SLOTS; s++) {
		if (s < HWP_NUM_SLOTS &&
		    cfg->slot_owner[s] == cfg->slot_owner[first])
			continue;
		put(b, "%s%u-%u:%u", first != 0 ? ", " : "", first, s - 1,
		    cfg->worker_lcores[cfg->slot_owner[first]]);
		first = s;
	}
}

static void
put_prefixes(struct show_buf *b, const struct herald_config *cfg)
{
	unsigned int i;

	if (cfg->allow_any) {
		put(b, "any");
		return;
	}
	for (i = 0; i < cfg->n_allow; i++) {
		put(b, "%s", i != 0 ? ", " : "");
		put_ipv4(b, cfg->allow[i].ip);
		put(b, "/%u", cfg->allow[i].depth);
	}
}

bool
herald_config_value(const struct herald_config *cfg, unsigned int k, char *buf,
		    size_t len)
{
	const struct herald_cfg_key *key = &herald_cfg_keys[k];
	struct show_buf b = {.p = buf, .len = len};
	const uint8_t *aux = (const uint8_t *)cfg + key->aux;
	const void *f = field(cfg, key);
	uint16_t u16;
	uint32_t u32;
	unsigned int i;
	bool set = true;
	int n;

	if (len == 0)
		return false;
	buf[0] = '\0';
	switch (key->kind) {
	case HERALD_CFG_U16:
		memcpy(&u16, f, sizeof(u16));
		put(&b, "%u", u16);
		break;
	case HERALD_CFG_U32:
		memcpy(&u32, f, sizeof(u32));
		put(&b, "%" PRIu32, u32);
		break;
	case HERALD_CFG_BOOL:
		put(&b, "%s", *(const bool *)f ? "yes" : "no");
		break;
	case HERALD_CFG_IPV4:
		memcpy(&u32, f, sizeof(u32));
		put_ipv4(&b, u32);
		break;
	case HERALD_CFG_MAC:
		set = *(const bool *)aux;
		if (set)
			for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
				put(&b, "%s%02x", i != 0 ? ":" : "",
				    ((const uint8_t *)f)[i]);
		break;
	case HERALD_CFG_PATH: put(&b, "%s", (const char *)f); break;
	case HERALD_CFG_SOCKET:
		put(&b, "%s",
		    *(const char *)f != '\0' ? (const char *)f : "none");
		break;
	case HERALD_CFG_HEXKEY:
		memcpy(&n, aux, sizeof(n));
		set = n != 0;
		/* A secret: its length says it is there, nothing more. */
		if (set)
			put(&b, "(%d bytes, not shown)", n);
		break;
	case HERALD_CFG_LCORES:
		for (i = 0; i < cfg->n_workers; i++)
			put(&b, "%s%u", i != 0 ? ", " : "",
			    cfg->worker_lcores[i]);
		break;
	case HERALD_CFG_SLOTS: put_slots(&b, cfg); break;
	case HERALD_CFG_PREFIXES: put_prefixes(&b, cfg); break;
	}
	if (!set)
		put(&b, "(not set)");
	return set;
}
