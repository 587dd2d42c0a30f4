/* SPDX-License-Identifier: BSD-3-Clause
 * XDP layer of af_xdp ports: Herald adopts the program the af_xdp PMD
 * loaded from ebpf/herald_xdp.bpf.o (vdev devarg xdp_prog=), pins its
 * maps so herald-xdp can watch them, and keeps them in sync with the
 * config (address, port, allow-list) and the CLI (slot targets).
 */
#ifndef HERALD_XDP_APP_H
#define HERALD_XDP_APP_H

#include <stdio.h>
#include <stdint.h>

/* Adopt the program of every af_xdp port. 0 if none or all fine. */
int herald_xdp_ports_init(void);
/* Remove the pins (the PMD detaches the program when the port closes). */
void herald_xdp_ports_close(void);

/* CLI: counters of every adopted program ("show xdp"). */
void herald_xdp_show(FILE *f);
/* CLI: "xdp slot <slot> local|pass|node <ip> <mac>"; 0 or -errno with
 * *why set. ip host order, mac may be NULL unless node. */
int herald_xdp_slot(unsigned int slot, const char *action, uint32_t ip,
		    const uint8_t *mac, const char **why);

#endif /* HERALD_XDP_APP_H */
