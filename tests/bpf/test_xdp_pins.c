/* SPDX-License-Identifier: BSD-3-Clause
 * lib/xdp's pin directories: what herald_xdp_unpin, herald_xdp_release
 * and herald_xdp_detach remove, and what they must leave (defect 14):
 * only the library's pins in the given directory, that directory if it
 * is then empty, and the directories a handle made itself on the way to
 * it; never a root it did not make (not the default /sys/fs/bpf/herald
 * when the pins live elsewhere), and no fd of an adopted program.
 *
 * Each test runs in its own process in a new network and mount
 * namespace: a veth pair of its own (hxa/hxb, no addresses, no traffic),
 * a private bpffs in a /tmp directory, and, where a test needs the
 * default root, a private bpffs over /sys/fs/bpf that only this
 * namespace sees. Everything vanishes with the process; the empty mount
 * point in /tmp is removed by hand.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "herald_xdp.h"

static char tmp_dir[64];

static void
path(char *buf, size_t len, const char *rel)
{
	cr_assert_lt((size_t)snprintf(buf, len, "%s/%s", tmp_dir, rel), len);
}

static bool
exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static void
setup(void)
{
	cr_assert(geteuid() == 0, "tests/bpf must run as root");
	cr_assert_eq(unshare(CLONE_NEWNET | CLONE_NEWNS), 0, "unshare: %s",
		     strerror(errno));
	/* Our mounts must not leak to the host. */
	cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/hxp.XXXXXX");
	cr_assert_not_null(mkdtemp(tmp_dir));
	cr_assert_eq(mount("bpf", tmp_dir, "bpf", 0, "mode=0700"), 0,
		     "mount bpffs: %s", strerror(errno));
	cr_assert_eq(system("ip link add hxa type veth peer name hxb && "
			    "ip link set hxa up && ip link set hxb up"),
		     0, "veth in the test's namespace");
}

static void
teardown(void)
{
	if (tmp_dir[0] != '\0') {
		umount2(tmp_dir, MNT_DETACH);
		rmdir(tmp_dir);
	}
}

TestSuite(pins, .init = setup, .fini = teardown, .timeout = 60);

/* Open file descriptors of this process. */
static unsigned int
open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	unsigned int n = 0;

	cr_assert_not_null(dir);
	while (readdir(dir) != NULL)
		n++;
	closedir(dir);
	return n;
}

static void
load_pinned(struct herald_xdp **h, const char *dir)
{
	int ret = herald_xdp_load(h, "hxa", dir);

	cr_assert_eq(ret, 0, "load with pins in %s: %s", dir, strerror(-ret));
	cr_assert(exists(dir));
}

Test(pins, unpin_removes_its_pins_and_only_an_empty_dir)
{
	char root[128], dir[128], keep[160], pin[160];
	struct herald_xdp *h;

	path(root, sizeof(root), "given");
	path(dir, sizeof(dir), "given/hxa");
	cr_assert_eq(mkdir(root, 0700), 0);
	load_pinned(&h, dir);
	herald_xdp_close(h);
	snprintf(keep, sizeof(keep), "%s/keep", dir);
	cr_assert_eq(mkdir(keep, 0700), 0);

	herald_xdp_unpin(dir);
	snprintf(pin, sizeof(pin), "%s/prog", dir);
	cr_assert_not(exists(pin), "prog pin left");
	snprintf(pin, sizeof(pin), "%s/hx_counters", dir);
	cr_assert_not(exists(pin), "map pin left");
	cr_assert(exists(keep), "removed what it did not pin");
	cr_assert(exists(dir), "removed a directory that was not empty");

	cr_assert_eq(rmdir(keep), 0);
	herald_xdp_unpin(dir);
	cr_assert_not(exists(dir));
	cr_assert(exists(root), "removed the parent it was not given");
}

