/* SPDX-License-Identifier: BSD-3-Clause
 * What command areas share: their exported tables, the output of the
 * command being run, failure reporting, commands that complete later
 * (internal to cli/).
 */
#ifndef HERALD_CLI_CMD_H
#define HERALD_CLI_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <cmdline.h>
#include <cmdline_parse.h>
#include <cmdline_parse_etheraddr.h>
#include <cmdline_parse_ipaddr.h>
#include <cmdline_parse_num.h>
#include <cmdline_parse_string.h>

/*
 * One NULL-terminated table per area. A command's help_str is
 * "<syntax>: <what it does>" (help and docs/CLI.md show both); .data is
 * HERALD_CLI_JSON for a command that answers in JSON when its source
 * asked for it ("set output json"), NULL otherwise.
 */
extern cmdline_parse_inst_t *herald_cli_cmds_stats[];
extern cmdline_parse_inst_t *herald_cli_cmds_sub[];
extern cmdline_parse_inst_t *herald_cli_cmds_subscribers[];
extern cmdline_parse_inst_t *herald_cli_cmds_top[];
extern cmdline_parse_inst_t *herald_cli_cmds_run[];
extern cmdline_parse_inst_t *herald_cli_cmds_sys[];
extern cmdline_parse_inst_t *herald_cli_cmds_xdp[];

extern char herald_cli_json_tag;
#define HERALD_CLI_JSON ((void *)&herald_cli_json_tag)

/* Where the running command writes its answer (its source's own). */
FILE *herald_cli_out(void);

/*
 * The running command failed: one line naming what was wrong, which the
 * engine gives to the issuing source's error stream (with file:line from
 * a command file). Only the first failure of a command is shown.
 */
void herald_cli_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * The acknowledgement of a command that changed something ("sub add:
 * ... done"): shown at the prompt and to socket clients; a command file
 * prints one summary line instead.
 */
void herald_cli_ack(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The running source asked for JSON answers; "set output" changes it. */
bool herald_cli_json(void);
void herald_cli_set_json(bool on);

/*
 * The running command completes later: poll(arg) is called from
 * herald_cli_service() (its output and failures still go to the source)
 * until it returns 1 (done) or -1 (failed, after herald_cli_fail); 0:
 * not yet. The source runs nothing else meanwhile.
 */
typedef int (*herald_cli_poll_fn)(uint64_t arg);
void herald_cli_defer(herald_cli_poll_fn poll, uint64_t arg);

/* "load": run path as a command file of the running source, which
 * continues once the file is done. */
void herald_cli_load(const char *path);

/* "help": every command whose syntax starts with prefix ("": all), from
 * the help strings. Returns how many. */
unsigned int herald_cli_print_help(FILE *f, const char *prefix);

/* Host-order IPv4 address of a parsed cmdline address. */
static inline uint32_t
herald_cli_ip(const cmdline_ipaddr_t *a)
{
	return rte_be_to_cpu_32(a->addr.ipv4.s_addr);
}

/* Results shared by several commands: fixed words only. */
struct herald_cli_words {
	cmdline_fixed_string_t a;
	cmdline_fixed_string_t b;
	cmdline_fixed_string_t c;
	cmdline_fixed_string_t d;
};

/* Fixed words and one free word (an argument the command checks itself,
 * so that a bad one is named in its own words). */
struct herald_cli_arg {
	cmdline_fixed_string_t a;
	cmdline_fixed_string_t b;
	cmdline_fixed_string_t c;
	cmdline_fixed_string_t arg;
};

/* A number of at most max from word w (decimal, no sign); -1 if not. */
int herald_cli_number(const char *w, uint64_t max, uint64_t *v);

/* "  repair: ..." of show channel and show subscriber (cmds_sub.c). */
struct herald_rtx_stats;
void herald_cli_print_repair(FILE *out, const struct herald_rtx_stats *r);

#endif /* HERALD_CLI_CMD_H */
