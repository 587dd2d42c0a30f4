/* SPDX-License-Identifier: BSD-3-Clause
 * rte_telemetry endpoints: /herald/stats, /herald/info, /herald/lcores.
 * Query with dpdk-telemetry.py (--file-prefix of the herald instance).
 */
#ifndef HERALD_TELEMETRY_H
#define HERALD_TELEMETRY_H

void herald_telemetry_init(void);

#endif /* HERALD_TELEMETRY_H */
