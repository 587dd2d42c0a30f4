/* SPDX-License-Identifier: BSD-3-Clause
 * The loader without EAL: what it loads from a text, exactly, and the
 * helpers the runtime calls (pool caches, port checks, error lines).
 * bad_configs.py runs the same rules through the herald binary.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "config/config.h"

static struct herald_config cfg, cfg2;
static char err[1024];

static int
load(const char *text)
{
	return herald_config_parse("t.ini", text, strlen(text), &cfg, err,
				   sizeof(err));
}

/* n distinct /25 prefixes "10.X.Y.128/25", comma separated. */
static void
prefix_list(char *buf, size_t cap, unsigned int n)
{
	size_t pos = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		pos += (size_t)snprintf(buf + pos, cap - pos,
					"%s10.%u.%u.128/25", i ? ", " : "",
					i / 250, i % 250);
}

/* Users script against these: a default may not change by accident. */
Test(config, defaults_are_the_documented_ones)
{
	unsigned int s;

	herald_config_defaults(&cfg);
	cr_assert_eq(cfg.address, 0xc6120001);
	cr_assert_eq(cfg.udp_port, 7700);
	cr_assert(!cfg.has_mac && !cfg.has_next_hop_mac);
	cr_assert_eq(cfg.epoch, 0);
	cr_assert_eq(cfg.egress_port, 0);
	cr_assert_eq(cfg.publisher_credit, 256);
	cr_assert_eq(cfg.history_depth, 1024);
	cr_assert_eq(cfg.token_key_len, 0);
	cr_assert(cfg.verify_udp_checksum);
	cr_assert_str_eq(cfg.xdp_pin_root, "/sys/fs/bpf/herald");
	cr_assert_eq(cfg.mtu, 1500);
	cr_assert_eq(cfg.n_workers, 1);
	cr_assert_eq(cfg.worker_lcores[0], 1);
	for (s = 0; s < HWP_NUM_SLOTS; s++)
		cr_assert_eq(cfg.slot_owner[s], 0);
	cr_assert_eq(cfg.max_channels, 65536);
	cr_assert_eq(cfg.max_subscribed_channels, 65536);
	cr_assert_eq(cfg.max_subscribers, 1024);
	cr_assert_eq(cfg.max_publisher_sessions, 4096);
	cr_assert_eq(cfg.max_sessions_per_source, 64);
	cr_assert_eq(cfg.session_timeout_ms, 15000);
	cr_assert_eq(cfg.channel_timeout_ms, 60000);
	cr_assert_eq(cfg.handoff_ring_size, 4096);
	cr_assert_eq(cfg.rx_mbufs, 16383);
	cr_assert_eq(cfg.header_mbufs, 65535);
	cr_assert_eq(cfg.indirect_mbufs, 8191);
	cr_assert_eq(cfg.flat_mbufs, 4095);
	cr_assert_eq(cfg.jumbo_mbufs, 511);
	cr_assert_eq(cfg.mempool_cache, 256);
	cr_assert_eq(cfg.rx_desc, 1024);
	cr_assert_eq(cfg.tx_desc, 1024);
	cr_assert(cfg.allow_any);
	cr_assert_eq(cfg.n_allow, 0);
	cr_assert_str_eq(cfg.ctl_socket, "/run/herald/control.sock");
}

