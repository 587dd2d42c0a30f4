/* SPDX-License-Identifier: BSD-3-Clause
 * What the unit tests that bring up an EAL share: removing the runtime
 * directory (--file-prefix) the EAL leaves behind when a test ends.
 */
#ifndef UT_EAL_H
#define UT_EAL_H

#include <ftw.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

static int
ut_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove dir and everything below it (nothing if dir is empty). */
static inline void
ut_rm_runtime_dir(const char *dir)
{
	if (dir[0] != '\0')
		nftw(dir, ut_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* An EAL for test name on lcore 0, 256 MiB of ordinary memory, its own
 * file prefix; its runtime directory into dir (for ut_rm_runtime_dir).
 * 0, or what rte_eal_init returned. */
static inline int
ut_eal_init(const char *name, char *dir, size_t dir_len)
{
	char prefix[64];
	char *argv[] = {(char *)name,
			"--no-huge",
			"-m",
			"256",
			prefix,
			"-l",
			"0",
			"--no-pci",
			"--no-telemetry",
			"--log-level=error",
			NULL};
	int rc;

	snprintf(prefix, sizeof(prefix), "--file-prefix=%s_%d", name,
		 (int)getpid());
	rc = rte_eal_init(RTE_DIM(argv) - 1, argv);
	if (rc >= 0)
		snprintf(dir, dir_len, "%s", rte_eal_get_runtime_dir());
	return rc < 0 ? rc : 0;
}

#endif /* UT_EAL_H */
