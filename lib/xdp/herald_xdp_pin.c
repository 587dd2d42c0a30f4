/* SPDX-License-Identifier: BSD-3-Clause
 * Pin directories of Herald's XDP program: made on the way in, removed
 * on the way out, and nothing outside them touched.
 *
 * Removal is exact: herald_xdp_unpin() unlinks the pins this library
 * makes (the map names and "prog") in the directory it is given and that
 * directory if it is then empty; a handle also removes the directories
 * it made itself to reach its pin directory, once empty. A directory the
 * library found (an operator's root, the default root another instance
 * made) is never removed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include <bpf/bpf.h>

#include "herald_xdp_priv.h"

#define BPFFS_ROOT "/sys/fs/bpf"

int
herald_xdp_default_pin_dir(char *buf, size_t len, const char *ifname)
{
	int n;

	if (ifname == NULL || *ifname == '\0' || strchr(ifname, '/') != NULL)
		return -EINVAL;
	n = snprintf(buf, len, "%s/%s", HERALD_XDP_PIN_ROOT, ifname);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int
hx_pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * mkdir -p; the shallowest directory it made goes to made (empty if it
 * made none): every deeper one on the path was made too.
 */
static int
mkdir_p(const char *dir, char *made, size_t made_len)
{
	char path[PATH_MAX];
	size_t n = strlen(dir), i;

	made[0] = '\0';
	if (n == 0 || n >= sizeof(path) || n >= made_len)
		return -ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	/* Each prefix that ends before a '/' (not the root), then dir. */
	for (i = 1; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) == 0) {
			if (made[0] == '\0')
				memcpy(made, path, i + 1);
		} else if (errno != EEXIST) {
			return -errno;
		}
		if (i < n)
			path[i] = '/';
	}
	return 0;
}

static bool
is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

/*
 * Pins need a bpffs. Like bpftool, mount the conventional one on
 * /sys/fs/bpf when the pin directory is there and nothing is mounted;
 * any other directory must already be on a bpffs.
 */
static int
prepare_pin_dir(struct herald_xdp *h, const char *dir)
{
	int ret;

	if (strncmp(dir, BPFFS_ROOT "/", strlen(BPFFS_ROOT) + 1) == 0 &&
	    !is_bpffs(BPFFS_ROOT)) {
		if (mount("bpf", BPFFS_ROOT, "bpf", 0, "mode=0700") != 0)
			return -errno;
	}
	ret = mkdir_p(dir, h->made_dir, sizeof(h->made_dir));
	if (ret != 0)
		return ret;
	if (!is_bpffs(dir))
		return -EMEDIUMTYPE;
	return 0;
}

/* Unlinks the pins this library makes in dir, and nothing else. */
static void
unlink_pins(const char *dir)
{
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < HX_MAP__COUNT; i++)
		if (hx_pin_path(path, sizeof(path), dir, hx_map_names[i]) == 0)
			unlink(path);
	if (hx_pin_path(path, sizeof(path), dir, HERALD_XDP_PIN_PROG) == 0)
		unlink(path);
}

void
herald_xdp_unpin(const char *dir)
{
	unlink_pins(dir);
	/* Fails, and so keeps it, if anything else is in it. */
	rmdir(dir);
}

/*
 * Removes the parents of dir up to and including made (the shallowest
 * directory a handle made on the way to dir), deepest first, stopping at
 * the first one that is not empty. dir itself is the caller's.
 */
static void
remove_made_parents(const char *dir, const char *made)
{
	char path[PATH_MAX];
	size_t n = strlen(made);
	char *slash;

	if (n == 0 || strlen(dir) >= sizeof(path) ||
	    strncmp(dir, made, n) != 0 || (dir[n] != '/' && dir[n] != '\0'))
		return;
	memcpy(path, dir, strlen(dir) + 1);
	while (strlen(path) > n) {
		slash = strrchr(path, '/');
		if (slash == NULL || slash == path)
			return;
		*slash = '\0';
		if (strlen(path) < n || rmdir(path) != 0)
			return;
	}
}

void
hx_unpin_handle(struct herald_xdp *h)
{
	if (h->pin_dir[0] == '\0')
		return;
	herald_xdp_unpin(h->pin_dir);
	if (access(h->pin_dir, F_OK) != 0)
		remove_made_parents(h->pin_dir, h->made_dir);
	h->pin_dir[0] = '\0';
	h->made_dir[0] = '\0';
}

static int
pin_all(struct herald_xdp *h, const char *dir)
{
	char path[PATH_MAX];
	unsigned int i;
	int ret;

	ret = hx_pin_path(path, sizeof(path), dir, HERALD_XDP_PIN_PROG);
	if (ret != 0)
		return ret;
	if (access(path, F_OK) == 0)
		return -EEXIST;
	for (i = 0; i < HX_MAP__COUNT; i++) {
		ret = hx_pin_path(path, sizeof(path), dir, hx_map_names[i]);
		if (ret == 0 && bpf_obj_pin(h->fd[i], path) != 0)
			ret = -errno;
		if (ret != 0)
			return ret;
	}
	/* The program last: its pin marks a complete instance. */
	ret = hx_pin_path(path, sizeof(path), dir, HERALD_XDP_PIN_PROG);
	if (ret == 0 && bpf_obj_pin(h->prog_fd, path) != 0)
		ret = -errno;
	return ret;
}

int
hx_pin_to(struct herald_xdp *h, const char *dir)
{
	int ret;

	if (strlen(dir) >= sizeof(h->pin_dir))
		return -ENAMETOOLONG;
	ret = prepare_pin_dir(h, dir);
	if (ret == 0)
		ret = pin_all(h, dir);
	if (ret != 0) {
		/* -EEXIST: another instance's pins, not ours to remove. */
		if (ret != -EEXIST)
			unlink_pins(dir);
		/* Only what this call made goes, dir included. */
		if (h->made_dir[0] != '\0' && rmdir(dir) == 0)
			remove_made_parents(dir, h->made_dir);
		h->made_dir[0] = '\0';
		return ret;
	}
	snprintf(h->pin_dir, sizeof(h->pin_dir), "%s", dir);
	return 0;
}
