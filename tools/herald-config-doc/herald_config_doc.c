/* SPDX-License-Identifier: BSD-3-Clause
 * herald-config-doc [--check | --update] CONFIG.md
 *
 * Regenerates the key tables of docs/CONFIG.md from the key table
 * (app/config/config_keys.h), leaving the prose around them alone. A
 * table sits between
 *
 *   <!-- keys [SECTION] ... -->
 *   <!-- end keys -->
 *
 * and every section of the table must have exactly one. Without an option
 * prints the regenerated file; --check exits 1 (naming the first line
 * that differs) if the file is not what it would be; --update rewrites
 * it. Exit 2 on a malformed file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

#define BEGIN_MARK "<!-- keys ["
#define END_MARK   "<!-- end keys -->"

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	if (f == NULL)
		return NULL;
	*len = 0;
	for (;;) {
		size_t r;

		if (*len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap + 65536);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		r = fread(buf + *len, 1, 4096, f);
		*len += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* A doc string that would break its table row. */
static int
check_docs(void)
{
	unsigned int k;

	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++)
		if (strpbrk(herald_cfg_keys[k].doc, "|\n") != NULL) {
			fprintf(stderr,
				"herald-config-doc: [%s] %s: doc holds '|' or "
				"a "
				"newline\n",
				herald_cfg_keys[k].section,
				herald_cfg_keys[k].key);
			return -1;
		}
	return 0;
}

/* The file with every table regenerated, into out. */
static int
generate(const char *path, const char *in, FILE *out)
{
	bool done[HERALD_CFG_NUM_KEYS] = {false};
	const char *p = in;
	unsigned int line = 0, k;

	while (*p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t n = eol != NULL ? (size_t)(eol - p + 1) : strlen(p);
		char sec[64];
		const char *close;
		size_t sl;

		line++;
		fwrite(p, 1, n, out);
		if (strncmp(p, BEGIN_MARK, strlen(BEGIN_MARK)) != 0) {
			p += n;
			continue;
		}
		close = strchr(p, ']');
		sl = close != NULL ? (size_t)(close - p) - strlen(BEGIN_MARK)
				   : 0;
		if (close == NULL || close > p + n || sl == 0 ||
		    sl >= sizeof(sec)) {
			fprintf(stderr, "%s:%u: malformed marker\n", path,
				line);
			return -1;
		}
		memcpy(sec, p + strlen(BEGIN_MARK), sl);
		sec[sl] = '\0';
		for (k = 0; k < HERALD_CFG_NUM_KEYS; k++)
			if (strcmp(herald_cfg_keys[k].section, sec) == 0)
				break;
		if (k == HERALD_CFG_NUM_KEYS || done[k]) {
			fprintf(stderr, "%s:%u: [%s]: %s\n", path, line, sec,
				k == HERALD_CFG_NUM_KEYS ? "no such section"
							 : "second table");
			return -1;
		}
		done[k] = true;
		herald_config_doc_table(out, sec);
		/* Skip the old table up to its end marker. */
		for (p += n; *p != '\0'; p += n) {
			eol = strchr(p, '\n');
			n = eol != NULL ? (size_t)(eol - p + 1) : strlen(p);
			line++;
			if (strncmp(p, END_MARK, strlen(END_MARK)) == 0)
				break;
		}
		if (*p == '\0') {
			fprintf(stderr, "%s: [%s]: no '%s'\n", path, sec,
				END_MARK);
			return -1;
		}
	}
	/* done[] is kept at each section's first key. */
	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++) {
		const char *s = herald_cfg_keys[k].section;
		unsigned int first = 0;

		while (strcmp(herald_cfg_keys[first].section, s) != 0)
			first++;
		if (first == k && !done[k]) {
			fprintf(stderr,
				"%s: no table for [%s] (add '%s%s]' and "
				"'%s')\n",
				path, s, BEGIN_MARK, s, END_MARK);
			return -1;
		}
	}
	return 0;
}

/* Line number of the first difference, 0 if none. */
static unsigned int
first_difference(const char *a, const char *b)
{
	unsigned int line = 1;

	for (; *a != '\0' && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	return *a == *b ? 0 : line;
}

int
main(int argc, char **argv)
{
	const char *mode = argc == 3 ? argv[1] : "";
	const char *path = argv[argc - 1];
	char *in, *out = NULL;
	size_t in_len, out_len;
	unsigned int diff;
	int rc = 0;
	FILE *f;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && strcmp(mode, "--check") != 0 &&
	     strcmp(mode, "--update") != 0)) {
		fprintf(stderr, "usage: herald-config-doc [--check | --update] "
				"CONFIG.md\n");
		return 2;
	}
	in = read_all(path, &in_len);
	if (in == NULL) {
		perror(path);
		return 2;
	}
	f = open_memstream(&out, &out_len);
	if (f == NULL || check_docs() < 0 || generate(path, in, f) < 0) {
		rc = 2;
		goto done;
	}
	fclose(f);
	f = NULL;
	diff = first_difference(in, out);
	if (strcmp(mode, "--check") == 0) {
		if (diff != 0) {
			fprintf(stderr,
				"%s:%u: differs from the key table "
				"(app/config/config_keys.h); run ninja -C "
				"BUILD config-doc\n",
				path, diff);
			rc = 1;
		}
		goto done;
	}
	if (strcmp(mode, "--update") == 0) {
		if (diff == 0)
			goto done;
		f = fopen(path, "w");
		if (f == NULL || fwrite(out, 1, out_len, f) != out_len ||
		    fclose(f) != 0) {
			perror(path);
			rc = 2;
		} else {
			printf("%s: key tables regenerated\n", path);
		}
		f = NULL;
		goto done;
	}
	fwrite(out, 1, out_len, stdout);
done:
	if (f != NULL)
		fclose(f);
	free(in);
	free(out);
	return rc;
}