Test(pins, unpin_and_release_never_touch_the_default_root)
{
	char dir[128], dir2[128];
	struct herald_xdp *h;

	/* A bpffs over /sys/fs/bpf that only this namespace sees. */
	cr_assert_eq(mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"), 0,
		     "private bpffs on /sys/fs/bpf: %s", strerror(errno));
	cr_assert_eq(mkdir(HERALD_XDP_PIN_ROOT, 0700), 0);

	/* Pins elsewhere, as herald with xdp_pin_root set. */
	path(dir, sizeof(dir), "hxa");
	load_pinned(&h, dir);
	herald_xdp_close(h);
	herald_xdp_unpin(dir);
	cr_assert_not(exists(dir));
	cr_assert(exists(HERALD_XDP_PIN_ROOT),
		  "unpin of %s removed " HERALD_XDP_PIN_ROOT, dir);

	path(dir2, sizeof(dir2), "elsewhere/hxa");
	load_pinned(&h, dir2);
	herald_xdp_release(h);
	cr_assert_not(exists(dir2));
	cr_assert(exists(HERALD_XDP_PIN_ROOT),
		  "release of %s removed " HERALD_XDP_PIN_ROOT, dir2);
	umount2("/sys/fs/bpf", MNT_DETACH);
}

Test(pins, release_and_detach_remove_the_dirs_they_made_only)
{
	char made[128], dir[128], given[128];
	struct herald_xdp *h;

	/* tmp/a and tmp/a/b are made on the way: both go. */
	path(made, sizeof(made), "a");
	path(dir, sizeof(dir), "a/b/hxa");
	load_pinned(&h, dir);
	herald_xdp_release(h);
	cr_assert_not(exists(made), "a directory the handle made was left");
	cr_assert(exists(tmp_dir));

	/* A directory that was there stays. */
	path(given, sizeof(given), "given");
	path(dir, sizeof(dir), "given/hxa");
	cr_assert_eq(mkdir(given, 0700), 0);
	load_pinned(&h, dir);
	herald_xdp_release(h);
	cr_assert_not(exists(dir));
	cr_assert(exists(given), "removed a directory it did not make");

	/* Detach (attached here) cleans up the same way. */
	path(made, sizeof(made), "c");
	path(dir, sizeof(dir), "c/hxa");
	load_pinned(&h, dir);
	cr_assert_eq(herald_xdp_attach(h, HERALD_XDP_MODE_NATIVE, 0), 0);
	cr_assert_eq(herald_xdp_detach(h), 0);
	herald_xdp_close(h);
	cr_assert_not(exists(made));
}

/*
 * Defect 14: herald's adopt_port leaked the handle and the pins when
 * configure() failed. configure() fails only when a map update fails on
 * a live af_xdp port, which herald cannot be made to do from outside;
 * this test runs the sequence adopt_port now runs on that path (adopt
 * with pins, a failing configure step, herald_xdp_release) on a program
 * loaded and attached as the af_xdp PMD does, and checks that nothing
 * is left: no fd, no pin, no directory the adopt made, and the PMD's
 * program still attached.
 */
Test(pins, adopt_then_failed_configure_releases_everything)
{
	struct herald_xdp_target bad = {.action = HERALD_XDP_LOCAL};
	struct herald_xdp_status st;
	struct herald_xdp *pmd, *h;
	char root[128], dir[128];
	unsigned int fds;
	int ret;

	cr_assert_eq(herald_xdp_load(&pmd, "hxa", NULL), 0);
	cr_assert_eq(herald_xdp_attach(pmd, HERALD_XDP_MODE_NATIVE, 0), 0);
	path(root, sizeof(root), "herald-root");
	path(dir, sizeof(dir), "herald-root/hxa");
	fds = open_fds();

	herald_xdp_unpin(dir); /* adopt_port's stale-pin sweep */
	ret = herald_xdp_adopt(&h, "hxa", dir);
	cr_assert_eq(ret, 0, "adopt: %s", strerror(-ret));
	cr_assert(exists(dir));
	cr_assert_gt(open_fds(), fds);
	/* A configure step that fails, as a refused map update would. */
	cr_assert_eq(herald_xdp_slot_set(h, HERALD_XDP_NUM_TGTS, &bad),
		     -EINVAL);
	herald_xdp_release(h);

	cr_assert_eq(open_fds(), fds, "the adopted handle's fds leaked");
	cr_assert_not(exists(dir), "pins left behind");
	cr_assert_not(exists(root), "the root adopt made was left behind");
	cr_assert_eq(herald_xdp_status(pmd, &st), 0);
	cr_assert(st.attached, "release detached the PMD's program");
	/* A later start adopts again without stale pins in the way. */
	cr_assert_eq(herald_xdp_adopt(&h, "hxa", dir), 0);
	herald_xdp_release(h);
	cr_assert_eq(herald_xdp_detach(pmd), 0);
	herald_xdp_close(pmd);
}
