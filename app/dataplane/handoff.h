/* SPDX-License-Identifier: BSD-3-Clause
 * Steering of accepted messages to the owner of their slot (internal to
 * the data plane).
 */
#ifndef HERALD_HANDOFF_H
#define HERALD_HANDOFF_H

#include <rte_mbuf.h>

#include "runtime/runtime.h"

/*
 * Give msg (payload mbuf, metadata filled) to the owner of its slot:
 * fan it out here, or enqueue it on the owner's ring. Takes msg unless
 * it returns FRAME_publish_handoff_full (the caller still owns it).
 */
enum herald_frame_outcome herald_dp_steer(struct herald_lcore *lc,
					  struct rte_mbuf *msg);

#endif /* HERALD_HANDOFF_H */
