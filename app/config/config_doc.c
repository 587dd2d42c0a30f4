/* SPDX-License-Identifier: BSD-3-Clause
 * The key tables of docs/CONFIG.md, from the table of config_keys.h
 * (herald-config-doc puts them between the markers of the file).
 */
#include <string.h>

#include "config/config.h"

/* What the "values" column says each kind accepts. */
static void
doc_values(FILE *out, const struct herald_cfg_key *k)
{
	unsigned long long lo = k->min, hi = k->max;

	switch (k->kind) {
	case HERALD_CFG_U16:
	case HERALD_CFG_U32: fprintf(out, "%llu to %llu", lo, hi); break;
	case HERALD_CFG_BOOL: fprintf(out, "yes/no"); break;
	case HERALD_CFG_IPV4: fprintf(out, "IPv4 address"); break;
	case HERALD_CFG_MAC: fprintf(out, "MAC address"); break;
	case HERALD_CFG_PATH:
		fprintf(out, "absolute path, at most %zu characters",
			k->size - 1);
		break;
	case HERALD_CFG_HEXKEY:
		fprintf(out, "hex, %llu to %llu bytes", lo, hi);
		break;
	case HERALD_CFG_LCORES:
		fprintf(out, "list of %llu to %llu lcore ids", lo, hi);
		break;
	case HERALD_CFG_SLOTS: fprintf(out, "`spread` or slot ranges"); break;
	case HERALD_CFG_PREFIXES:
		fprintf(out, "`any` or a list of %llu to %llu prefixes", lo,
			hi);
		break;
	case HERALD_CFG_SOCKET:
		fprintf(out, "absolute path, at most %zu characters, or `none`",
			k->size - 1);
		break;
	}
}

int
herald_config_doc_table(FILE *out, const char *section)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < HERALD_CFG_NUM_KEYS; i++) {
		const struct herald_cfg_key *k = &herald_cfg_keys[i];

		if (strcmp(k->section, section) != 0)
			continue;
		if (!any)
			fprintf(out, "| key | default | values | meaning |\n"
				     "|---|---|---|---|\n");
		any = true;
		fprintf(out, "| `%s` | %s | ", k->key,
			k->def != NULL ? k->def : "none");
		doc_values(out, k);
		fprintf(out, " | %s |\n", k->doc);
	}
	return any ? 0 : -1;
}
