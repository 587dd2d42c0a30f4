/* SPDX-License-Identifier: BSD-3-Clause
 * INI configuration: rte_cfgfile for parsing, plus a line scanner so every
 * error names the file, the line and the key.
 */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "config/config.h"
#include "hwp_token.h"
#include "inet_parse.h"

struct cfg_ctx {
	const char *path;
	struct rte_cfgfile *file;
	struct herald_config *cfg;
};

/*
 * Every key, declared once: numeric keys carry their range and field and
 * are loaded by one loop; the others are parsed by their section's
 * loader. Anything not listed is a typo and an error.
 */
enum cfg_kind {
	CFG_U32,
	CFG_U16,
	CFG_OTHER,
};

struct cfg_key {
	const char *section;
	const char *key;
	enum cfg_kind kind;
	uint64_t min, max;
	size_t off; /* in struct herald_config */
};

#define NUM32(sec, name, lo, hi, field)                                        \
	{                                                                      \
		sec, name, CFG_U32, lo, hi,                                    \
			offsetof(struct herald_config, field)                  \
	}
#define NUM16(sec, name, lo, hi, field)                                        \
	{                                                                      \
		sec, name, CFG_U16, lo, hi,                                    \
			offsetof(struct herald_config, field)                  \
	}
#define OTHER(sec, name)                                                       \
	{                                                                      \
		sec, name, CFG_OTHER, 0, 0, 0                                  \
	}

static const struct cfg_key cfg_keys[] = {
	OTHER("herald", "address"),
	NUM16("herald", "udp_port", 1, 65535, udp_port),
	OTHER("herald", "mac"),
	OTHER("herald", "next_hop_mac"),
	NUM32("herald", "epoch", 0, UINT32_MAX, epoch),
	NUM16("herald", "egress_port", 0, RTE_MAX_ETHPORTS - 1, egress_port),
	NUM32("herald", "publisher_credit", 0, 1u << 20, publisher_credit),
	NUM32("herald", "history_depth", 1, 1u << 20, history_depth),
	OTHER("herald", "token_key"),
	OTHER("herald", "verify_udp_checksum"),
	OTHER("herald", "xdp_pin_root"),
	NUM16("herald", "mtu", 576, 9702, mtu),
	OTHER("lcores", "workers"),
	OTHER("lcores", "slots"),
	NUM32("limits", "max_channels", 1, 1u << 24, max_channels),
	NUM32("limits", "max_subscribed_channels", 1, 1u << 24,
	      max_subscribed_channels),
	NUM32("limits", "max_subscribers", 1, 1u << 16, max_subscribers),
	NUM32("limits", "max_publisher_sessions", 1, 1u << 24,
	      max_publisher_sessions),
	NUM32("limits", "max_sessions_per_source", 1, 1u << 24,
	      max_sessions_per_source),
	NUM32("limits", "session_timeout_ms", 100, 86400000,
	      session_timeout_ms),
	NUM32("limits", "channel_timeout_ms", 100, 86400000,
	      channel_timeout_ms),
	NUM32("limits", "handoff_ring_size", 64, 1u << 20, handoff_ring_size),
	NUM32("mempool", "rx_mbufs", 1024, 1u << 24, rx_mbufs),
	NUM32("mempool", "header_mbufs", 1024, 1u << 24, header_mbufs),
	NUM32("mempool", "indirect_mbufs", 256, 1u << 24, indirect_mbufs),
	NUM32("mempool", "flat_mbufs", 256, 1u << 24, flat_mbufs),
	NUM32("mempool", "jumbo_mbufs", 64, 1u << 20, jumbo_mbufs),
	NUM32("mempool", "cache", 0, 512, mempool_cache),
	NUM16("mempool", "rx_desc", 32, 16384, rx_desc),
	NUM16("mempool", "tx_desc", 32, 16384, tx_desc),
	OTHER("publishers", "allow"),
};

