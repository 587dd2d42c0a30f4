/* SPDX-License-Identifier: BSD-3-Clause
 * INI configuration: one scanner reads the file (no rte_cfgfile, which
 * cuts long values and keeps the first of duplicate keys without a word),
 * then every key of config_keys.h is parsed in table order, from the file
 * or from its default. Every error names the file, the line and the key.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_mempool.h> /* RTE_MEMPOOL_CACHE_MAX_SIZE in the table */

#include "config/config_priv.h"

/* A config is a page of text: anything bigger (--config /dev/zero, a
 * pcap given by mistake) is refused instead of read to the end. */
#define CFG_FILE_MAX (1u << 20)

#define CFG_FIELD_SIZE(f) sizeof(((struct herald_config *)NULL)->f)

/* The has_<field> / <field>_len companions of the kinds that have one. */
#define CFG_AUX_U16(f)	    0
#define CFG_AUX_U32(f)	    0
#define CFG_AUX_BOOL(f)	    0
#define CFG_AUX_IPV4(f)	    0
#define CFG_AUX_MAC(f)	    offsetof(struct herald_config, has_##f)
#define CFG_AUX_PATH(f)	    0
#define CFG_AUX_HEXKEY(f)   offsetof(struct herald_config, f##_len)
#define CFG_AUX_LCORES(f)   0
#define CFG_AUX_SLOTS(f)    0
#define CFG_AUX_PREFIXES(f) 0
#define CFG_AUX_SOCKET(f)   0

const struct herald_cfg_key herald_cfg_keys[HERALD_CFG_NUM_KEYS] = {
#define X(sec, key, kind, lo, hi, def, field, doc)                             \
	[HERALD_CFG_##sec##_##key] = {                                         \
		#sec,                                                          \
		#key,                                                          \
		HERALD_CFG_##kind,                                             \
		lo,                                                            \
		hi,                                                            \
		def,                                                           \
		offsetof(struct herald_config, field),                         \
		CFG_FIELD_SIZE(field),                                         \
		CFG_AUX_##kind(field),                                         \
		doc,                                                           \
	},
#include "config/config_keys.h"
#undef X
};

/* A table entry whose field cannot hold its kind, or whose range does not
 * fit the field, does not compile. */
