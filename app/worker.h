/* SPDX-License-Identifier: BSD-3-Clause
 * Worker lcores: setup and the polling loop.
 */
#ifndef HERALD_WORKER_H
#define HERALD_WORKER_H

#include "herald.h"

int herald_workers_init(void);
void herald_workers_free(void);

/* rte_eal_remote_launch entry point; arg is the struct herald_worker. */
int herald_worker_main(void *arg);

#endif /* HERALD_WORKER_H */
