/* SPDX-License-Identifier: BSD-3-Clause
 * rte_telemetry endpoints: /herald/stats, /herald/info, /herald/lcores.
 * Query with dpdk-telemetry.py (--file-prefix of the herald instance).
 */
#ifndef HERALD_TELEMETRY_H
#define HERALD_TELEMETRY_H

void herald_telemetry_init(void);
/* From here on handlers answer "herald is stopping" and touch nothing
 * herald frees: call before freeing the workers. */
void herald_telemetry_stop(void);

#endif /* HERALD_TELEMETRY_H */
