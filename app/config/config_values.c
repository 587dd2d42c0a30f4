/* SPDX-License-Identifier: BSD-3-Clause
 * One parser per kind of value (enum herald_cfg_kind). Each writes the
 * key's field only; messages quote what was wrong, never a token key.
 */
#include <string.h>

#include "config/config_priv.h"
#include "hwp_token.h"
#include "inet_parse.h"

/* No list item of any kind is this long: a longer one is an error, not
 * cut to something that might parse. */
#define CFG_ITEM_MAX 64

enum cfg_item {
	CFG_ITEM_END = 0,
	CFG_ITEM_OK = 1,
	CFG_ITEM_EMPTY = -1, /* ",," or a comma at either end */
	CFG_ITEM_LONG = -2,
};

/* Lists: items separated by a comma, blanks, or both ("1, 2", "1 2"). */
struct cfg_items {
	const char *p;
	bool comma; /* the last item ended with a comma: one must follow */
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
next_item(struct cfg_items *it, char tok[CFG_ITEM_MAX])
{
	const char *s;
	size_t n;

	while (is_blank(*it->p))
		it->p++;
	if (*it->p == ',')
		return CFG_ITEM_EMPTY;
	if (*it->p == '\0')
		return it->comma ? CFG_ITEM_EMPTY : CFG_ITEM_END;
	s = it->p;
	while (*it->p != '\0' && *it->p != ',' && !is_blank(*it->p))
		it->p++;
	n = (size_t)(it->p - s);
	memcpy(tok, s, n < CFG_ITEM_MAX ? n : CFG_ITEM_MAX - 1);
	tok[n < CFG_ITEM_MAX ? n : CFG_ITEM_MAX - 1] = '\0';
	while (is_blank(*it->p))
		it->p++;
	it->comma = *it->p == ',';
	if (it->comma)
		it->p++;
	return n < CFG_ITEM_MAX ? CFG_ITEM_OK : CFG_ITEM_LONG;
}

static int
item_error(struct herald_cfg_ctx *ctx, unsigned int k, int rc, const char *tok)
{
	char sb[HERALD_CFG_SHOW_LEN];

	if (rc == CFG_ITEM_LONG)
		return herald_cfg_error(ctx, k, "item '%s...' is too long",
					herald_cfg_show(tok, sb));
	return herald_cfg_error(ctx, k, "empty item in the list");
}

static void *
field(const struct herald_cfg_ctx *ctx, const struct herald_cfg_key *key)
{
	return (uint8_t *)ctx->cfg + key->off;
}

static int
parse_number(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	const struct herald_cfg_key *key = &herald_cfg_keys[k];
	char sb[HERALD_CFG_SHOW_LEN];
	uint64_t x;

	if (inet_parse_u64(v, key->min, key->max, &x) < 0)
		return herald_cfg_error(
			ctx, k, "'%s' is not an integer from %llu to %llu",
			herald_cfg_show(v, sb), (unsigned long long)key->min,
			(unsigned long long)key->max);
	if (key->kind == HERALD_CFG_U16) {
		uint16_t x16 = (uint16_t)x;

		memcpy(field(ctx, key), &x16, sizeof(x16));
	} else {
		uint32_t x32 = (uint32_t)x;

		memcpy(field(ctx, key), &x32, sizeof(x32));
	}
	return 0;
}

static int
parse_bool(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	char sb[HERALD_CFG_SHOW_LEN];
	bool b;

	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		b = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
		 strcmp(v, "0") == 0)
		b = false;
	else
		return herald_cfg_error(ctx, k,
					"'%s' is not yes/no (true/false, 1/0)",
					herald_cfg_show(v, sb));
	memcpy(field(ctx, &herald_cfg_keys[k]), &b, sizeof(b));
	return 0;
}

static int
parse_ipv4(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	char sb[HERALD_CFG_SHOW_LEN];
	uint32_t ip;

	if (inet_parse_ipv4(v, &ip) < 0)
		return herald_cfg_error(ctx, k, "'%s' is not an IPv4 address",
					herald_cfg_show(v, sb));
	memcpy(field(ctx, &herald_cfg_keys[k]), &ip, sizeof(ip));
	return 0;
}

static int
parse_mac(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	const struct herald_cfg_key *key = &herald_cfg_keys[k];
	char sb[HERALD_CFG_SHOW_LEN];
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	bool has = true;

	if (inet_parse_mac(v, mac) < 0)
		return herald_cfg_error(
			ctx, k, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
			herald_cfg_show(v, sb));
	memcpy(field(ctx, key), mac, sizeof(mac));
	memcpy((uint8_t *)ctx->cfg + key->aux, &has, sizeof(has));
	return 0;
}

