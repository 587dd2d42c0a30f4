/* SPDX-License-Identifier: BSD-3-Clause
 * [herald] token_key_file: the token key in a file of its own, so that
 * the INI (often world-readable, copied into tickets) never holds it.
 * The file must be a regular file of herald's user (or root) that nobody
 * else may read or write.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_priv.h"
#include "hwp_token.h"

/* A hex key of 64 bytes is 128 characters: the rest is whitespace. */
#define KEYFILE_MAX 512

static int
keyfile_error(struct herald_cfg_ctx *ctx, const char *what, int err)
{
	return herald_cfg_error(ctx, HERALD_CFG_herald_token_key_file,
				"%s: %s%s%s", ctx->cfg->token_key_file, what,
				err != 0 ? ": " : "",
				err != 0 ? strerror(err) : "");
}

/* Owner and mode of the opened file. */
static int
keyfile_check(struct herald_cfg_ctx *ctx, int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return keyfile_error(ctx, "cannot stat", errno);
	if (!S_ISREG(st.st_mode))
		return keyfile_error(ctx, "not a regular file", 0);
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return keyfile_error(ctx,
				     "owned by another user (must be "
				     "herald's or root's)",
				     0);
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		return keyfile_error(ctx,
				     "group or others may access it (chmod "
				     "600)",
				     0);
	return 0;
}

/* The key, hex with surrounding whitespace, into cfg->token_key. */
static int
keyfile_parse(struct herald_cfg_ctx *ctx, char *buf, size_t n)
{
	struct herald_config *cfg = ctx->cfg;
	char *p = buf, *end = buf + n;
	int len;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\n' || end[-1] == '\r'))
		end--;
	*end = '\0';
	len = hwp_key_from_hex(p, cfg->token_key, sizeof(cfg->token_key));
	if (len < HWP_KEY_MIN_LEN)
		return keyfile_error(
			ctx, "not one line of 16 to 64 bytes of hex", 0);
	cfg->token_key_len = len;
	return 0;
}

int
herald_cfg_load_token_key_file(struct herald_cfg_ctx *ctx)
{
	struct herald_config *cfg = ctx->cfg;
	char buf[KEYFILE_MAX + 1];
	ssize_t n;
	int fd, rc;

	if (cfg->token_key_file[0] == '\0')
		return 0;
	if (cfg->key_line[HERALD_CFG_herald_token_key] != 0)
		return herald_cfg_error(ctx, HERALD_CFG_herald_token_key_file,
					"set token_key or token_key_file, "
					"not both");
	fd = open(cfg->token_key_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return keyfile_error(ctx, "cannot open", errno);
	rc = keyfile_check(ctx, fd);
	if (rc == 0) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			rc = keyfile_error(ctx, "cannot read", errno);
		else if (n > KEYFILE_MAX)
			rc = keyfile_error(ctx, "too long for a key", 0);
		else
			rc = keyfile_parse(ctx, buf, (size_t)n);
	}
	close(fd);
	/* Nothing of the key stays on the stack. */
	explicit_bzero(buf, sizeof(buf));
	return rc;
}
