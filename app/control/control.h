/* SPDX-License-Identifier: BSD-3-Clause
 * The control thread (main lcore): CLI, RCU reclamation, live rates,
 * idle detection. Never blocks the workers.
 */
#ifndef HERALD_CONTROL_H
#define HERALD_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

struct herald_control_opts {
	uint64_t exit_when_idle_ms; /* 0: run until quit or signal */
	/* Exit once the workers received this many packets and handled
	 * them (0: never): a replay ends at the end of its capture, not
	 * after an idle time a stalled CPU could fake. */
	uint64_t exit_after_packets;
};

void herald_control_run(const struct herald_control_opts *o);

/* Hook the control plane into pause points (before the workers run). */
void herald_control_init(void);
/* Publish the changes made so far (the operator's, the network's). */
void herald_control_flush(void);
/* A pause point's part (runtime/runtime.h, herald_pause_set_settle). */
bool herald_control_settle(bool at_point);

#endif /* HERALD_CONTROL_H */
