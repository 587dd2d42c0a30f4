/* SPDX-License-Identifier: BSD-3-Clause
 * Top-N views: their JSON and text (obs/top.h).
 */
#include <inttypes.h>
#include <string.h>

#include "obs/top.h"

static void
endpoint(char *buf, size_t n, uint32_t ip, uint16_t port)
{
	snprintf(buf, n, "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff, port);
}

void
herald_top_channels_json(FILE *f, const struct herald_channel_info *t,
			 uint32_t n, uint32_t live)
{
	uint32_t i;

	fprintf(f, "{\"subscribed_channels\": %u, \"channels\": [", live);
	for (i = 0; i < n; i++)
		fprintf(f,
			"%s\n  {\"channel\": %" PRIu64
			", \"slot\": %u, \"owner_lcore\": %u"
			", \"messages\": %" PRIu64 ", \"epoch\": %u"
			", \"mean_rate\": %.1f, \"subscribers\": %u"
			", \"nacks\": %" PRIu64 ", \"retransmits\": %" PRIu64
			"}",
			i ? "," : "", t[i].channel, t[i].slot, t[i].owner_lcore,
			t[i].last_seq, t[i].epoch, t[i].mean_rate,
			t[i].n_members, t[i].repair.nacks,
			t[i].repair.retransmits);
	fprintf(f, "]}\n");
}

void
herald_top_channels_show(FILE *f, const struct herald_channel_info *t,
			 uint32_t n, uint32_t live)
{
	uint32_t i;

	fprintf(f,
		"channels by messages this epoch, busiest first (%u of %u "
		"with subscribers):\n",
		n, live);
	for (i = 0; i < n; i++)
		fprintf(f,
			"  channel %" PRIu64 ": %" PRIu64
			" messages (epoch %08x), %.1f msg/s on average, %u "
			"subscriber(s), slot %u on lcore %u\n",
			t[i].channel, t[i].last_seq, t[i].epoch, t[i].mean_rate,
			t[i].n_members, t[i].slot, t[i].owner_lcore);
}

static const char *const sub_order_names[HERALD_SUB_ORDERS] = {
	[HERALD_SUB_BY_REPAIR] = "repair",
	[HERALD_SUB_BY_NACKS] = "nacks",
	[HERALD_SUB_BY_RETRANSMITS] = "retransmits",
	[HERALD_SUB_BY_GAPS] = "gaps",
	[HERALD_SUB_BY_BUDGET] = "budget",
};

const char *
herald_top_sub_order_name(enum herald_sub_order order)
{
	return order < HERALD_SUB_ORDERS ? sub_order_names[order] : "?";
}

int
herald_top_sub_order(const char *word)
{
	int o;

	for (o = 0; o < HERALD_SUB_ORDERS; o++)
		if (strcmp(word, sub_order_names[o]) == 0)
			return o;
	return -1;
}

void
herald_top_subscribers_json(FILE *f, const struct herald_endpoint_info *t,
			    uint32_t n, uint32_t with_nacks,
			    enum herald_sub_order order, uint32_t ranked)
{
	char ep[32];
	uint32_t i;

	fprintf(f,
		"{\"order\": \"%s\", \"with_nacks\": %u, \"ranked\": %u, "
		"\"subscribers\": [",
		herald_top_sub_order_name(order), with_nacks, ranked);
	for (i = 0; i < n; i++) {
		const struct herald_rtx_stats *r = &t[i].repair;

		endpoint(ep, sizeof(ep), t[i].ip, t[i].port);
		fprintf(f,
			"%s\n  {\"endpoint\": \"%s\", \"nacks\": %" PRIu64
			", \"over_budget\": %" PRIu64 ", \"given_up\": %" PRIu64
			", \"retransmits\": %" PRIu64 ", \"gaps\": %" PRIu64
			", \"suppressed\": %" PRIu64 "}",
			i ? "," : "", ep, r->nacks, r->over_budget, r->given_up,
			r->retransmits, r->gaps, r->suppressed);
	}
	fprintf(f, "]}\n");
}

void
herald_top_subscribers_show(FILE *f, const struct herald_endpoint_info *t,
			    uint32_t n, uint32_t with_nacks,
			    enum herald_sub_order order, uint32_t ranked)
{
	char ep[32];
	uint32_t i;

	if (order == HERALD_SUB_BY_REPAIR)
		fprintf(f,
			"subscribers by repair, worst first (%u of %u that "
			"NACKed):\n",
			n, with_nacks);
	else
		fprintf(f,
			"subscribers by %s, most first (%u of %u with any; %u "
			"NACKed):\n",
			herald_top_sub_order_name(order), n, ranked,
			with_nacks);
	for (i = 0; i < n; i++) {
		const struct herald_rtx_stats *r = &t[i].repair;

		endpoint(ep, sizeof(ep), t[i].ip, t[i].port);
		fprintf(f,
			"  %s: %" PRIu64 " NACKs, %" PRIu64
			" over budget, %" PRIu64 " given up, %" PRIu64
			" retransmits, %" PRIu64 " GAPs\n",
			ep, r->nacks, r->over_budget, r->given_up,
			r->retransmits, r->gaps);
	}
}

int
herald_top_pub_order(const char *word)
{
	if (strcmp(word, "rate") == 0)
		return HERALD_PUB_BY_RATE;
	if (strcmp(word, "duplicates") == 0)
		return HERALD_PUB_BY_DUPLICATES;
	return -1;
}

void
herald_top_publishers_json(FILE *f, const struct herald_publisher_info *t,
			   uint32_t n, uint32_t total,
			   enum herald_pub_order order)
{
	bool dup = order == HERALD_PUB_BY_DUPLICATES;
	char ep[32];
	uint32_t i;

	fprintf(f, "{\"order\": \"%s\", \"%s\": %u, \"publishers\": [",
		dup ? "duplicates" : "rate",
		dup ? "with_duplicates" : "sessions", total);
	for (i = 0; i < n; i++) {
		endpoint(ep, sizeof(ep), t[i].ip, t[i].port);
		fprintf(f,
			"%s\n  {\"publisher\": %u, \"endpoint\": \"%s\""
			", \"worker\": %u, \"rate\": %.1f"
			", \"messages\": %" PRIu64 ", \"acked_seq\": %" PRIu64
			", \"duplicates\": %" PRIu64 ", \"ahead\": %" PRIu64
			", \"over_credit\": %" PRIu64
			", \"age_s\": %.3f, \"silent_s\": %.3f}",
			i ? "," : "", t[i].publisher, ep, t[i].worker,
			t[i].rate, t[i].messages, t[i].last_accepted,
			t[i].duplicates, t[i].ahead, t[i].over_credit,
			t[i].age_s, t[i].silent_s);
	}
	fprintf(f, "]}\n");
}

void
herald_top_publishers_show(FILE *f, const struct herald_publisher_info *t,
			   uint32_t n, uint32_t total,
			   enum herald_pub_order order)
{
	char ep[32];
	uint32_t i;

	if (order == HERALD_PUB_BY_DUPLICATES)
		fprintf(f,
			"publisher sessions by duplicates, most first (%u of "
			"%u that sent duplicates):\n",
			n, total);
	else
		fprintf(f,
			"publisher sessions by rate, busiest first (%u of %u "
			"live):\n",
			n, total);
	for (i = 0; i < n; i++) {
		endpoint(ep, sizeof(ep), t[i].ip, t[i].port);
		fprintf(f,
			"  publisher %u at %s: %.1f msg/s, %" PRIu64
			" messages, %" PRIu64 " duplicates, %" PRIu64
			" ahead, %" PRIu64
			" over credit, worker %u, silent %.1f s\n",
			t[i].publisher, ep, t[i].rate, t[i].messages,
			t[i].duplicates, t[i].ahead, t[i].over_credit,
			t[i].worker, t[i].silent_s);
	}
}
