/* SPDX-License-Identifier: BSD-3-Clause
 * The herald-xdp tool and the library's attach/pin paths on a real
 * veth pair.
 *
 * Each test runs in its own process (Criterion forks), which moves into
 * a new network and mount namespace: "A" holds veth hxa (198.18.0.1, the
 * filter) and a private bpffs for the pins; a second namespace "B",
 * kept only by a file descriptor, holds the peer hxb (198.18.0.2 and
 * .3, the clients). Everything vanishes with the test process, failed
 * or not; only the empty mount point in /tmp is removed by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/bpf.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>

#include "herald_xdp.h"
#include "hwp.h"

#define IP_A  "198.18.0.1"
#define IP_B  "198.18.0.2"
#define IP_B2 "198.18.0.3"

static char tmp_dir[64];
static char pin_dir[96];
static int ns_b = -1;
static int ns_a = -1;

static void
require_root(void)
{
	cr_assert(geteuid() == 0,
		  "tests/bpf must run as root: they load BPF programs and "
		  "make network namespaces (CI runs as root)");
}

/* Runs a shell command in the namespace nsfd (-1: this one). */
static int
sh_in(int nsfd, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	pid_t pid;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) != 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* A network namespace held only by the returned fd. */
static int
new_netns(void)
{
	char path[64], c = 0;
	int pfd[2], fd;
	pid_t pid;

	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		c = unshare(CLONE_NEWNET) == 0;
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	cr_assert_eq(read(pfd[0], &c, 1), 1);
	cr_assert_eq(c, 1, "unshare in child failed");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	/* No O_CLOEXEC: "ip link set ... netns /proc/self/fd/N" needs it. */
	fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(pfd[1]);
	return fd;
}

static void
setup(void)
{
	require_root();
	cr_assert_eq(unshare(CLONE_NEWNET | CLONE_NEWNS), 0, "unshare: %s",
		     strerror(errno));
	/* Our mounts must not leak to the host. */
	cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/hxt.XXXXXX");
	cr_assert_not_null(mkdtemp(tmp_dir));
	cr_assert_eq(mount("bpf", tmp_dir, "bpf", 0, "mode=0700"), 0,
		     "mount bpffs: %s", strerror(errno));
	snprintf(pin_dir, sizeof(pin_dir), "%s/hxa", tmp_dir);
	ns_a = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ns_b = new_netns();
	cr_assert_eq(sh_in(-1,
			   "ip link add hxa type veth peer name hxb && "
			   "ip link set hxb netns /proc/self/fd/%d && "
			   "ip addr add " IP_A "/24 dev hxa && "
			   "ip link set hxa up && ip link set lo up",
			   ns_b),
		     0, "veth setup");
	cr_assert_eq(sh_in(ns_b, "ip addr add " IP_B "/24 dev hxb && "
				 "ip addr add " IP_B2 "/24 dev hxb && "
				 "ip link set hxb up && ip link set lo up"),
		     0, "peer setup");
}

static void
teardown(void)
{
	/* Namespaces and the bpffs die with this process; the dir does not. */
	if (tmp_dir[0] != '\0') {
		umount2(tmp_dir, MNT_DETACH);
		rmdir(tmp_dir);
	}
	if (ns_b >= 0)
		close(ns_b);
	if (ns_a >= 0)
		close(ns_a);
}

TestSuite(tool, .init = setup, .fini = teardown, .timeout = 60);

