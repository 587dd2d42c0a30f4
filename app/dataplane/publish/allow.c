/* SPDX-License-Identifier: BSD-3-Clause
 * Publisher allow-list: an rte_lpm of the configured IPv4 prefixes.
 */
#include <stdio.h>

#include <rte_errno.h>
#include <rte_lpm.h>

#include "dataplane/publish/publish.h"
#include "herald.h"

int
herald_allow_init(void)
{
	const struct herald_config *cfg = &herald.cfg;
	struct rte_lpm_config lc = {
		.max_rules = HERALD_MAX_PREFIXES,
		.number_tbl8s = 256,
	};
	unsigned int i;

	if (cfg->n_allow == 0)
		return 0;
	herald.allow =
		rte_lpm_create("herald_allow", (int)rte_socket_id(), &lc);
	if (herald.allow == NULL) {
		fprintf(stderr, "herald: cannot create allow-list: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	for (i = 0; i < cfg->n_allow; i++)
		if (rte_lpm_add(herald.allow, cfg->allow[i].ip,
				cfg->allow[i].depth, 1) < 0) {
			fprintf(stderr, "herald: cannot add allow prefix %u\n",
				i);
			return -1;
		}
	return 0;
}

void
herald_allow_free(void)
{
	rte_lpm_free(herald.allow);
	herald.allow = NULL;
}
