/* SPDX-License-Identifier: BSD-3-Clause
 * Shared by the loader's files only (config.c, config_values.c).
 */
#ifndef HERALD_CONFIG_PRIV_H
#define HERALD_CONFIG_PRIV_H

#include "config/config.h"

/* Values quoted in messages are cut to this (plus "..."): a
 * 4000-character allow list in an error line helps nobody. */
#define HERALD_CFG_SHOW_MAX 64
#define HERALD_CFG_SHOW_LEN (HERALD_CFG_SHOW_MAX + 4)

struct herald_cfg_ctx {
	struct herald_config *cfg;
	char *err; /* the first error only */
	size_t err_len;
	bool failed;
	const char *val[HERALD_CFG_NUM_KEYS]; /* as given in the file */
};

/* Record "FILE:LINE: [section] key: <fmt...>" for key k; returns -1. */
int herald_cfg_error(struct herald_cfg_ctx *ctx, unsigned int k,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* v, cut to HERALD_CFG_SHOW_MAX and with control characters as '?', in
 * buf (HERALD_CFG_SHOW_LEN bytes). */
const char *herald_cfg_show(const char *v, char *buf);

/* Parse v as the value of key k into ctx->cfg. Returns 0 or -1. */
int herald_cfg_parse_value(struct herald_cfg_ctx *ctx, unsigned int k,
			   const char *v);

/* [herald] token_key_file, after every key is parsed: 0 or -1. */
int herald_cfg_load_token_key_file(struct herald_cfg_ctx *ctx);

#endif /* HERALD_CONFIG_PRIV_H */