#define CFG_FITS_U16(s, hi)	 ((s) == sizeof(uint16_t) && (hi) <= UINT16_MAX)
#define CFG_FITS_U32(s, hi)	 ((s) == sizeof(uint32_t) && (hi) <= UINT32_MAX)
#define CFG_FITS_BOOL(s, hi)	 ((s) == sizeof(bool))
#define CFG_FITS_IPV4(s, hi)	 ((s) == sizeof(uint32_t))
#define CFG_FITS_MAC(s, hi)	 ((s) == sizeof(struct rte_ether_addr))
#define CFG_FITS_PATH(s, hi)	 ((s) > 1)
#define CFG_FITS_HEXKEY(s, hi)	 ((hi) <= (s) && (hi) <= HWP_KEY_MAX_LEN)
#define CFG_FITS_LCORES(s, hi)	 ((hi) * sizeof(unsigned int) <= (s))
#define CFG_FITS_SLOTS(s, hi)	 ((s) == HWP_NUM_SLOTS && (hi) < (s))
#define CFG_FITS_PREFIXES(s, hi) ((hi) * sizeof(struct herald_prefix) <= (s))
#define CFG_FITS_SOCKET(s, hi)	 ((s) > 1)
#define X(sec, key, kind, lo, hi, def, field, doc)                             \
	_Static_assert(CFG_FITS_##kind(CFG_FIELD_SIZE(field), hi),             \
		       "[" #sec "] " #key ": field does not fit the kind");
#include "config/config_keys.h"
#undef X

/* The pools [mempool] cache applies to. */
static const unsigned int cfg_pools[] = {
	HERALD_CFG_mempool_rx_mbufs,	   HERALD_CFG_mempool_header_mbufs,
	HERALD_CFG_mempool_indirect_mbufs, HERALD_CFG_mempool_flat_mbufs,
	HERALD_CFG_mempool_jumbo_mbufs,
};

const char *
herald_cfg_show(const char *v, char *buf)
{
	size_t i;

	for (i = 0; v[i] != '\0' && i < HERALD_CFG_SHOW_MAX; i++)
		buf[i] =
			(unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
	if (v[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* Append to buf at *pos, never past cap, always NUL-terminated. */
static void __attribute__((format(printf, 4, 0)))
vappend(char *buf, size_t cap, size_t *pos, const char *fmt, va_list ap)
{
	int n;

	if (*pos + 1 >= cap)
		return;
	n = vsnprintf(buf + *pos, cap - *pos, fmt, ap);
	if (n > 0)
		*pos = *pos + (size_t)n < cap ? *pos + (size_t)n : cap - 1;
}

static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t cap, size_t *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(buf, cap, pos, fmt, ap);
	va_end(ap);
}

/*
 * "herald: config FILE[:LINE]: [[SEC][ KEY][ (default D)]: ]REASON".
 * sec and key may come from the file (unknown ones): shown cut. k is the
 * key's index when known, for the default of a key not in the file.
 */
static void __attribute__((format(printf, 8, 0)))
vformat(char *buf, size_t cap, const struct herald_config *cfg,
	unsigned int line, const char *sec, const char *key, int k,
	const char *fmt, va_list ap)
{
	char s1[HERALD_CFG_SHOW_LEN], s2[HERALD_CFG_SHOW_LEN];
	size_t pos = 0;

	if (cap == 0)
		return;
	buf[0] = '\0';
	append(buf, cap, &pos, "herald: config %s", cfg->path);
	if (line > 0)
		append(buf, cap, &pos, ":%u", line);
	append(buf, cap, &pos, ": ");
	if (sec != NULL) {
		append(buf, cap, &pos, "[%s]", herald_cfg_show(sec, s1));
		if (key != NULL)
			append(buf, cap, &pos, " %s", herald_cfg_show(key, s2));
		if (key != NULL && k >= 0 && line == 0) {
			const char *def = herald_cfg_keys[k].def;

			append(buf, cap, &pos, " (%s%s)",
			       def != NULL ? "default " : "not set",
			       def != NULL ? def : "");
		}
		append(buf, cap, &pos, ": ");
	}
	vappend(buf, cap, &pos, fmt, ap);
}

/* The first error of a load is the one reported. */
static int __attribute__((format(printf, 5, 6)))
line_error(struct herald_cfg_ctx *ctx, unsigned int line, const char *sec,
	   const char *key, const char *fmt, ...)
{
	va_list ap;

	if (ctx->failed)
		return -1;
	ctx->failed = true;
	va_start(ap, fmt);
	vformat(ctx->err, ctx->err_len, ctx->cfg, line, sec, key, -1, fmt, ap);
	va_end(ap);
	return -1;
}

int
herald_cfg_error(struct herald_cfg_ctx *ctx, unsigned int k, const char *fmt,
		 ...)
{
	const struct herald_cfg_key *key = &herald_cfg_keys[k];
	va_list ap;

	if (ctx->failed)
		return -1;
	ctx->failed = true;
	va_start(ap, fmt);
	vformat(ctx->err, ctx->err_len, ctx->cfg, ctx->cfg->key_line[k],
		key->section, key->key, (int)k, fmt, ap);
	va_end(ap);
	return -1;
}

static int
key_index(const char *section, const char *key)
{
	unsigned int k;

	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++)
		if (strcmp(herald_cfg_keys[k].section, section) == 0 &&
		    strcmp(herald_cfg_keys[k].key, key) == 0)
			return (int)k;
	return -1;
}

/* A section is known by the index of its first key; -1: unknown. */
static int
section_index(const char *section)
{
	unsigned int k;

	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++)
		if (strcmp(herald_cfg_keys[k].section, section) == 0)
			return (int)k;
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\v' ||
	       *s == '\f')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\v' || e[-1] == '\f'))
		e--;
	*e = '\0';
	return s;
}

struct cfg_scan {
	unsigned int line;
	int sec;				/* current section, -1: none */
	uint32_t sec_line[HERALD_CFG_NUM_KEYS]; /* by section_index */
};

static int
scan_section(struct herald_cfg_ctx *ctx, struct cfg_scan *sc, char *s)
{
	char *close = strchr(s, ']');
	char *name = s + 1;
	int k;

	if (close == NULL)
		return line_error(ctx, sc->line, NULL, NULL,
				  "unterminated section header");
	if (close[1] != '\0')
		return line_error(ctx, sc->line, NULL, NULL,
				  "text after ']' (comments go on their own "
				  "line)");
	*close = '\0';
	if (*name == '\0')
		return line_error(ctx, sc->line, NULL, NULL,
				  "empty section name");
	k = section_index(name);
	if (k < 0)
		return line_error(ctx, sc->line, name, NULL, "unknown section");
	/* rte_cfgfile found only the first of two [herald]: keys in the
	 * second were read from nowhere. */
	if (sc->sec_line[k] != 0)
		return line_error(ctx, sc->line, name, NULL,
				  "section given twice (first on line %u)",
				  sc->sec_line[k]);
	sc->sec_line[k] = sc->line;
	sc->sec = k;
	return 0;
}

static int
scan_entry(struct herald_cfg_ctx *ctx, struct cfg_scan *sc, char *s)
{
	struct herald_config *cfg = ctx->cfg;
	const char *sec;
	char *eq, *key, *value;
	int k;

	if (sc->sec < 0)
		return line_error(ctx, sc->line, NULL, NULL,
				  "entry before any [section]");
	sec = herald_cfg_keys[sc->sec].section;
	eq = strchr(s, '=');
	if (eq == NULL)
		return line_error(ctx, sc->line, NULL, NULL,
				  "expected key = value");
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (*key == '\0')
		return line_error(ctx, sc->line, sec, NULL,
				  "no key before '='");
	k = key_index(sec, key);
	if (k < 0)
		return line_error(ctx, sc->line, sec, key, "unknown key");
	if (cfg->key_line[k] != 0)
		return line_error(ctx, sc->line, sec, key,
				  "given twice (first on line %u)",
				  cfg->key_line[k]);
	if (*value == '\0')
		return line_error(ctx, sc->line, sec, key,
				  "empty value (leave the key out for its "
				  "default)");
	/* No value may hold either: "7700 ; was 7000" must not load as
	 * anything. The value is not quoted, it may be a secret. */
	if (strpbrk(value, ";#") != NULL)
		return line_error(ctx, sc->line, sec, key,
				  "a value cannot hold ';' or '#': comments go "
				  "on their own line and start with ';'");
	ctx->val[k] = value;
	cfg->key_line[k] = sc->line;
	return 0;
}

/* Split text (len bytes plus a NUL) into lines and take each apart. */
static int
scan(struct herald_cfg_ctx *ctx, char *text, size_t len)
{
	struct cfg_scan sc = {.line = 0, .sec = -1};
	char *p = text, *end = text + len;

	/* Editors on Windows start UTF-8 files with a byte order mark; it
	 * would make the first line an "entry before any [section]". */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		char *eol = memchr(p, '\n', (size_t)(end - p));
		char *s;
		int rc = 0;

		if (eol == NULL)
			eol = end;
		sc.line++;
		if (memchr(p, '\0', (size_t)(eol - p)) != NULL)
			return line_error(ctx, sc.line, NULL, NULL,
					  "NUL byte in the line");
		*eol = '\0';
		s = trim(p);
		p = eol + 1;
		if (*s == '\0' || *s == ';')
			continue;
		if (*s == '#')
			rc = line_error(ctx, sc.line, NULL, NULL,
					"'#' does not start a comment here, "
					"use ';'");
		else if (*s == '[')
			rc = scan_section(ctx, &sc, s);
		else
			rc = scan_entry(ctx, &sc, s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A U32 key's value (pool sizes, ring sizes). */
static uint32_t
pool_size(const struct herald_config *cfg, unsigned int k)
{
	uint32_t n;

	memcpy(&n, (const uint8_t *)cfg + herald_cfg_keys[k].off, sizeof(n));
	return n;
}

/* rte_mempool refuses a cache above size / 1.5
 * (CACHE_FLUSHTHRESH_MULTIPLIER): say so now, at the line of cache. */
static int
check_cache(struct herald_cfg_ctx *ctx)
{
	const struct herald_config *cfg = ctx->cfg;
	uint64_t c = cfg->mempool_cache;
	unsigned int i;

	if (cfg->key_line[HERALD_CFG_mempool_cache] == 0)
		return 0;
	for (i = 0; i < RTE_DIM(cfg_pools); i++) {
		unsigned int p = cfg_pools[i];
		uint32_t n = pool_size(cfg, p);
		char where[32];

		if (c * 3 <= (uint64_t)n * 2)
			continue;
		if (cfg->key_line[p] != 0)
			snprintf(where, sizeof(where), "line %u",
				 cfg->key_line[p]);
		else
			snprintf(where, sizeof(where), "default");
		return herald_cfg_error(
			ctx, HERALD_CFG_mempool_cache,
			"%" PRIu64 " does not fit %s = %u (%s): a pool must "
			"hold 1.5 times its cache (rte_mempool); lower cache "
			"to %u or leave it out",
			c, herald_cfg_keys[p].key, n, where,
			(uint32_t)((uint64_t)n * 2 / 3));
	}
	return 0;
}

/* The rings whose size must be a power of two. */
static const unsigned int cfg_rings[] = {
	HERALD_CFG_limits_handoff_ring_size,
	HERALD_CFG_control_item_ring_size,
	HERALD_CFG_control_request_ring_size,
};

/* Rules between keys; ranges are in the table. */
static int
check_keys(struct herald_cfg_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(cfg_rings); i++) {
		uint32_t ring = pool_size(ctx->cfg, cfg_rings[i]);

		if ((ring & (ring - 1)) != 0)
			return herald_cfg_error(ctx, cfg_rings[i],
						"must be a power of two");
	}
	if (check_cache(ctx) < 0)
		return -1;
	return herald_cfg_load_token_key_file(ctx);
}

int
herald_config_parse(const char *name, const char *text, size_t len,
		    struct herald_config *cfg, char *err, size_t err_len)
{
	struct herald_cfg_ctx ctx = {
		.cfg = cfg,
		.err = err,
		.err_len = err_len,
	};
	char *buf;
	unsigned int k;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", name);
	if (err_len > 0)
		err[0] = '\0';
	buf = malloc(len + 1);
	if (buf == NULL)
		return line_error(&ctx, 0, NULL, NULL, "out of memory");
	if (len > 0)
		memcpy(buf, text, len);
	buf[len] = '\0';
	rc = scan(&ctx, buf, len);
	/* Table order, so a key sees the keys it depends on whatever the
	 * order of the file. */
	for (k = 0; rc == 0 && k < HERALD_CFG_NUM_KEYS; k++) {
		const char *v = ctx.val[k];

		if (v == NULL)
			v = herald_cfg_keys[k].def;
		if (v != NULL)
			rc = herald_cfg_parse_value(&ctx, k, v);
	}
	if (rc == 0)
		rc = check_keys(&ctx);
	free(buf);
	return rc;
}

void
herald_config_defaults(struct herald_config *cfg)
{
	char err[256];

	/* Only a default in config_keys.h that its own parser refuses can
	 * fail here; test_config checks they all load. */
	if (herald_config_parse("(defaults)", "", 0, cfg, err, sizeof(err)) <
	    0) {
		fprintf(stderr, "herald: BUG: %s\n", err);
		abort();
	}
}

/* The whole file, NUL-terminated; a message in err on failure. */
static char *
read_file(const char *path, size_t *len, char *err, size_t err_len)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, err_len, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, err_len, "is a directory");
		goto fail;
	}
	buf = malloc(CFG_FILE_MAX + 1);
	if (buf == NULL) {
		snprintf(err, err_len, "out of memory");
		goto fail;
	}
	/* Not a regular file maybe (a pipe, --config <(...)): read to EOF. */
	for (;;) {
		ssize_t r = read(fd, buf + n, CFG_FILE_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, err_len, "cannot read: %s",
				 strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > CFG_FILE_MAX) {
			snprintf(err, err_len,
				 "larger than %u bytes: not a Herald config",
				 CFG_FILE_MAX);
			goto fail;
		}
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

int
herald_config_load(const char *path, struct herald_config *cfg)
{
	char err[1024], why[256];
	size_t len;
	char *text;
	int rc;

	text = read_file(path, &len, why, sizeof(why));
	if (text == NULL) {
		herald_config_defaults(cfg);
		snprintf(cfg->path, sizeof(cfg->path), "%s", path);
		fprintf(stderr, "herald: config %s: %s\n", path, why);
		return -1;
	}
	rc = herald_config_parse(path, text, len, cfg, err, sizeof(err));
	free(text);
	if (rc < 0)
		fprintf(stderr, "%s\n", err);
	return rc;
}

unsigned int
herald_config_key_line(const struct herald_config *cfg, const char *section,
		       const char *key)
{
	int k = key_index(section, key);

	return k < 0 ? 0 : cfg->key_line[k];
}

int
herald_config_error(const struct herald_config *cfg, const char *section,
		    const char *key, const char *fmt, ...)
{
	char msg[1024];
	int k = key_index(section, key);
	va_list ap;

	va_start(ap, fmt);
	vformat(msg, sizeof(msg), cfg, k < 0 ? 0 : cfg->key_line[k], section,
		key, k, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", msg);
	return -1;
}

uint32_t
herald_config_pool_cache(const struct herald_config *cfg, uint32_t n)
{
	uint32_t fit = (uint32_t)((uint64_t)n * 2 / 3);

	if (cfg->key_line[HERALD_CFG_mempool_cache] != 0)
		return cfg->mempool_cache;
	return cfg->mempool_cache < fit ? cfg->mempool_cache : fit;
}

int
herald_config_check_ports(const struct herald_config *cfg, unsigned int n_ports)
{
	uint32_t cache = herald_config_pool_cache(cfg, cfg->rx_mbufs);
	uint64_t need;

	if (n_ports == 0)
		return 0;
	if (cfg->egress_port >= n_ports)
		return herald_config_error(cfg, "herald", "egress_port",
					   "port %u does not exist (%u port%s)",
					   cfg->egress_port, n_ports,
					   n_ports == 1 ? "" : "s");
	/* Every RX queue (one per worker on each port) keeps its ring full
	 * and a burst in the worker's hands; each lcore that frees or
	 * allocates them (the workers, main at setup) may cache some. */
	need = (uint64_t)n_ports * cfg->n_workers *
		       (cfg->rx_desc + HERALD_BURST) +
	       (uint64_t)(cfg->n_workers + 1) * cache;
	if (cfg->rx_mbufs < need)
		return herald_config_error(
			cfg, "mempool", "rx_mbufs",
			"%u is too few, the RX queues need %" PRIu64 ": %u "
			"port(s) x %u worker(s) x (rx_desc %u + burst %u) + "
			"(%u worker(s) + main) x cache %u",
			cfg->rx_mbufs, need, n_ports, cfg->n_workers,
			cfg->rx_desc, HERALD_BURST, cfg->n_workers, cache);
	return 0;
}