void
herald_config_defaults(struct herald_config *cfg)
{
	unsigned int s;

	memset(cfg, 0, sizeof(*cfg));
	cfg->address = 0xc6120001; /* 198.18.0.1 */
	cfg->udp_port = HWP_DEFAULT_PORT;
	cfg->egress_port = 0;
	cfg->publisher_credit = 256;
	cfg->history_depth = 1024;
	cfg->verify_udp_checksum = true;
	snprintf(cfg->xdp_pin_root, sizeof(cfg->xdp_pin_root), "%s",
		 "/sys/fs/bpf/herald");
	cfg->n_workers = 1;
	cfg->worker_lcores[0] = 1;
	for (s = 0; s < HWP_NUM_SLOTS; s++)
		cfg->slot_owner[s] = 0;
	cfg->max_channels = 65536;
	cfg->max_subscribed_channels = 65536;
	cfg->max_subscribers = 1024;
	cfg->max_publisher_sessions = 4096;
	cfg->max_sessions_per_source = 64;
	cfg->session_timeout_ms = 15000;
	cfg->channel_timeout_ms = 60000;
	cfg->mtu = 1500;
	cfg->handoff_ring_size = 4096;
	cfg->rx_mbufs = 16383;
	cfg->header_mbufs = 65535;
	cfg->indirect_mbufs = 8191;
	cfg->flat_mbufs = 4095;
	cfg->jumbo_mbufs = 511;
	cfg->mempool_cache = 256;
	cfg->rx_desc = 1024;
	cfg->tx_desc = 1024;
	cfg->n_allow = 0; /* empty: any source may publish */
}

/* Line number of "key" inside "[section]" (or of the section if key is
 * NULL); 0 if not found. rte_cfgfile does not keep line numbers. */
static int
find_line(const char *path, const char *section, const char *key)
{
	char line[1024], cur[128] = "";
	int lineno = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *end;

		lineno++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '[') {
			end = strchr(p, ']');
			if (end != NULL) {
				*end = '\0';
				snprintf(cur, sizeof(cur), "%s", p + 1);
				if (key == NULL && strcmp(cur, section) == 0)
					goto found;
			}
			continue;
		}
		if (key == NULL || strcmp(cur, section) != 0)
			continue;
		end = p;
		while (*end != '\0' && *end != '=' &&
		       !isspace((unsigned char)*end))
			end++;
		if ((size_t)(end - p) == strlen(key) &&
		    strncmp(p, key, end - p) == 0)
			goto found;
	}
	fclose(f);
	return 0;
found:
	fclose(f);
	return lineno;
}

/* First malformed line (rte_cfgfile skips some and reports none), 0 if
 * the file is well formed, -1 if it cannot be read (what says why). */
static int
find_syntax_error(const char *path, char *what, size_t what_len)
{
	char line[1024];
	int lineno = 0, in_section = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(what, what_len, "cannot open: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line;

		lineno++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == ';' || *p == '#')
			continue;
		if (*p == '[') {
			if (strchr(p, ']') == NULL) {
				snprintf(what, what_len,
					 "unterminated section header");
				goto out;
			}
			in_section = 1;
			continue;
		}
		if (!in_section) {
			snprintf(what, what_len, "entry before any [section]");
			goto out;
		}
		if (strchr(p, '=') == NULL) {
			snprintf(what, what_len, "expected key = value");
			goto out;
		}
	}
	lineno = 0;
out:
	fclose(f);
	return lineno;
}

static int
cfg_error(const struct cfg_ctx *ctx, const char *section, const char *key,
	  const char *fmt, const char *value)
{
	int line = find_line(ctx->path, section, key);

	fprintf(stderr, "herald: config %s:%d: [%s]%s%s: ", ctx->path, line,
		section, key != NULL ? " " : "", key != NULL ? key : "");
	fprintf(stderr, fmt, value != NULL ? value : "");
	fputc('\n', stderr);
	return -1;
}