static int
parse_path(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	const struct herald_cfg_key *key = &herald_cfg_keys[k];
	char sb[HERALD_CFG_SHOW_LEN];
	size_t n = strlen(v);

	if (v[0] != '/')
		return herald_cfg_error(ctx, k, "'%s' is not an absolute path",
					herald_cfg_show(v, sb));
	if (n >= key->size)
		return herald_cfg_error(ctx, k,
					"'%s' is longer than %zu characters",
					herald_cfg_show(v, sb), key->size - 1);
	memcpy(field(ctx, key), v, n + 1);
	return 0;
}

/* An absolute path that fits the field (sun_path), or "none": "". */
static int
parse_socket(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	const struct herald_cfg_key *key = &herald_cfg_keys[k];
	char sb[HERALD_CFG_SHOW_LEN];
	size_t n = strlen(v);

	if (strcmp(v, "none") == 0) {
		memset(field(ctx, key), 0, key->size);
		return 0;
	}
	if (v[0] != '/')
		return herald_cfg_error(
			ctx, k, "'%s' is not an absolute path (or none)",
			herald_cfg_show(v, sb));
	if (n >= key->size)
		return herald_cfg_error(ctx, k,
					"'%s' is longer than %zu characters "
					"(a Unix socket path)",
					herald_cfg_show(v, sb), key->size - 1);
	memcpy(field(ctx, key), v, n + 1);
	return 0;
}

static int
parse_hexkey(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	const struct herald_cfg_key *key = &herald_cfg_keys[k];
	int n = hwp_key_from_hex(v, field(ctx, key), key->size);

	/* hwp_key_from_hex knows the lengths HWP accepts; the table's
	 * min/max say the same for the documentation. */
	if (n < (int)key->min || n > (int)key->max)
		return herald_cfg_error(ctx, k, "not %llu to %llu bytes of hex",
					(unsigned long long)key->min,
					(unsigned long long)key->max);
	memcpy((uint8_t *)ctx->cfg + key->aux, &n, sizeof(n));
	return 0;
}

static int
worker_index_of(const struct herald_config *cfg, uint64_t lcore)
{
	unsigned int i;

	for (i = 0; i < cfg->n_workers; i++)
		if (cfg->worker_lcores[i] == lcore)
			return (int)i;
	return -1;
}

/* [lcores] workers: fills worker_lcores and n_workers. */
static int
parse_lcores(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	struct herald_config *cfg = ctx->cfg;
	struct cfg_items it = {.p = v};
	char tok[CFG_ITEM_MAX], sb[HERALD_CFG_SHOW_LEN];
	int rc;

	cfg->n_workers = 0;
	while ((rc = next_item(&it, tok)) == CFG_ITEM_OK) {
		uint64_t id;

		if (inet_parse_u64(tok, 0, RTE_MAX_LCORE - 1, &id) < 0)
			return herald_cfg_error(ctx, k,
						"'%s' is not an lcore id (0 to "
						"%u)",
						herald_cfg_show(tok, sb),
						RTE_MAX_LCORE - 1);
		if (cfg->n_workers == herald_cfg_keys[k].max)
			return herald_cfg_error(
				ctx, k, "more than %llu workers",
				(unsigned long long)herald_cfg_keys[k].max);
		if (worker_index_of(cfg, id) >= 0)
			return herald_cfg_error(ctx, k, "lcore %s listed twice",
						tok);
		cfg->worker_lcores[cfg->n_workers++] = (unsigned int)id;
	}
	if (rc != CFG_ITEM_END)
		return item_error(ctx, k, rc, tok);
	if (cfg->n_workers < herald_cfg_keys[k].min)
		return herald_cfg_error(ctx, k, "no lcore given");
	return 0;
}

/* "FIRST-LAST:LCORE", numbers as everywhere (no leading 0). */
static int
parse_range(char *tok, uint64_t *first, uint64_t *last, uint64_t *lcore)
{
	char *dash = strchr(tok, '-');
	char *colon = strchr(tok, ':');

	if (dash == NULL || colon == NULL || colon < dash)
		return -1;
	*dash = '\0';
	*colon = '\0';
	if (inet_parse_u64(tok, 0, HWP_NUM_SLOTS - 1, first) < 0 ||
	    inet_parse_u64(dash + 1, *first, HWP_NUM_SLOTS - 1, last) < 0 ||
	    inet_parse_u64(colon + 1, 0, RTE_MAX_LCORE - 1, lcore) < 0)
		return -1;
	return 0;
}

