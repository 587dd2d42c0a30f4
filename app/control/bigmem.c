/* SPDX-License-Identifier: BSD-3-Clause
 * Large control-thread tables (subscriptions, channel records): touched
 * as they fill, in transparent huge pages where the kernel has them
 * (madvise mode), so that a million new subscriptions fault some tens of
 * 2 MiB pages instead of tens of thousands of 4 KiB ones. On this
 * project's virtual machines a 4 KiB fault costs microseconds: it was a
 * fifth of the control thread's time while a million SUBSCRIBEs were
 * applied (docs/PERFORMANCE.md).
 */
#include <stddef.h>
#include <sys/mman.h>

#include "control/plane.h"

void *
ctl_bigmem_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Only advice: without THP the pages are 4 KiB, as with calloc. */
	(void)madvise(p, size, MADV_HUGEPAGE);
	return p;
}

void
ctl_bigmem_free(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, size);
}
