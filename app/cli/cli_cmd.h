/* SPDX-License-Identifier: BSD-3-Clause
 * What command areas share: their exported tables, the output of the
 * command being run, and failure reporting (internal to cli/).
 */
#ifndef HERALD_CLI_CMD_H
#define HERALD_CLI_CMD_H

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

/* One NULL-terminated table per area. */
extern cmdline_parse_inst_t *herald_cli_cmds_stats[];
extern cmdline_parse_inst_t *herald_cli_cmds_sub[];
extern cmdline_parse_inst_t *herald_cli_cmds_subscribers[];
extern cmdline_parse_inst_t *herald_cli_cmds_run[];
extern cmdline_parse_inst_t *herald_cli_cmds_xdp[];

/* Where the running command writes its answer. */
FILE *herald_cli_out(void);

/* The running command failed: one line naming what was wrong, on stderr
 * (with file:line when it comes from a command file). */
void herald_cli_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "help": every command of every table, from its help string. */
void herald_cli_print_help(FILE *f);

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

#endif /* HERALD_CLI_CMD_H */
