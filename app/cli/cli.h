/* SPDX-License-Identifier: BSD-3-Clause
 * testpmd-style CLI on rte_cmdline. Each command area (cli/cmds_*.c)
 * exports its own table; "help" is generated from the tables.
 */
#ifndef HERALD_CLI_H
#define HERALD_CLI_H

#include <stdbool.h>

struct cmdline;

/* Assemble the command tables; 0 or -1. */
int herald_cli_init(void);
void herald_cli_free(void);

/*
 * Run every line of path. Each line runs or is rejected with file:line
 * on stderr (too long, a NUL byte, unknown, bad arguments, failed); a
 * last line without a newline runs too. Returns the number of failed
 * lines, or -1 if the file cannot be read.
 */
int herald_cli_run_file(const char *path);

/* Interactive prompt on stdin, polled from the control loop: every byte
 * available is fed at once (a paste of many lines is instant). */
struct cmdline *herald_cli_stdin(void);
/* Returns false once the user quit (or stdin closed). */
bool herald_cli_poll(struct cmdline *cl);
void herald_cli_stdin_close(struct cmdline *cl);

#endif /* HERALD_CLI_H */