Test(config, control_socket_none_or_a_path)
{
	static const char none[] = "[control]\nsocket = none\n";
	static const char path[] = "[control]\nsocket = /tmp/h/c.sock\n";
	char err[256];

	cr_assert_eq(herald_config_parse("n.ini", none, strlen(none), &cfg, err,
					 sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(cfg.ctl_socket, "");
	cr_assert_eq(herald_config_parse("p.ini", path, strlen(path), &cfg, err,
					 sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(cfg.ctl_socket, "/tmp/h/c.sock");
}

Test(config, empty_file_gives_the_defaults)
{
	herald_config_defaults(&cfg2);
	cr_assert_eq(load("; nothing\n[herald]\n"), 0, "%s", err);
	memset(cfg.path, 0, sizeof(cfg.path));
	memset(cfg2.path, 0, sizeof(cfg2.path));
	cr_assert(memcmp(&cfg, &cfg2, sizeof(cfg)) == 0);
}

Test(config, crlf_and_byte_order_mark)
{
	cr_assert_eq(load("\xef\xbb\xbf[herald]\r\nudp_port = 7701\r\n"), 0,
		     "%s", err);
	cr_assert_eq(cfg.udp_port, 7701);
	cr_assert_eq(cfg.key_line[HERALD_CFG_herald_udp_port], 2);
}

Test(config, every_key_has_a_doc_and_a_sane_range)
{
	unsigned int k;

	for (k = 0; k < HERALD_CFG_NUM_KEYS; k++) {
		const struct herald_cfg_key *key = &herald_cfg_keys[k];

		cr_assert(key->doc != NULL && key->doc[0] != '\0', "%s",
			  key->key);
		cr_assert_leq(key->min, key->max, "%s", key->key);
		cr_assert_eq(strpbrk(key->doc, "|\n"), NULL, "%s", key->key);
	}
}

/* rte_cfgfile kept 255 characters: 203.0.113.128/25 at the cut became a
 * different prefix, or none. */
Test(config, long_allow_list_is_read_whole)
{
	static char text[8192], list[6000];
	const struct herald_prefix *last;

	/* The 255th character of the value falls inside the last prefix. */
	prefix_list(list, sizeof(list), 15);
	snprintf(text, sizeof(text), "%s, 198.18.0.0/15, ", list);
	cr_assert_lt(strlen(text), 255);
	cr_assert_gt(strlen(text) + strlen("203.0.113.128/25"), 255);
	snprintf(text, sizeof(text),
		 "[publishers]\nallow = %s, 198.18.0.0/15, 203.0.113.128/25\n",
		 list);
	cr_assert_eq(load(text), 0, "%s", err);
	cr_assert_eq(cfg.n_allow, 17);
	last = &cfg.allow[16];
	cr_assert_eq(last->ip, 0xcb007180);
	cr_assert_eq(last->depth, 25);
	cr_assert(!cfg.allow_any);

	prefix_list(list, sizeof(list), 256);
	cr_assert_gt(strlen(list), 3000);
	snprintf(text, sizeof(text), "[publishers]\nallow = %s\n", list);
	cr_assert_eq(load(text), 0, "%s", err);
	cr_assert_eq(cfg.n_allow, 256);
	cr_assert_eq(cfg.allow[255].ip, 0x0a010580);
}

Test(config, zero_prefix_means_any_source)
{
	cr_assert_eq(load("[publishers]\nallow = 0.0.0.0/0\n"), 0, "%s", err);
	cr_assert(cfg.allow_any);
	cr_assert_eq(cfg.n_allow, 0);
	cr_assert_eq(load("[publishers]\nallow = 10.0.0.0/8 1.2.3.4/0\n"), 0);
	cr_assert(cfg.allow_any);
	cr_assert_eq(cfg.n_allow, 0);
	cr_assert_eq(load("[publishers]\nallow = any\n"), 0);
	cr_assert(cfg.allow_any);
	cr_assert_eq(load("[publishers]\nallow = 198.18.1.7/24 10.1.1.1\n"), 0);
	cr_assert(!cfg.allow_any);
	cr_assert_eq(cfg.n_allow, 2);
	cr_assert_eq(cfg.allow[0].ip, 0xc6120100);
	cr_assert_eq(cfg.allow[1].depth, 32);
}

Test(config, error_lines_are_exact)
{
	cr_assert_eq(load("[herald]\nudp_port = 7700\nudp_port = 7701\n"), -1);
	cr_assert_str_eq(err, "herald: config t.ini:3: [herald] udp_port: "
			      "given twice (first on line 2)");
	cr_assert_eq(load("[herald]\n\n[mempool]\ncache = 1000\n"), -1);
	cr_assert_str_eq(err, "herald: config t.ini:4: [mempool] cache: "
			      "'1000' is not an integer from 0 to 512");
	cr_assert_eq(load("[herald]\nudp_port = 7700\r\n[herald]\n"), -1);
	cr_assert_str_eq(err, "herald: config t.ini:3: [herald]: section "
			      "given twice (first on line 1)");
	cr_assert_eq(load("[herald]\nudp_port = 0x0x1e14\n"), -1);
	cr_assert_eq(load("[herald]\ntoken_key = 00112233445566778899aabbccdd"
			  "eeff;\n"),
		     -1);
	/* A token key is a secret: never echoed. */
	cr_assert_null(strstr(err, "0011"), "%s", err);
}

Test(config, key_lines_are_remembered)
{
	cr_assert_eq(load("; c\n[herald]\nepoch = 5\n\n[mempool]\n"
			  "  cache = 100\n"),
		     0, "%s", err);
	cr_assert_eq(herald_config_key_line(&cfg, "herald", "epoch"), 3);
	cr_assert_eq(herald_config_key_line(&cfg, "mempool", "cache"), 6);
	cr_assert_eq(cfg.key_line[HERALD_CFG_mempool_cache], 6);
	cr_assert_eq(herald_config_key_line(&cfg, "herald", "udp_port"), 0);
	cr_assert_eq(herald_config_key_line(&cfg, "herald", "nosuch"), 0);
}

/* Slots depend on workers, whatever the order of the file. */
Test(config, keys_load_in_table_order)
{
	cr_assert_eq(load("[lcores]\nslots = 0-2047:3, 2048-4095:1\n"
			  "workers = 1, 3\n"),
		     0, "%s", err);
	cr_assert_eq(cfg.n_workers, 2);
	cr_assert_eq(cfg.slot_owner[0], 1);
	cr_assert_eq(cfg.slot_owner[4095], 0);
	cr_assert_eq(load("[lcores]\nworkers = 1 2,3\n"), 0, "%s", err);
	cr_assert_eq(cfg.n_workers, 3);
	cr_assert_eq(cfg.slot_owner[4095], 2);
}

Test(config, pool_cache_fits_every_pool)
{
	herald_config_defaults(&cfg);
	cr_assert_eq(herald_config_pool_cache(&cfg, 8191), 256);
	cr_assert_eq(herald_config_pool_cache(&cfg, 384), 256);
	cr_assert_eq(herald_config_pool_cache(&cfg, 383), 255);
	cr_assert_eq(herald_config_pool_cache(&cfg, 256), 170);
	cr_assert_eq(herald_config_pool_cache(&cfg, 64), 42);
	cr_assert_eq(load("[mempool]\ncache = 100\n"), 0, "%s", err);
	cr_assert_eq(herald_config_pool_cache(&cfg, 8191), 100);
	cr_assert_eq(load("[mempool]\ncache = 0\n"), 0, "%s", err);
	cr_assert_eq(herald_config_pool_cache(&cfg, 8191), 0);
	/* 1.5 x 200 = 300: just fits; 201 does not. */
	cr_assert_eq(load("[mempool]\nindirect_mbufs = 300\ncache = 200\n"), 0,
		     "%s", err);
	cr_assert_eq(load("[mempool]\nindirect_mbufs = 300\ncache = 201\n"),
		     -1);
	cr_assert_str_eq(err, "herald: config t.ini:3: [mempool] cache: 201 "
			      "does not fit indirect_mbufs = 300 (line 2): a "
			      "pool must hold 1.5 times its cache "
			      "(rte_mempool); lower cache to 200 or leave it "
			      "out");
	cr_assert_eq(load("[mempool]\ncache = 400\n"), -1);
	cr_assert(strstr(err, "t.ini:2: [mempool] cache: 400 does not fit "
			      "jumbo_mbufs = 511 (default)") != NULL,
		  "%s", err);
	cr_assert_eq(load("[mempool]\njumbo_mbufs = 64\ncache = 43\n"), -1);
	cr_assert(strstr(err, "t.ini:3: [mempool] cache: 43 does not fit "
			      "jumbo_mbufs = 64 (line 2)") != NULL,
		  "%s", err);
}

Test(config, ports_check_egress_and_rx_rings, .init = cr_redirect_stderr)
{
	cr_assert_eq(load("[herald]\nepoch = 1\negress_port = 1\n"), 0);
	cr_assert_eq(herald_config_check_ports(&cfg, 2), 0);
	cr_assert_eq(herald_config_check_ports(&cfg, 0), 0);
	cr_assert_eq(herald_config_check_ports(&cfg, 1), -1);
	/* 1 port x 1 worker x (1024 + 32) + 2 x cache 0. */
	cr_assert_eq(load("[mempool]\ncache = 0\nrx_mbufs = 1056\n"), 0);
	cr_assert_eq(herald_config_check_ports(&cfg, 1), 0);
	cr_assert_eq(herald_config_check_ports(&cfg, 2), -1);
	cr_assert_eq(load("[mempool]\nrx_mbufs = 1056\nrx_desc = 1025\n"
			  "cache = 0\n"),
		     0);
	cr_assert_eq(herald_config_check_ports(&cfg, 1), -1);
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"herald: config t.ini:3: [herald] egress_port: port 1 does not "
		"exist (1 port)\n"
		"herald: config t.ini:3: [mempool] rx_mbufs: 1056 is too few, "
		"the RX queues need 2112: 2 port(s) x 1 worker(s) x (rx_desc "
		"1024 + burst 32) + (1 worker(s) + main) x cache 0\n"
		"herald: config t.ini:2: [mempool] rx_mbufs: 1056 is too few, "
		"the RX queues need 1057: 1 port(s) x 1 worker(s) x (rx_desc "
		"1025 + burst 32) + (1 worker(s) + main) x cache 0\n");
}

Test(config, error_names_the_line_or_the_default, .init = cr_redirect_stderr)
{
	cr_assert_eq(load("[herald]\nepoch = 1\n[lcores]\nworkers = 2\n"), 0);
	cr_assert_eq(herald_config_error(&cfg, "lcores", "workers",
					 "lcore %u is busy", 2),
		     -1);
	cr_assert_eq(load("[herald]\n"), 0);
	herald_config_error(&cfg, "lcores", "workers", "x");
	herald_config_error(&cfg, "herald", "mac", "y");
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"herald: config t.ini:4: [lcores] workers: lcore 2 is busy\n"
		"herald: config t.ini: [lcores] workers (default 1): x\n"
		"herald: config t.ini: [herald] mac (not set): y\n");
}

Test(config, load_is_deterministic)
{
	const char *text = "[herald]\nepoch = 0x5eed0001\nmac = "
			   "02:00:00:00:00:01\n[lcores]\nworkers = 1,2\n"
			   "[publishers]\nallow = 10.0.0.0/8, 198.18.0.0/15\n";

	cr_assert_eq(herald_config_parse("t.ini", text, strlen(text), &cfg, err,
					 sizeof(err)),
		     0);
	cr_assert_eq(herald_config_parse("t.ini", text, strlen(text), &cfg2,
					 err, sizeof(err)),
		     0);
	cr_assert(memcmp(&cfg, &cfg2, sizeof(cfg)) == 0);
}

Test(config, directory_and_missing_file, .init = cr_redirect_stderr)
{
	cr_assert_eq(herald_config_load("/", &cfg), -1);
	cr_assert_eq(herald_config_load("/nonexistent/h.ini", &cfg), -1);
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"herald: config /: is a directory\n"
		"herald: config /nonexistent/h.ini: cannot open: No such file "
		"or directory\n");
}
