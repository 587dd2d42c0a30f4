/* SPDX-License-Identifier: BSD-3-Clause
 * The control socket ([control] socket): a Unix-domain stream socket on
 * which clients (tools/herald-ctl) run CLI commands, each client with its
 * own answers. Polled from the control loop, never blocking it.
 *
 * Framing (docs/CLI.md): a client sends command lines, each ending in
 * '\n'. Every line is answered, in order, by lines each starting with a
 * tag and a space: "o " a line of the command's output, "e " a line
 * naming what was wrong; then exactly one status line, "= ok" or
 * "= fail". A client's next line runs once the previous one is answered.
 */
#ifndef HERALD_CTLSOCK_H
#define HERALD_CTLSOCK_H

#include <stdbool.h>
#include <stdio.h>

/* At start (after the CLI): 0, or -1 after printing a config error (the
 * socket of a running herald, a path that is not a socket, no room). */
int herald_ctlsock_open(void);
/* Once per control-loop iteration: accept, read, run, write. */
void herald_ctlsock_poll(void);
/* At exit: clients closed, the socket's file removed. */
void herald_ctlsock_close(void);
/* "show control". */
void herald_ctlsock_show(FILE *f, bool json);

#endif /* HERALD_CTLSOCK_H */