static const char *
get(const struct cfg_ctx *ctx, const char *section, const char *key)
{
	return rte_cfgfile_get_entry(ctx->file, section, key);
}

/* Every numeric key present in the file, checked against its range. */
static int
load_numbers(const struct cfg_ctx *ctx)
{
	uint8_t *base = (uint8_t *)ctx->cfg;
	unsigned int i;

	for (i = 0; i < RTE_DIM(cfg_keys); i++) {
		const struct cfg_key *k = &cfg_keys[i];
		const char *v;
		uint64_t x;

		if (k->kind == CFG_OTHER)
			continue;
		v = get(ctx, k->section, k->key);
		if (v == NULL)
			continue;
		if (inet_parse_u64(v, k->min, k->max, &x) < 0) {
			char fmt[128];

			snprintf(fmt, sizeof(fmt),
				 "'%%s' is not an integer from %llu to %llu",
				 (unsigned long long)k->min,
				 (unsigned long long)k->max);
			return cfg_error(ctx, k->section, k->key, fmt, v);
		}
		if (k->kind == CFG_U32) {
			uint32_t x32 = (uint32_t)x;

			memcpy(base + k->off, &x32, sizeof(x32));
		} else {
			uint16_t x16 = (uint16_t)x;

			memcpy(base + k->off, &x16, sizeof(x16));
		}
	}
	return 0;
}

static int
get_bool(const struct cfg_ctx *ctx, const char *section, const char *key,
	 bool *out)
{
	const char *v = get(ctx, section, key);

	if (v == NULL)
		return 0;
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
		 strcmp(v, "0") == 0)
		*out = false;
	else
		return cfg_error(ctx, section, key, "'%s' is not yes/no", v);
	return 0;
}

static int
get_mac(const struct cfg_ctx *ctx, const char *key, bool *has,
	struct rte_ether_addr *mac)
{
	const char *v = get(ctx, "herald", key);

	if (v == NULL || *v == '\0')
		return 0;
	if (inet_parse_mac(v, mac->addr_bytes) < 0)
		return cfg_error(
			ctx, "herald", key,
			"'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", v);
	*has = true;
	return 0;
}

static int
check_known_keys(const struct cfg_ctx *ctx)
{
	int n = rte_cfgfile_num_sections(ctx->file, NULL, 0);
	char names[32][CFG_NAME_LEN];
	char *ptrs[32];
	int i, j, k;

	if (n > 32)
		n = 32;
	for (i = 0; i < n; i++)
		ptrs[i] = names[i];
	rte_cfgfile_sections(ctx->file, ptrs, n);
	for (i = 0; i < n; i++) {
		struct rte_cfgfile_entry entries[64];
		int ne = rte_cfgfile_section_entries(ctx->file, names[i],
						     entries, 64);
		bool section_known = false;

		for (k = 0; k < (int)RTE_DIM(cfg_keys); k++)
			if (strcmp(cfg_keys[k].section, names[i]) == 0)
				section_known = true;
		if (!section_known)
			return cfg_error(ctx, names[i], NULL,
					 "unknown section%s", "");
		for (j = 0; j < ne; j++) {
			bool found = false;

			for (k = 0; k < (int)RTE_DIM(cfg_keys); k++)
				if (strcmp(cfg_keys[k].section, names[i]) ==
					    0 &&
				    strcmp(cfg_keys[k].key, entries[j].name) ==
					    0)
					found = true;
			if (!found)
				return cfg_error(ctx, names[i], entries[j].name,
						 "unknown key%s", "");
		}
	}
	return 0;
}

