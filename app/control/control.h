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

#endif /* HERALD_CONTROL_H */
