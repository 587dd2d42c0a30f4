/* SPDX-License-Identifier: BSD-3-Clause
 * CLI area "sys": show config, show control, set log-level, set output.
 */
#include <inttypes.h>
#include <string.h>

#include <rte_log.h>

#include "cli/cli_cmd.h"
#include "config/config.h"
#include "control/ctlsock.h"
#include "herald.h"
#include "obs/stats.h"

/* The longest value show config prints: 256 prefixes of the allow-list. */
#define CONFIG_VALUE_MAX 8192

/* ---- show config ---- */
static void
config_text(FILE *f, char *v)
{
	const struct herald_config *cfg = &herald.cfg;
	const char *sec = "";
	unsigned int k;

	fprintf(f, "  ######## config %s ########\n", cfg->path);
	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++) {
		const struct herald_cfg_key *key = &herald_cfg_keys[k];
		bool set = herald_config_value(cfg, k, v, CONFIG_VALUE_MAX);
		int n;

		if (strcmp(sec, key->section) != 0) {
			sec = key->section;
			fprintf(f, "  [%s]\n", sec);
		}
		if (!set) {
			fprintf(f, "  ; %s: not set\n", key->key);
			continue;
		}
		n = fprintf(f, "  %s = %s", key->key, v);
		fprintf(f, "%*s; ", n < 44 ? 44 - n : 1, "");
		if (cfg->key_line[k] != 0)
			fprintf(f, "line %u\n", cfg->key_line[k]);
		else
			fprintf(f, "default\n");
	}
}

static void
config_json(FILE *f, char *v)
{
	const struct herald_config *cfg = &herald.cfg;
	unsigned int k;

	fprintf(f, "{\"path\": ");
	herald_json_string(f, cfg->path);
	fprintf(f, ", \"keys\": [");
	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++) {
		const struct herald_cfg_key *key = &herald_cfg_keys[k];
		bool set = herald_config_value(cfg, k, v, CONFIG_VALUE_MAX);

		fprintf(f,
			"%s\n  {\"section\": \"%s\", \"key\": \"%s\", "
			"\"value\": ",
			k != 0 ? "," : "", key->section, key->key);
		if (!set)
			fprintf(f, "null");
		else if (key->kind == HERALD_CFG_U16 ||
			 key->kind == HERALD_CFG_U32)
			fprintf(f, "%s", v);
		else if (key->kind == HERALD_CFG_BOOL)
			fprintf(f, "%s",
				strcmp(v, "yes") == 0 ? "true" : "false");
		else
			herald_json_string(f, v);
		fprintf(f, ", \"line\": %u}", cfg->key_line[k]);
	}
	fprintf(f, "]}\n");
}

static void
show_config(void *res __rte_unused, struct cmdline *cl __rte_unused,
	    void *data __rte_unused)
{
	static char v[CONFIG_VALUE_MAX];

	if (herald_cli_json())
		config_json(herald_cli_out(), v);
	else
		config_text(herald_cli_out(), v);
}

static cmdline_parse_token_string_t tok_show =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "show");
static cmdline_parse_token_string_t tok_config =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "config");
static cmdline_parse_inst_t cmd_show_config = {
	.f = show_config,
	.data = HERALD_CLI_JSON,
	.help_str = "show config: every configuration key with its value "
		    "and where it came from (the file's line, or the default)",
	.tokens = {(void *)&tok_show, (void *)&tok_config, NULL},
};

/* ---- show control ---- */
static void
show_control(void *res __rte_unused, struct cmdline *cl __rte_unused,
	     void *data __rte_unused)
{
	herald_ctlsock_show(herald_cli_out(), herald_cli_json());
}

static cmdline_parse_token_string_t tok_control =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "control");
static cmdline_parse_inst_t cmd_show_control = {
	.f = show_control,
	.data = HERALD_CLI_JSON,
	.help_str = "show control: the control socket: path, clients, "
		    "clients refused or disconnected",
	.tokens = {(void *)&tok_show, (void *)&tok_control, NULL},
};

/* ---- set log-level <level> ---- */
static const struct {
	const char *name;
	uint32_t level;
} log_levels[] = {
	{"emerg", RTE_LOG_EMERG},     {"alert", RTE_LOG_ALERT},
	{"crit", RTE_LOG_CRIT},	      {"err", RTE_LOG_ERR},
	{"warning", RTE_LOG_WARNING}, {"notice", RTE_LOG_NOTICE},
	{"info", RTE_LOG_INFO},	      {"debug", RTE_LOG_DEBUG},
};

static void
set_log_level(void *parsed, struct cmdline *cl __rte_unused,
	      void *data __rte_unused)
{
	const struct herald_cli_arg *r = parsed;
	unsigned int i;

	for (i = 0; i < RTE_DIM(log_levels); i++)
		if (strcmp(r->arg, log_levels[i].name) == 0)
			break;
	if (i == RTE_DIM(log_levels)) {
		herald_cli_fail("set log-level %s: unknown level (emerg alert "
				"crit err warning notice info debug)",
				r->arg);
		return;
	}
	rte_log_set_global_level(log_levels[i].level);
	herald_cli_ack("log level %s\n", log_levels[i].name);
}

static cmdline_parse_token_string_t tok_set =
	TOKEN_STRING_INITIALIZER(struct herald_cli_arg, a, "set");
static cmdline_parse_token_string_t tok_log_level =
	TOKEN_STRING_INITIALIZER(struct herald_cli_arg, b, "log-level");
static cmdline_parse_token_string_t tok_word =
	TOKEN_STRING_INITIALIZER(struct herald_cli_arg, arg, NULL);
static cmdline_parse_inst_t cmd_set_log_level = {
	.f = set_log_level,
	.help_str = "set log-level <level>: DPDK's log level for every "
		    "component: emerg alert crit err warning notice info debug",
	.tokens = {(void *)&tok_set, (void *)&tok_log_level, (void *)&tok_word,
		   NULL},
};

/* ---- set output json|text ---- */
static void
set_output(void *parsed, struct cmdline *cl __rte_unused,
	   void *data __rte_unused)
{
	const struct herald_cli_arg *r = parsed;

	if (strcmp(r->arg, "json") != 0 && strcmp(r->arg, "text") != 0) {
		herald_cli_fail("set output %s: unknown format (json text)",
				r->arg);
		return;
	}
	herald_cli_set_json(strcmp(r->arg, "json") == 0);
	herald_cli_ack("output %s\n", r->arg);
}

static cmdline_parse_token_string_t tok_output =
	TOKEN_STRING_INITIALIZER(struct herald_cli_arg, b, "output");
static cmdline_parse_inst_t cmd_set_output = {
	.f = set_output,
	.help_str = "set output json|text: how this source's show commands "
		    "answer from now on (herald-ctl --json sets json)",
	.tokens = {(void *)&tok_set, (void *)&tok_output, (void *)&tok_word,
		   NULL},
};

cmdline_parse_inst_t *herald_cli_cmds_sys[] = {
	&cmd_show_config,
	&cmd_show_control,
	&cmd_set_log_level,
	&cmd_set_output,
	NULL,
};