static int
load_herald(struct cfg_ctx *ctx)
{
	struct herald_config *cfg = ctx->cfg;
	const char *v;
	int n;

	v = get(ctx, "herald", "address");
	if (v != NULL && inet_parse_ipv4(v, &cfg->address) < 0)
		return cfg_error(ctx, "herald", "address",
				 "'%s' is not an IPv4 address", v);
	if (get_mac(ctx, "mac", &cfg->has_mac, &cfg->mac) < 0 ||
	    get_mac(ctx, "next_hop_mac", &cfg->has_next_hop_mac,
		    &cfg->next_hop_mac) < 0 ||
	    get_bool(ctx, "herald", "verify_udp_checksum",
		     &cfg->verify_udp_checksum) < 0)
		return -1;
	v = get(ctx, "herald", "xdp_pin_root");
	if (v != NULL) {
		if (v[0] != '/' || strlen(v) >= sizeof(cfg->xdp_pin_root))
			return cfg_error(ctx, "herald", "xdp_pin_root",
					 "'%s' is not an absolute path (bpffs)",
					 v);
		snprintf(cfg->xdp_pin_root, sizeof(cfg->xdp_pin_root), "%s", v);
	}
	v = get(ctx, "herald", "token_key");
	if (v != NULL && *v != '\0') {
		n = hwp_key_from_hex(v, cfg->token_key, sizeof(cfg->token_key));
		if (n < 0)
			return cfg_error(ctx, "herald", "token_key",
					 "not 16 to 64 bytes of hex%s", "");
		cfg->token_key_len = n;
	}
	return 0;
}

static int
parse_worker_list(struct cfg_ctx *ctx, const char *v)
{
	struct herald_config *cfg = ctx->cfg;
	char buf[256], *tok, *save = NULL;
	unsigned int i;

	if (strlen(v) >= sizeof(buf))
		return cfg_error(ctx, "lcores", "workers", "value too long%s",
				 "");
	strcpy(buf, v);
	cfg->n_workers = 0;
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	     tok = strtok_r(NULL, ", ", &save)) {
		uint64_t id;

		if (inet_parse_u64(tok, 0, RTE_MAX_LCORE - 1, &id) < 0)
			return cfg_error(ctx, "lcores", "workers",
					 "'%s' is not an lcore id", tok);
		if (cfg->n_workers == HERALD_MAX_WORKERS)
			return cfg_error(ctx, "lcores", "workers",
					 "more than 16 workers%s", "");
		for (i = 0; i < cfg->n_workers; i++)
			if (cfg->worker_lcores[i] == id)
				return cfg_error(ctx, "lcores", "workers",
						 "lcore %s listed twice", tok);
		cfg->worker_lcores[cfg->n_workers++] = (unsigned int)id;
	}
	if (cfg->n_workers == 0)
		return cfg_error(ctx, "lcores", "workers", "no lcore given%s",
				 "");
	return 0;
}

static int
worker_index_of(const struct herald_config *cfg, unsigned int lcore)
{
	unsigned int i;

	for (i = 0; i < cfg->n_workers; i++)
		if (cfg->worker_lcores[i] == lcore)
			return (int)i;
	return -1;
}

/* "spread" or "FIRST-LAST:LCORE, ..." covering every slot exactly once. */
static int
parse_slots(struct cfg_ctx *ctx, const char *v)
{
	struct herald_config *cfg = ctx->cfg;
	static uint8_t seen[HWP_NUM_SLOTS];
	char buf[4096], *tok, *save = NULL;
	unsigned int s;

	if (v == NULL || strcmp(v, "spread") == 0) {
		for (s = 0; s < HWP_NUM_SLOTS; s++)
			cfg->slot_owner[s] =
				(uint8_t)(s * cfg->n_workers / HWP_NUM_SLOTS);
		return 0;
	}
	if (strlen(v) >= sizeof(buf))
		return cfg_error(ctx, "lcores", "slots", "value too long%s",
				 "");
	strcpy(buf, v);
	memset(seen, 0, sizeof(seen));
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	     tok = strtok_r(NULL, ", ", &save)) {
		unsigned int first, last, lcore;
		int w;
		char extra;

		if (sscanf(tok, "%u-%u:%u%c", &first, &last, &lcore, &extra) !=
			    3 ||
		    first > last || last >= HWP_NUM_SLOTS)
			return cfg_error(ctx, "lcores", "slots",
					 "'%s' is not FIRST-LAST:LCORE with "
					 "slots 0-4095",
					 tok);
		w = worker_index_of(cfg, lcore);
		if (w < 0)
			return cfg_error(
				ctx, "lcores", "slots",
				"'%s' names an lcore that is not a worker",
				tok);
		for (s = first; s <= last; s++) {
			if (seen[s])
				return cfg_error(
					ctx, "lcores", "slots",
					"'%s' overlaps an earlier range", tok);
			seen[s] = 1;
			cfg->slot_owner[s] = (uint8_t)w;
		}
	}
	for (s = 0; s < HWP_NUM_SLOTS; s++)
		if (!seen[s]) {
			char msg[64];

			snprintf(msg, sizeof(msg), "slot %u has no owner", s);
			return cfg_error(ctx, "lcores", "slots", "%s", msg);
		}
	return 0;
}

