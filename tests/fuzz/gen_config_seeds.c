/* SPDX-License-Identifier: BSD-3-Clause
 * Writes the config fuzzer's seeds and dictionary from the key table
 * (config_keys.h): one file per key with a valid value, one with every
 * key, a few long lists; the dictionary holds every section and key name
 * and the words values are made of. Deterministic, so both are rebuilt
 * rather than committed; run-fuzz.sh adds configs/default.ini and the
 * replay cases' herald.ini files.
 *
 * Usage: gen_config_seeds SEEDDIR DICTFILE
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"

/* A valid value for a key without a default. */
static const char *
sample(const struct herald_cfg_key *k)
{
	if (k->def != NULL)
		return k->def;
	switch (k->kind) {
	case HERALD_CFG_MAC: return "02:00:00:00:00:01";
	case HERALD_CFG_HEXKEY: return "000102030405060708090a0b0c0d0e0f";
	default: return "1";
	}
}

static FILE *
open_seed(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "gen_config_seeds: %s: %s\n", path,
			strerror(errno));
	return f;
}

static int
write_all_keys(const char *dir)
{
	FILE *f = open_seed(dir, "all_keys.ini");
	const char *sec = "";
	unsigned int k;

	if (f == NULL)
		return -1;
	fprintf(f, "; every key\n");
	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++) {
		const struct herald_cfg_key *key = &herald_cfg_keys[k];

		if (strcmp(key->section, sec) != 0)
			fprintf(f, "[%s]\n", key->section);
		sec = key->section;
		fprintf(f, "%s = %s\n", key->key, sample(key));
	}
	return fclose(f);
}

static int
write_lists(const char *dir)
{
	FILE *f = open_seed(dir, "lists.ini");
	unsigned int i;

	if (f == NULL)
		return -1;
	fprintf(f, "[lcores]\nworkers = 1, 2 3\nslots = 0-99:2, 100-4000:1, "
		   "4001-4095:3\n[publishers]\nallow = ");
	for (i = 0; i < 40; i++)
		fprintf(f, "%s10.%u.%u.0/%u", i ? ", " : "", i, i * 7 % 256,
			8 + i % 25);
	fprintf(f, ", 0.0.0.0/0\n[mempool]\nindirect_mbufs = 300\n"
		   "cache = 200\n");
	return fclose(f);
}

static int
write_dict(const char *path)
{
	static const char *const words[] = {
		"\\x0a", " = ",	  "=",	       ";",	 "#",	  "[",
		"]",	 ",",	  ", ",	       "-",	 ":",	  "/",
		"0x",	 "0",	  "any",       "spread", "yes",	  "no",
		"true",	 "false", "0.0.0.0/0", "4095",	 "65535", "\\x0d\\x0a",
	};
	FILE *f = fopen(path, "w");
	const char *sec = "";
	unsigned int k;

	if (f == NULL) {
		fprintf(stderr, "gen_config_seeds: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		fprintf(f, "\"%s\"\n", words[k]);
	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++) {
		if (strcmp(herald_cfg_keys[k].section, sec) != 0)
			fprintf(f, "\"[%s]\"\n", herald_cfg_keys[k].section);
		sec = herald_cfg_keys[k].section;
		fprintf(f, "\"%s\"\n", herald_cfg_keys[k].key);
	}
	return fclose(f);
}

int
main(int argc, char **argv)
{
	unsigned int k;

	if (argc != 3) {
		fprintf(stderr, "usage: gen_config_seeds SEEDDIR DICTFILE\n");
		return 2;
	}
	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++) {
		const struct herald_cfg_key *key = &herald_cfg_keys[k];
		char name[128];
		FILE *f;

		snprintf(name, sizeof(name), "key_%s_%s.ini", key->section,
			 key->key);
		f = open_seed(argv[1], name);
		if (f == NULL)
			return 1;
		fprintf(f, "[%s]\n%s = %s\n", key->section, key->key,
			sample(key));
		if (fclose(f) != 0)
			return 1;
	}
	if (write_all_keys(argv[1]) != 0 || write_lists(argv[1]) != 0 ||
	    write_dict(argv[2]) != 0)
		return 1;
	return 0;
}
