/* SPDX-License-Identifier: BSD-3-Clause
 * Writes the fuzz seed corpus: every datagram of the unit tests' table
 * (tests/unit/hwp_test_datagrams.h), broken and unbroken, plus a few
 * mixed multi-frame datagrams. Deterministic, so the corpus is rebuilt
 * rather than committed.
 *
 * Usage: gen_seeds OUTDIR
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hwp.h"
#include "hwp_test_datagrams.h"

static int
write_seed(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char path[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "gen_seeds: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fwrite(buf, 1, len, f);
	if (fclose(f) != 0 || n != len) {
		fprintf(stderr, "gen_seeds: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* Every frame type once, in one datagram (valid for HWP_DIR_ANY). */
static size_t
all_types(uint8_t *buf, size_t cap)
{
	size_t off = 0;
	uint8_t t;

	for (t = HWP_T_MIN; t <= HWP_T_MAX; t++) {
		int n = td_frame(buf + off, cap - off, t, 0, t * 3);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	return off;
}

int
main(int argc, char **argv)
{
	static uint8_t buf[TD_MAX_LEN];
	const struct hwp_td_case *c;
	char name[256];
	size_t ncases;
	size_t i;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 2;
	}
	c = td_cases(&ncases);
	for (i = 0; i < ncases; i++) {
		long len = td_build(&c[i], 1, buf, sizeof(buf));

		if (len < 0)
			return 1;
		rc |= write_seed(argv[1], c[i].name, buf, (size_t)len);
		if (c[i].patch_len == 0)
			continue;
		len = td_build(&c[i], 0, buf, sizeof(buf));
		if (len < 0)
			return 1;
		snprintf(name, sizeof(name), "%s.base", c[i].name);
		rc |= write_seed(argv[1], name, buf, (size_t)len);
	}
	rc |= write_seed(argv[1], "all_types", buf,
			 all_types(buf, sizeof(buf)));
	printf("gen_seeds: wrote %zu+ seeds to %s\n", ncases, argv[1]);
	return rc == 0 ? 0 : 1;
}