static int
load_lcores(struct cfg_ctx *ctx)
{
	const char *v = get(ctx, "lcores", "workers");

	if (v != NULL && parse_worker_list(ctx, v) < 0)
		return -1;
	return parse_slots(ctx, get(ctx, "lcores", "slots"));
}

/* Cross-key rules of the numeric keys (ranges are in cfg_keys). */
static int
check_limits(struct cfg_ctx *ctx)
{
	if (!rte_is_power_of_2(ctx->cfg->handoff_ring_size))
		return cfg_error(ctx, "limits", "handoff_ring_size",
				 "must be a power of two%s", "");
	return 0;
}

static int
load_publishers(struct cfg_ctx *ctx)
{
	struct herald_config *cfg = ctx->cfg;
	const char *v = get(ctx, "publishers", "allow");
	char buf[8192], *tok, *save = NULL;

	if (v == NULL || strcmp(v, "any") == 0 || *v == '\0')
		return 0;
	if (strlen(v) >= sizeof(buf))
		return cfg_error(ctx, "publishers", "allow", "value too long%s",
				 "");
	strcpy(buf, v);
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	     tok = strtok_r(NULL, ", ", &save)) {
		if (cfg->n_allow == HERALD_MAX_PREFIXES)
			return cfg_error(ctx, "publishers", "allow",
					 "more than 256 prefixes%s", "");
		if (inet_parse_prefix(tok, &cfg->allow[cfg->n_allow].ip,
				      &cfg->allow[cfg->n_allow].depth) < 0)
			return cfg_error(
				ctx, "publishers", "allow",
				"'%s' is not an IPv4 prefix (a.b.c.d/n)", tok);
		cfg->n_allow++;
	}
	return 0;
}

int
herald_config_load(const char *path, struct herald_config *cfg)
{
	struct cfg_ctx ctx = {.path = path, .cfg = cfg};
	char what[128];
	int rc, line;

	herald_config_defaults(cfg);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	line = find_syntax_error(path, what, sizeof(what));
	if (line < 0) {
		fprintf(stderr, "herald: config %s: %s\n", path, what);
		return -1;
	}
	if (line > 0) {
		fprintf(stderr, "herald: config %s:%d: %s\n", path, line, what);
		return -1;
	}
	ctx.file = rte_cfgfile_load(path, 0);
	if (ctx.file == NULL) {
		fprintf(stderr, "herald: config %s: cannot parse\n", path);
		return -1;
	}
	rc = check_known_keys(&ctx);
	if (rc == 0)
		rc = load_numbers(&ctx);
	if (rc == 0)
		rc = load_herald(&ctx);
	if (rc == 0)
		rc = load_lcores(&ctx);
	if (rc == 0)
		rc = check_limits(&ctx);
	if (rc == 0)
		rc = load_publishers(&ctx);
	rte_cfgfile_close(ctx.file);
	return rc;
}