/* Runs the tool (in namespace A); its stdout+stderr go to out. */
static int
tool(char *out, size_t cap, const char *fmt, ...)
{
	const char *bin = getenv("HERALD_XDP_TOOL");
	char args[384], cmd[640];
	size_t n = 0;
	va_list ap;
	FILE *p;
	int st;

	cr_assert_not_null(bin, "HERALD_XDP_TOOL is not set (meson sets it)");
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", bin, args);
	fflush(NULL);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	if (out != NULL && cap > 0) {
		n = fread(out, 1, cap - 1, p);
		out[n] = '\0';
	} else {
		char sink[4096];

		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	cr_log_info("$ herald-xdp %s -> %d\n%s", args,
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1, out ? out : "");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int
udp_socket_in(int nsfd, const char *ip, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	struct timeval tv = {.tv_sec = 0, .tv_usec = 400000};
	int fd;

	cr_assert_eq(setns(nsfd, CLONE_NEWNET), 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	cr_assert_eq(setns(ns_a, CLONE_NEWNET), 0);
	cr_assert_geq(fd, 0);
	inet_pton(AF_INET, ip, &a.sin_addr);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0,
		     "bind %s:%u: %s", ip, port, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void
send_to_a(int fd, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	inet_pton(AF_INET, IP_A, &a.sin_addr);
	cr_assert_eq(sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof(a)),
		     (ssize_t)len, "sendto: %s", strerror(errno));
}

/* Bytes received within the socket's timeout, or -1. */
static ssize_t
received(int fd)
{
	uint8_t buf[2048];

	return recv(fd, buf, sizeof(buf), 0);
}

static size_t
subscribe_frame(uint8_t *b, uint64_t ch)
{
	struct hwp_subscribe f = {.channel = ch, .subscriber = 9};
	int n = hwp_encode_subscribe(b, 128, &f);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

static size_t
publish_frame(uint8_t *b, uint64_t ch)
{
	struct hwp_publish f = {.channel = ch, .publisher = 3, .pub_seq = 1};
	int n = hwp_encode_publish(b, 128, HWP_F_START, &f, "hello", 5);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

static uint64_t
counter(const char *name)
{
	struct herald_xdp_counters c;
	struct herald_xdp *h;
	int idx = herald_xdp_counter_index(name);

	cr_assert_geq(idx, 0);
	cr_assert_eq(herald_xdp_open(&h, "hxa", pin_dir), 0);
	cr_assert_eq(herald_xdp_read_counters(h, &c), 0);
	herald_xdp_close(h);
	return c.c[idx];
}

static void
attach_tool(void)
{
	char out[1024];

	cr_assert_eq(tool(out, sizeof(out),
			  "attach hxa --addr " IP_A " --allow " IP_B
			  "/32 --pin %s",
			  pin_dir),
		     0, "attach: %s", out);
}

Test(tool, filters_on_veth_and_detaches_cleanly)
{
	int rx_hwp = udp_socket_in(ns_a, IP_A, HWP_DEFAULT_PORT);
	int rx_other = udp_socket_in(ns_a, IP_A, HWP_DEFAULT_PORT + 1);
	int tx = udp_socket_in(ns_b, IP_B, 0);
	int tx_foreign = udp_socket_in(ns_b, IP_B2, 0);
	static const char junk[] = "junk, not HWP at all";
	uint8_t d[128];
	char out[4096];
	size_t n;
	uint32_t id = 0;

	attach_tool();
	cr_assert(bpf_xdp_query_id((int)if_nametoindex("hxa"), 0, &id) == 0 &&
			  id != 0,
		  "no XDP program on hxa after attach");

	/* ARP and ICMP are passed: ping works through the filter. */
	cr_assert_eq(sh_in(ns_b, "ping -c 1 -W 2 " IP_A " >/dev/null"), 0,
		     "ping through the filter failed");

	/* Junk to Herald's port: dropped and counted. */
	send_to_a(tx, HWP_DEFAULT_PORT, junk, sizeof(junk));
	cr_assert_lt(received(rx_hwp), 0, "junk reached the socket");
	cr_assert_eq(counter("bad_magic"), 1);

	/* Valid HWP: no AF_XDP socket, so LOCAL falls back to the kernel. */
	n = subscribe_frame(d, 5);
	send_to_a(tx, HWP_DEFAULT_PORT, d, n);
	cr_assert_eq(received(rx_hwp), (ssize_t)n, "valid HWP was lost");
	cr_assert_eq(counter("local_no_xsk"), 1);

	/* Other UDP ports are not Herald's business. */
	send_to_a(tx, HWP_DEFAULT_PORT + 1, junk, sizeof(junk));
	cr_assert_eq(received(rx_other), (ssize_t)sizeof(junk));

	/* PUBLISH only from the allow-list. */
	n = publish_frame(d, 5);
	send_to_a(tx_foreign, HWP_DEFAULT_PORT, d, n);
	cr_assert_lt(received(rx_hwp), 0, "foreign PUBLISH got through");
	cr_assert_eq(counter("publisher_not_allowed"), 1);
	send_to_a(tx, HWP_DEFAULT_PORT, d, n);
	cr_assert_eq(received(rx_hwp), (ssize_t)n);
	cr_assert_geq(counter("passed_other"), 3, "ARP, ICMP, port+1");

	/* The counters command shows what happened. */
	cr_assert_eq(tool(out, sizeof(out), "counters hxa --pin %s --slots",
			  pin_dir),
		     0);
	cr_assert_not_null(strstr(out, "bad_magic              1"), "%s", out);
	cr_assert_not_null(strstr(out, "publisher_not_allowed  1"), "%s", out);
	cr_assert_not_null(strstr(out, "slot packets bytes"), "%s", out);

	/* Steering every slot to the kernel: still delivered, now slot_pass. */
	cr_assert_eq(
		tool(out, sizeof(out), "slot hxa all pass --pin %s", pin_dir),
		0, "%s", out);
	n = subscribe_frame(d, 6);
	send_to_a(tx, HWP_DEFAULT_PORT, d, n);
	cr_assert_eq(received(rx_hwp), (ssize_t)n);
	cr_assert_eq(counter("slot_pass"), 1);

	/* Detach: program and pins gone, junk flows again. */
	cr_assert_eq(tool(out, sizeof(out), "detach hxa --pin %s", pin_dir), 0,
		     "%s", out);
	cr_assert_eq(bpf_xdp_query_id((int)if_nametoindex("hxa"), 0, &id), 0);
	cr_assert_eq(id, 0, "program %u still attached", id);
	cr_assert_neq(access(pin_dir, F_OK), 0, "pin dir left behind");
	send_to_a(tx, HWP_DEFAULT_PORT, junk, sizeof(junk));
	cr_assert_eq(received(rx_hwp), (ssize_t)sizeof(junk));
	close(rx_hwp);
	close(rx_other);
	close(tx);
	close(tx_foreign);
}

Test(tool, status_allow_slot_and_double_attach)
{
	char out[8192];

	attach_tool();
	cr_assert_eq(tool(out, sizeof(out), "attach hxa --pin %s", pin_dir), 1,
		     "second attach must fail");
	cr_assert_not_null(strstr(out, "already"), "%s", out);

	cr_assert_eq(tool(out, sizeof(out), "status hxa --pin %s", pin_dir), 0);
	cr_assert_not_null(strstr(out, "attached, prog id"), "%s", out);
	cr_assert_not_null(strstr(out, "198.18.0.1 port 7700"), "%s", out);
	cr_assert_not_null(strstr(out, "198.18.0.2/32"), "%s", out);

	cr_assert_eq(tool(out, sizeof(out),
			  "allow hxa add 198.19.0.0/16 --pin "
			  "%s",
			  pin_dir),
		     0);
	cr_assert_eq(tool(out, sizeof(out), "allow hxa del 198.18.0.2 --pin %s",
			  pin_dir),
		     0);
	cr_assert_eq(tool(out, sizeof(out), "allow hxa list --pin %s", pin_dir),
		     0);
	cr_assert_not_null(strstr(out, "198.19.0.0/16"), "%s", out);
	cr_assert_null(strstr(out, "198.18.0.2"), "%s", out);
	cr_assert_eq(tool(out, sizeof(out), "allow hxa del 198.18.0.2 --pin %s",
			  pin_dir),
		     1);

	cr_assert_eq(tool(out, sizeof(out),
			  "slot hxa 7 node 198.18.0.9 02:00:00:00:00:09 --pin "
			  "%s",
			  pin_dir),
		     0, "%s", out);
	cr_assert_eq(
		tool(out, sizeof(out), "slot hxa ctl pass --pin %s", pin_dir),
		0, "%s", out);
	cr_assert_eq(tool(out, sizeof(out), "status hxa --pin %s", pin_dir), 0);
	cr_assert_not_null(strstr(out, "  7 node 198.18.0.9 02:00:00:00:00:09"),
			   "%s", out);
	cr_assert_not_null(strstr(out, "  ctl pass"), "%s", out);

	cr_assert_eq(tool(out, sizeof(out),
			  "config hxa --port 7800 --allow-any "
			  "--pin %s",
			  pin_dir),
		     0, "%s", out);
	cr_assert_eq(tool(out, sizeof(out), "status hxa --pin %s", pin_dir), 0);
	cr_assert_not_null(strstr(out, "198.18.0.1 port 7800"), "%s", out);
	cr_assert_not_null(strstr(out, "overridden: allow any"), "%s", out);
	cr_assert_eq(tool(out, sizeof(out),
			  "config hxa --no-allow-any --pin %s", pin_dir),
		     0);
	cr_assert_eq(tool(out, sizeof(out), "status hxa --pin %s", pin_dir), 0);
	cr_assert_null(strstr(out, "overridden"), "%s", out);
	cr_assert_not_null(strstr(out, "port 7800"), "config kept the port");

	cr_assert_eq(tool(out, sizeof(out), "detach hxa --pin %s", pin_dir), 0);
	cr_assert_eq(tool(out, sizeof(out), "status hxa --pin %s", pin_dir), 1,
		     "status after detach");
	cr_assert_not_null(strstr(out, "no filter pinned"), "%s", out);
}

Test(tool, counters_watch_reports_deltas)
{
	char out[8192];

	attach_tool();
	cr_assert_eq(tool(out, sizeof(out),
			  "counters hxa --pin %s --watch 1 --count 2 --all",
			  pin_dir),
		     0);
	cr_assert_not_null(strstr(out, "--- last 1 s on hxa"), "%s", out);
	cr_assert_not_null(strstr(out, "bad_nack_count"), "--all: %s", out);
	cr_assert_eq(tool(out, sizeof(out), "detach hxa --pin %s", pin_dir), 0);
}

Test(tool, help_and_usage_errors)
{
	static const char *const cmds[] = {"attach",   "detach", "status",
					   "counters", "slot",	 "allow",
					   "--watch",  "--pin",	 "--mode"};
	char out[8192];
	unsigned int i;

	cr_assert_eq(tool(out, sizeof(out), "--help"), 0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		cr_assert_not_null(strstr(out, cmds[i]), "--help lacks %s",
				   cmds[i]);
	cr_assert_eq(tool(out, sizeof(out), ""), 2);
	cr_assert_eq(tool(out, sizeof(out), "attach"), 2);
	cr_assert_eq(tool(out, sizeof(out), "frobnicate hxa"), 2);
	cr_assert_eq(tool(out, sizeof(out), "attach hxa --mode turbo"), 2);
	cr_assert_eq(tool(out, sizeof(out), "attach hxa --port 0"), 2);
	cr_assert_eq(tool(out, sizeof(out),
			  "attach hxa --allow 1.2.3.4/40 "
			  "--pin %s",
			  pin_dir),
		     2);
	cr_assert_eq(
		tool(out, sizeof(out), "slot hxa 4096 pass --pin %s", pin_dir),
		2);
	cr_assert_eq(
		tool(out, sizeof(out), "slot hxa 1 node --pin %s", pin_dir), 2);
	cr_assert_eq(tool(out, sizeof(out), "slot-of 1"), 0);
	cr_assert_eq(strtoul(out, NULL, 10), hwp_slot(1));
	/* Nothing was attached by any of these. */
	cr_assert_neq(access(pin_dir, F_OK), 0);
}

Test(tool, numbers_and_addresses_use_the_strict_parsers)
{
	char out[4096];

	/* lib/inet's rules: no leading zeros, no octal, exact MACs. */
	cr_assert_eq(tool(out, sizeof(out), "attach hxa --port 07700 --pin %s",
			  pin_dir),
		     2, "%s", out);
	cr_assert_eq(tool(out, sizeof(out),
			  "attach hxa --addr 198.018.0.1 --pin %s", pin_dir),
		     2, "%s", out);
	cr_assert_eq(tool(out, sizeof(out),
			  "attach hxa --allow 198.18.0.0/015 --pin %s",
			  pin_dir),
		     2, "%s", out);
	cr_assert_eq(tool(out, sizeof(out),
			  "attach hxa --mac 02:00:00:00:00:9 --pin %s",
			  pin_dir),
		     2, "%s", out);
	cr_assert_eq(tool(out, sizeof(out), "counters hxa --watch 01"), 2);
	cr_assert_eq(
		tool(out, sizeof(out), "slot hxa 010 pass --pin %s", pin_dir),
		2, "010 is neither 10 nor octal 8: %s", out);
	cr_assert_eq(tool(out, sizeof(out), "slot-of 0x10"), 0);
	cr_assert_eq(strtoul(out, NULL, 10), hwp_slot(16));
	cr_assert_eq(tool(out, sizeof(out), "slot-of 010"), 2);
	cr_assert_neq(access(pin_dir, F_OK), 0);
}

Test(tool, allow_list_fails_closed_on_veth)
{
	int rx = udp_socket_in(ns_a, IP_A, HWP_DEFAULT_PORT);
	int tx = udp_socket_in(ns_b, IP_B, 0);
	uint8_t d[128];
	char out[4096];
	size_t n = publish_frame(d, 5);

	attach_tool(); /* --allow IP_B/32 */
	send_to_a(tx, HWP_DEFAULT_PORT, d, n);
	cr_assert_eq(received(rx), (ssize_t)n);
	/* The last prefix deleted: no publisher, not any. */
	cr_assert_eq(tool(out, sizeof(out), "allow hxa del " IP_B " --pin %s",
			  pin_dir),
		     0, "%s", out);
	cr_assert_eq(tool(out, sizeof(out), "status hxa --pin %s", pin_dir), 0);
	cr_assert_not_null(strstr(out, "(empty: no publisher)"), "%s", out);
	send_to_a(tx, HWP_DEFAULT_PORT, d, n);
	cr_assert_lt(received(rx), 0, "PUBLISH passed an empty allow-list");
	cr_assert_eq(counter("publisher_not_allowed"), 1);
	/* Only the explicit flag means any source. */
	cr_assert_eq(tool(out, sizeof(out), "config hxa --allow-any --pin %s",
			  pin_dir),
		     0, "%s", out);
	send_to_a(tx, HWP_DEFAULT_PORT, d, n);
	cr_assert_eq(received(rx), (ssize_t)n);
	cr_assert_eq(tool(out, sizeof(out), "detach hxa --pin %s", pin_dir), 0);
	close(rx);
	close(tx);
}

Test(tool, attach_without_allow_means_any_unless_told_otherwise)
{
	int rx = udp_socket_in(ns_a, IP_A, HWP_DEFAULT_PORT);
	int tx = udp_socket_in(ns_b, IP_B2, 0);
	uint8_t d[128];
	char out[4096];
	size_t n = publish_frame(d, 5);

	cr_assert_eq(tool(out, sizeof(out), "attach hxa --pin %s", pin_dir), 0,
		     "%s", out);
	cr_assert_eq(tool(out, sizeof(out), "status hxa --pin %s", pin_dir), 0);
	cr_assert_not_null(strstr(out, "overridden: allow any"), "%s", out);
	cr_assert_not_null(strstr(out, "(empty: any publisher, by allow-any)"),
			   "%s", out);
	send_to_a(tx, HWP_DEFAULT_PORT, d, n);
	cr_assert_eq(received(rx), (ssize_t)n);
	cr_assert_eq(tool(out, sizeof(out), "detach hxa --pin %s", pin_dir), 0);

	cr_assert_eq(tool(out, sizeof(out),
			  "attach hxa --no-allow-any --pin %s", pin_dir),
		     0, "%s", out);
	cr_assert_eq(tool(out, sizeof(out), "status hxa --pin %s", pin_dir), 0);
	cr_assert_not_null(strstr(out, "(empty: no publisher)"), "%s", out);
	send_to_a(tx, HWP_DEFAULT_PORT, d, n);
	cr_assert_lt(received(rx), 0);
	cr_assert_eq(tool(out, sizeof(out), "detach hxa --pin %s", pin_dir), 0);
	close(rx);
	close(tx);
}

/* ---- the library's own attach / pin / open / detach --------------- */

Test(tool, library_pins_attach_open_detach)
{
	struct herald_xdp_config cfg = {.port = 7700, .addr = 0xc6120001u};
	struct herald_xdp_config seen;
	struct herald_xdp_status st;
	struct herald_xdp *h, *h2, *h3;
	int ret;

	ret = herald_xdp_load(&h, "hxa", pin_dir);
	cr_assert_eq(ret, 0, "load: %s", strerror(-ret));
	cr_assert_eq(access(pin_dir, F_OK), 0);
	cr_assert_eq(herald_xdp_load(&h2, "hxa", pin_dir), -EEXIST);
	ret = herald_xdp_attach(h, HERALD_XDP_MODE_NATIVE, 0);
	cr_assert_eq(ret, 0, "attach: %s", strerror(-ret));
	cr_assert_eq(herald_xdp_status(h, &st), 0);
	cr_assert(st.attached);
	cr_assert_eq(st.mode, HERALD_XDP_MODE_NATIVE);

	/* A second process's view: the same maps through the pins. */
	cr_assert_eq(herald_xdp_open(&h2, "hxa", pin_dir), 0);
	cr_assert_eq(herald_xdp_set_config(h2, &cfg), 0);
	cr_assert_eq(herald_xdp_get_config(h, &seen), 0);
	cr_assert_eq(seen.port, 7700);
	cr_assert_eq(seen.addr, 0xc6120001u);
	cr_assert_eq(herald_xdp_status(h2, &st), 0);
	cr_assert(st.attached);

	/* Another instance does not displace ours without REPLACE. */
	cr_assert_eq(herald_xdp_load(&h3, "hxa", NULL), 0);
	ret = herald_xdp_attach(h3, HERALD_XDP_MODE_NATIVE, 0);
	cr_assert(ret == -EBUSY || ret == -EEXIST, "got %d", ret);
	/* Nor does its detach remove ours. */
	herald_xdp_detach(h3);
	cr_assert_eq(herald_xdp_status(h, &st), 0);
	cr_assert(st.attached);
	herald_xdp_close(h3);

	cr_assert_eq(herald_xdp_detach(h2), 0);
	cr_assert_eq(herald_xdp_status(h, &st), 0);
	cr_assert_not(st.attached);
	cr_assert_neq(access(pin_dir, F_OK), 0);
	herald_xdp_close(h2);
	herald_xdp_close(h);
	cr_assert_eq(herald_xdp_open(&h, "hxa", pin_dir), -ENOENT);
}

Test(tool, library_skb_mode_and_vanished_interface)
{
	struct herald_xdp_status st;
	struct herald_xdp *h;

	cr_assert_eq(herald_xdp_load(&h, "hxa", pin_dir), 0);
	cr_assert_eq(herald_xdp_attach(h, HERALD_XDP_MODE_SKB, 0), 0);
	cr_assert_eq(herald_xdp_status(h, &st), 0);
	cr_assert(st.attached);
	cr_assert_eq(st.mode, HERALD_XDP_MODE_SKB);
	cr_assert_eq(sh_in(-1, "ip link del hxa"), 0);
	cr_assert_eq(herald_xdp_status(h, &st), -ENODEV);
	/* Detach of a gone interface still cleans the pins. */
	cr_assert_eq(herald_xdp_detach(h), 0);
	cr_assert_neq(access(pin_dir, F_OK), 0);
	herald_xdp_close(h);
}

Test(tool, library_adopts_a_program_loaded_elsewhere)
{
	struct bpf_insn pass[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = XDP_PASS},
		{.code = BPF_JMP | BPF_EXIT},
	};
	struct herald_xdp_config cfg = {.port = 7701};
	struct herald_xdp_config seen;
	struct herald_xdp_status st;
	struct herald_xdp *pmd, *h, *h2;
	int ifindex = (int)if_nametoindex("hxa");
	int fd, ret;

	cr_assert_eq(herald_xdp_adopt(&h, "hxa", NULL), -ENOENT);
	/* As DPDK's af_xdp PMD would: load and attach, no pins. */
	cr_assert_eq(herald_xdp_load(&pmd, "hxa", NULL), 0);
	cr_assert_eq(herald_xdp_attach(pmd, HERALD_XDP_MODE_NATIVE, 0), 0);
	ret = herald_xdp_adopt(&h, "hxa", pin_dir);
	cr_assert_eq(ret, 0, "adopt: %s", strerror(-ret));
	cr_assert_eq(herald_xdp_set_config(h, &cfg), 0);
	cr_assert_eq(herald_xdp_get_config(pmd, &seen), 0);
	cr_assert_eq(seen.port, 7701, "adopted maps are not the loader's");
	/* Pinned: a later process opens them like any instance. */
	cr_assert_eq(herald_xdp_open(&h2, "hxa", pin_dir), 0);
	cr_assert_eq(herald_xdp_status(h2, &st), 0);
	cr_assert(st.attached);
	cr_assert_eq(herald_xdp_detach(h2), 0);
	herald_xdp_close(h2);
	herald_xdp_close(h);
	herald_xdp_close(pmd);
	cr_assert_neq(access(pin_dir, F_OK), 0);

	/* Someone else's program is refused. */
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "other", "GPL", pass, 2, NULL);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, NULL), 0);
	cr_assert_eq(herald_xdp_adopt(&h, "hxa", pin_dir), -EPROTO);
	close(fd);
}