/* [lcores] slots: "spread" or ranges covering every slot exactly once. */
static int
parse_slots(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	struct herald_config *cfg = ctx->cfg;
	struct cfg_items it = {.p = v};
	char tok[CFG_ITEM_MAX], orig[CFG_ITEM_MAX], sb[HERALD_CFG_SHOW_LEN];
	uint8_t seen[HWP_NUM_SLOTS];
	unsigned int s;
	int rc;

	if (strcmp(v, "spread") == 0) {
		for (s = 0; s < HWP_NUM_SLOTS; s++)
			cfg->slot_owner[s] =
				(uint8_t)(s * cfg->n_workers / HWP_NUM_SLOTS);
		return 0;
	}
	memset(seen, 0, sizeof(seen));
	while ((rc = next_item(&it, tok)) == CFG_ITEM_OK) {
		uint64_t first, last, lcore, i;
		int w;

		memcpy(orig, tok, sizeof(orig));
		if (parse_range(tok, &first, &last, &lcore) < 0)
			return herald_cfg_error(ctx, k,
						"'%s' is not FIRST-LAST:LCORE "
						"with slots 0-%u",
						herald_cfg_show(orig, sb),
						HWP_NUM_SLOTS - 1);
		w = worker_index_of(cfg, lcore);
		if (w < 0)
			return herald_cfg_error(ctx, k,
						"'%s' names an lcore that is "
						"not a worker",
						herald_cfg_show(orig, sb));
		for (i = first; i <= last; i++) {
			if (seen[i])
				return herald_cfg_error(
					ctx, k,
					"'%s' overlaps an "
					"earlier range",
					herald_cfg_show(orig, sb));
			seen[i] = 1;
			cfg->slot_owner[i] = (uint8_t)w;
		}
	}
	if (rc != CFG_ITEM_END)
		return item_error(ctx, k, rc, tok);
	for (s = 0; s < HWP_NUM_SLOTS; s++)
		if (!seen[s])
			return herald_cfg_error(ctx, k, "slot %u has no owner",
						s);
	return 0;
}

/* [publishers] allow: fills allow, n_allow and allow_any. */
static int
parse_prefixes(struct herald_cfg_ctx *ctx, unsigned int k, const char *v)
{
	struct herald_config *cfg = ctx->cfg;
	struct cfg_items it = {.p = v};
	char tok[CFG_ITEM_MAX], sb[HERALD_CFG_SHOW_LEN];
	unsigned int n = 0;
	bool any = false;
	int rc;

	if (strcmp(v, "any") == 0) {
		cfg->allow_any = true;
		cfg->n_allow = 0;
		return 0;
	}
	while ((rc = next_item(&it, tok)) == CFG_ITEM_OK) {
		uint32_t ip;
		uint8_t depth;

		if (strcmp(tok, "any") == 0)
			return herald_cfg_error(ctx, k,
						"'any' stands alone: it cannot "
						"be combined with prefixes");
		if (n == herald_cfg_keys[k].max)
			return herald_cfg_error(
				ctx, k, "more than %llu prefixes",
				(unsigned long long)herald_cfg_keys[k].max);
		if (inet_parse_prefix(tok, &ip, &depth) < 0)
			return herald_cfg_error(ctx, k,
						"'%s' is not an IPv4 prefix "
						"(a.b.c.d/n)",
						herald_cfg_show(tok, sb));
		/* An rte_lpm cannot hold depth 0: any source is a flag. */
		if (depth == 0)
			any = true;
		cfg->allow[n].ip = ip;
		cfg->allow[n].depth = depth;
		n++;
	}
	if (rc != CFG_ITEM_END)
		return item_error(ctx, k, rc, tok);
	if (any) {
		memset(cfg->allow, 0, sizeof(cfg->allow));
		n = 0;
	}
	cfg->allow_any = any;
	cfg->n_allow = n;
	return 0;
}

int
herald_cfg_parse_value(struct herald_cfg_ctx *ctx, unsigned int k,
		       const char *v)
{
	switch (herald_cfg_keys[k].kind) {
	case HERALD_CFG_U16:
	case HERALD_CFG_U32: return parse_number(ctx, k, v);
	case HERALD_CFG_BOOL: return parse_bool(ctx, k, v);
	case HERALD_CFG_IPV4: return parse_ipv4(ctx, k, v);
	case HERALD_CFG_MAC: return parse_mac(ctx, k, v);
	case HERALD_CFG_PATH: return parse_path(ctx, k, v);
	case HERALD_CFG_HEXKEY: return parse_hexkey(ctx, k, v);
	case HERALD_CFG_LCORES: return parse_lcores(ctx, k, v);
	case HERALD_CFG_SLOTS: return parse_slots(ctx, k, v);
	case HERALD_CFG_PREFIXES: return parse_prefixes(ctx, k, v);
	case HERALD_CFG_SOCKET: return parse_socket(ctx, k, v);
	}
	return herald_cfg_error(ctx, k, "no parser for this kind");
}
