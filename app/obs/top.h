/* SPDX-License-Identifier: BSD-3-Clause
 * Top-N views (obs/top.c): the busiest subscribed channels, the
 * subscriber endpoints that cost the most repair, the publisher
 * sessions by rate or duplicates. One JSON form for the CLI (show top
 * ... with --json) and the HTTP server's /top/channels,
 * /top/subscribers and /top/publishers; the text form for the CLI.
 */
#ifndef HERALD_TOP_H
#define HERALD_TOP_H

#include <stdint.h>
#include <stdio.h>

#include "control/control.h"
#include "dataplane/publish/publish.h"

void herald_top_channels_json(FILE *f, const struct herald_channel_info *t,
			      uint32_t n, uint32_t live);
void herald_top_channels_show(FILE *f, const struct herald_channel_info *t,
			      uint32_t n, uint32_t live);
/* The list herald_control_top_repair gave: n of ranked, in order. */
void herald_top_subscribers_json(FILE *f, const struct herald_endpoint_info *t,
				 uint32_t n, uint32_t with_nacks,
				 enum herald_sub_order order, uint32_t ranked);
void herald_top_subscribers_show(FILE *f, const struct herald_endpoint_info *t,
				 uint32_t n, uint32_t with_nacks,
				 enum herald_sub_order order, uint32_t ranked);
/* An order's name (repair, nacks, retransmits, gaps, budget), and the
 * order of a name: -1 if none. */
const char *herald_top_sub_order_name(enum herald_sub_order order);
int herald_top_sub_order(const char *word);

void herald_top_publishers_json(FILE *f, const struct herald_publisher_info *t,
				uint32_t n, uint32_t total,
				enum herald_pub_order order);
void herald_top_publishers_show(FILE *f, const struct herald_publisher_info *t,
				uint32_t n, uint32_t total,
				enum herald_pub_order order);
/* "rate" or "duplicates" as an order; -1 if neither. */
int herald_top_pub_order(const char *word);

#endif /* HERALD_TOP_H */
