/* SPDX-License-Identifier: BSD-3-Clause
 * Sequencing and zero-copy replication of messages to subscribers
 * (internal to the data plane).
 */
#ifndef HERALD_FANOUT_H
#define HERALD_FANOUT_H

#include <rte_mbuf.h>

#include "runtime/runtime.h"

/*
 * Give the message in m (payload mbuf, metadata in its private area) the
 * channel's next seq and send one DELIVER per current subscriber. Takes
 * ownership of m. Only the owner of the channel's slot calls this.
 */
void herald_fanout(struct herald_lcore *lc, struct rte_mbuf *m);

#endif /* HERALD_FANOUT_H */
