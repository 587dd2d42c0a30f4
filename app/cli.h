/* SPDX-License-Identifier: BSD-3-Clause
 * testpmd-style CLI on rte_cmdline: the command table lives in cli.c.
 */
#ifndef HERALD_CLI_H
#define HERALD_CLI_H

#include <stdbool.h>

struct cmdline;

/* Run every line of path; returns the number of failed lines (each
 * reported with file:line), or -1 if the file cannot be read. Workers
 * start paused at packet 0 when a file is given, so its commands apply
 * before any traffic (deterministic replays); the caller resumes them. */
int herald_cli_run_file(const char *path);

/* Let every worker receive again (the "resume" command). */
void herald_cli_resume_workers(void);

/* Interactive prompt on stdin; poll it from the control loop. */
struct cmdline *herald_cli_stdin(void);
/* Returns false once the user quit (or stdin closed). */
bool herald_cli_poll(struct cmdline *cl);
void herald_cli_stdin_close(struct cmdline *cl);

#endif /* HERALD_CLI_H */
