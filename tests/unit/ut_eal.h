/* SPDX-License-Identifier: BSD-3-Clause
 * What the unit tests that bring up an EAL share: removing the runtime
 * directory (--file-prefix) the EAL leaves behind when a test ends.
 */
#ifndef UT_EAL_H
#define UT_EAL_H

#include <ftw.h>
#include <stdio.h>

static int
ut_rm_entry(const char *path, const struct stat *sb, int flag,
	    struct FTW *ftw)
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

#endif /* UT_EAL_H */
