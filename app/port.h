/* SPDX-License-Identifier: BSD-3-Clause
 * Ports and mempools: one RX and one TX queue per worker on every port.
 */
#ifndef HERALD_PORT_H
#define HERALD_PORT_H

int herald_mempools_init(void);
void herald_mempools_free(void);
int herald_ports_init(void);
/* After the workers stopped: let PMDs reap their TX completions. */
void herald_ports_drain_tx(void);
void herald_ports_close(void);

#endif /* HERALD_PORT_H */
