/* SPDX-License-Identifier: BSD-3-Clause
 * The XDP program on Ethernet/IPv4/UDP: what passes as not Herald's,
 * what is dropped before the codec and under which name, in Herald's
 * order (PROTOCOL.md section 4; Herald's classifier checks a packet to
 * its port for bad_ip_checksum, bad_ip_length, ip_fragment, not_udp,
 * ip_options, bad_udp_length, then the source, then the codec), and the
 * sources Herald could not answer.
 *
 * Harness: hx_run.h (the real program under bpf_prog_test_run_opts).
 */
#include <string.h>

#include <linux/bpf.h>

#include <criterion/criterion.h>

#include "hx_run.h"
#include "inet_parse.h"

TestSuite(xdp, .init = hx_setup, .fini = hx_teardown, .timeout = 30);

static uint8_t pkt[HX_PKT_MAX];
static uint8_t opt[HX_PKT_MAX];

#define IP(f) (HX_ETH_LEN + (f)) /* offset of an IPv4 header field */

/* A valid SUBSCRIBE from the default client, wrapped. */
static size_t
subscribe_pkt(uint8_t *p)
{
	uint8_t d[HWP_SUBSCRIBE_LEN];

	return hx_wrap(p, d, hx_mk_subscribe(d, 5));
}

/* A valid SUBSCRIBE from the client that s describes, wrapped. */
static size_t
subscribe_from(uint8_t *p, const struct hx_pkt_spec *s)
{
	uint8_t d[HWP_SUBSCRIBE_LEN];

	return hx_wrap_spec(p, s, d, hx_mk_subscribe(d, 5));
}

/*
 * Copies the frame (len bytes) to out with `words` 32-bit words of NOP
 * options after the option-less IPv4 header: IHL, total length and the
 * header checksum are fixed up. Returns the new length.
 */
static size_t
with_options(uint8_t *out, const uint8_t *in, size_t len, unsigned int words)
{
	size_t hdrs = HX_ETH_LEN + HX_IP_LEN, add = 4 * words;
	uint16_t tot = hwp_get16(in + IP(2));

	memcpy(out, in, hdrs);
	memset(out + hdrs, 1, add);
	memcpy(out + hdrs + add, in + hdrs, len - hdrs);
	out[IP(0)] = (uint8_t)(0x40 | (5 + words));
	hwp_put16(out + IP(2), (uint16_t)(tot + add));
	hx_fix_ip_csum(out);
	return len + add;
}

/* ---- traffic that is not Herald's passes untouched ---------------- */

Test(xdp, pass_arp)
{
	uint8_t p[60] = {0};

	memset(p, 0xff, 6);
	p[6] = 0x02;
	p[12] = 0x08;
	p[13] = 0x06;
	hx_expect(p, sizeof(p), XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_ipv6)
{
	uint8_t p[80] = {0};

	p[12] = 0x86;
	p[13] = 0xdd;
	p[14] = 0x60;
	hx_expect(p, sizeof(p), XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_icmp)
{
	size_t len = subscribe_pkt(pkt);

	pkt[IP(9)] = 1; /* protocol ICMP */
	hx_fix_ip_csum(pkt);
	hx_expect(pkt, len, XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_icmp_with_options_and_bad_checksum)
{
	size_t len = subscribe_pkt(pkt);

	pkt[IP(9)] = 1;
	len = with_options(opt, pkt, len, 2);
	opt[IP(10)] ^= 0x5a;
	hx_expect(opt, len, XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_other_port)
{
	struct hx_pkt_spec s;

	hx_spec_default(&s);
	s.dport = HX_PORT + 1;
	hx_expect(pkt, hx_wrap_spec(pkt, &s, (const uint8_t *)"junk", 4),
		  XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_other_address)
{
	struct hx_pkt_spec s;

	hx_spec_default(&s);
	s.daddr = HX_CLIENT_IP;
	hx_expect(pkt, hx_wrap_spec(pkt, &s, (const uint8_t *)"junk", 4),
		  XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_non_first_fragment)
{
	size_t len = hx_wrap(pkt, (const uint8_t *)"junkjunk", 8);

	pkt[IP(6)] = 0x00;
	pkt[IP(7)] = 0x10; /* offset 128 bytes, no UDP header */
	hx_fix_ip_csum(pkt);
	hx_expect(pkt, len, XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_non_first_fragment_with_bad_checksum)
{
	size_t len = hx_wrap(pkt, (const uint8_t *)"junkjunk", 8);

	/* Without a UDP header it cannot be told Herald's: the kernel's. */
	pkt[IP(6)] = 0x20;
	pkt[IP(7)] = 0x10;
	pkt[IP(10)] ^= 0x5a;
	hx_expect(pkt, len, XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_bad_source_to_other_port)
{
	struct hx_pkt_spec s;

	hx_spec_default(&s);
	s.dport = HX_PORT + 1;
	s.sport = 0;
	s.saddr = 0xffffffffu;
	hx_expect(pkt, subscribe_from(pkt, &s), XDP_PASS, "passed_other", NULL);
}

Test(xdp, pass_everything_when_unconfigured)
{
	struct herald_xdp_config cfg = {0};
	size_t len = hx_wrap(pkt, (const uint8_t *)"junk", 4);

	cr_assert_eq(herald_xdp_set_config(hx, &cfg), 0);
	hx_expect(pkt, len, XDP_PASS, "passed_other", NULL);
}

Test(xdp, any_address_when_addr_zero)
{
	struct herald_xdp_config cfg = {.port = HX_PORT};
	struct hx_pkt_spec s;

	cr_assert_eq(herald_xdp_set_config(hx, &cfg), 0);
	hx_spec_default(&s);
	s.daddr = HX_FOREIGN_IP;
	hx_expect(pkt,
		  hx_wrap_spec(pkt, &s, (const uint8_t *)"junkjunkjunk", 12),
		  XDP_DROP, "bad_magic", NULL);
}

/* ---- malformed Ethernet / IPv4 / UDP to Herald's port ------------- */

Test(xdp, drop_truncated_ip)
{
	hx_wrap(pkt, (const uint8_t *)"x", 1);
	hx_expect(pkt, HX_ETH_LEN + 10, XDP_DROP, "truncated_ip", NULL);
}

Test(xdp, drop_bad_ip_version)
{
	size_t len = hx_wrap(pkt, (const uint8_t *)"x", 1);

	pkt[IP(0)] = 0x65;
	hx_expect(pkt, len, XDP_DROP, "bad_ip_header", NULL);
}

Test(xdp, drop_truncated_udp)
{
	hx_wrap(pkt, (const uint8_t *)"x", 1);
	hx_expect(pkt, HX_ETH_LEN + HX_IP_LEN + 4, XDP_DROP, "truncated_udp",
		  NULL);
}

Test(xdp, drop_ip_options)
{
	size_t len = subscribe_pkt(pkt);

	hx_expect(opt, with_options(opt, pkt, len, 1), XDP_DROP, "ip_options",
		  NULL);
	hx_expect(opt, with_options(opt, pkt, len, 10), XDP_DROP, "ip_options",
		  NULL);
}

Test(xdp, drop_first_fragment)
{
	size_t len = subscribe_pkt(pkt);

	pkt[IP(6)] = 0x20; /* MF, offset 0 */
	hx_fix_ip_csum(pkt);
	hx_expect(pkt, len, XDP_DROP, "ip_fragment", NULL);
}

Test(xdp, drop_bad_ip_checksum)
{
	size_t len = subscribe_pkt(pkt);

	pkt[IP(10)] ^= 0x5a;
	hx_expect(pkt, len, XDP_DROP, "bad_ip_checksum", NULL);
}

Test(xdp, checksum_covers_the_options)
{
	size_t len = with_options(opt, pkt, subscribe_pkt(pkt), 3);

	/* The last option byte: outside the first 20 bytes of the header. */
	opt[IP(HX_IP_LEN + 11)] ^= 0x10;
	hx_expect(opt, len, XDP_DROP, "bad_ip_checksum", NULL);
}

Test(xdp, drop_ip_length_past_packet)
{
	size_t len = subscribe_pkt(pkt);

	/* The frame is cut short after the headers were written. */
	hx_expect(pkt, len - 10, XDP_DROP, "bad_ip_length", NULL);
}

Test(xdp, drop_ip_length_below_header)
{
	size_t len = subscribe_pkt(pkt);

	hwp_put16(pkt + IP(2), HX_IP_LEN - 1);
	hx_fix_ip_csum(pkt);
	hx_expect(pkt, len, XDP_DROP, "bad_ip_length", NULL);
}

Test(xdp, ip_length_without_room_for_udp_is_bad_udp_length)
{
	size_t len = subscribe_pkt(pkt);

	/* Herald: a total length past the header but short of UDP's. */
	hwp_put16(pkt + IP(2), HX_IP_LEN + 4);
	hx_fix_ip_csum(pkt);
	hx_expect(pkt, len, XDP_DROP, "bad_udp_length", NULL);
}

Test(xdp, drop_bad_udp_length)
{
	size_t len = subscribe_pkt(pkt);

	pkt[IP(HX_IP_LEN + 5)] -= 1;
	hx_expect(pkt, len, XDP_DROP, "bad_udp_length", NULL);
	pkt[IP(HX_IP_LEN + 5)] += 2;
	hx_expect(pkt, len, XDP_DROP, "bad_udp_length", NULL);
}

Test(xdp, ethernet_padding_is_ignored)
{
	size_t len = subscribe_pkt(pkt);

	/* Trailing bytes past the IPv4 total length are link padding. */
	memset(pkt + len, 0xee, 6);
	hx_expect(pkt, len + 6, XDP_PASS, "local_no_xsk", NULL);
}

/* ---- one fault, one name, Herald's order -------------------------- */

Test(xdp, fragment_with_bad_checksum_is_bad_ip_checksum)
{
	size_t len = subscribe_pkt(pkt);

	pkt[IP(6)] = 0x20;
	hx_fix_ip_csum(pkt);
	pkt[IP(10)] ^= 0x5a;
	hx_expect(pkt, len, XDP_DROP, "bad_ip_checksum", NULL);
}

Test(xdp, fragment_with_bad_length_is_bad_ip_length)
{
	size_t len = subscribe_pkt(pkt);

	pkt[IP(6)] = 0x20;
	hx_fix_ip_csum(pkt);
	hx_expect(pkt, len - 10, XDP_DROP, "bad_ip_length", NULL);
}

Test(xdp, fragment_with_bad_udp_length_is_ip_fragment)
{
	size_t len = subscribe_pkt(pkt);

	pkt[IP(6)] = 0x20;
	pkt[IP(HX_IP_LEN + 5)] -= 1;
	hx_fix_ip_csum(pkt);
	hx_expect(pkt, len, XDP_DROP, "ip_fragment", NULL);
}

Test(xdp, options_with_bad_checksum_is_bad_ip_checksum)
{
	size_t len = with_options(opt, pkt, subscribe_pkt(pkt), 1);

	opt[IP(10)] ^= 0x5a;
	hx_expect(opt, len, XDP_DROP, "bad_ip_checksum", NULL);
}

Test(xdp, options_with_bad_length_is_bad_ip_length)
{
	size_t len = with_options(opt, pkt, subscribe_pkt(pkt), 1);

	hx_expect(opt, len - 10, XDP_DROP, "bad_ip_length", NULL);
	/* A total length inside the header, options included. */
	hwp_put16(opt + IP(2), HX_IP_LEN + 2);
	hx_fix_ip_csum(opt);
	hx_expect(opt, len, XDP_DROP, "bad_ip_length", NULL);
}

Test(xdp, options_on_a_fragment_is_ip_fragment)
{
	size_t len = subscribe_pkt(pkt);

	pkt[IP(6)] = 0x20;
	len = with_options(opt, pkt, len, 2);
	hx_expect(opt, len, XDP_DROP, "ip_fragment", NULL);
}

Test(xdp, options_before_source)
{
	struct hx_pkt_spec s;

	hx_spec_default(&s);
	s.sport = 0;
	s.src_mac[0] = 0x01;
	hx_expect(opt, with_options(opt, pkt, subscribe_from(pkt, &s), 1),
		  XDP_DROP, "ip_options", NULL);
}

Test(xdp, bad_lengths_before_source)
{
	struct hx_pkt_spec s;
	size_t len;

	hx_spec_default(&s);
	s.saddr = 0xe0000001u; /* 224.0.0.1 */
	s.src_mac[0] = 0xff;
	len = subscribe_from(pkt, &s);
	pkt[IP(HX_IP_LEN + 5)] -= 1;
	hx_expect(pkt, len, XDP_DROP, "bad_udp_length", NULL);
	pkt[IP(HX_IP_LEN + 5)] += 1;
	hx_expect(pkt, len - 4, XDP_DROP, "bad_ip_length", NULL);
	pkt[IP(10)] ^= 1;
	hx_expect(pkt, len, XDP_DROP, "bad_ip_checksum", NULL);
}

Test(xdp, source_before_codec)
{
	struct hx_pkt_spec s;
	uint8_t d[HWP_SUBSCRIBE_LEN];
	size_t n = hx_mk_subscribe(d, 0);

	hx_spec_default(&s);
	s.sport = 0;
	d[0] = 'X';
	hx_expect(pkt, hx_wrap_spec(pkt, &s, d, n), XDP_DROP,
		  "source_port_zero", NULL);
	/* Even a datagram too short for any frame. */
	hx_expect(pkt, hx_wrap_spec(pkt, &s, d, 0), XDP_DROP,
		  "source_port_zero", NULL);
}

Test(xdp, sources_in_wire_order)
{
	struct hx_pkt_spec s;

	hx_spec_default(&s);
	s.src_mac[0] = 0x01;
	s.saddr = 0x7f000001u;
	s.sport = 0;
	hx_expect(pkt, subscribe_from(pkt, &s), XDP_DROP, "source_mac_group",
		  NULL);
	s.src_mac[0] = 0x02;
	hx_expect(pkt, subscribe_from(pkt, &s), XDP_DROP,
		  "source_ip_not_unicast", NULL);
	s.saddr = HX_HERALD_IP;
	hx_expect(pkt, subscribe_from(pkt, &s), XDP_DROP, "source_ip_own",
		  NULL);
	s.saddr = HX_CLIENT_IP;
	hx_expect(pkt, subscribe_from(pkt, &s), XDP_DROP, "source_port_zero",
		  NULL);
}

/* ---- sources Herald could not answer ------------------------------ */

Test(xdp, source_mac_group)
{
	static const uint8_t group[][6] = {
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, /* broadcast */
		{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, /* IPv4 multicast */
		{0x33, 0x33, 0x00, 0x00, 0x00, 0x01}, /* IPv6 multicast */
		{0x03, 0x00, 0x00, 0x00, 0x00, 0x02}, /* local, group */
	};
	static const uint8_t unicast[][6] = {
		{0x02, 0x00, 0x00, 0x00, 0x00, 0x02},
		{0x00, 0x1b, 0x21, 0x00, 0x00, 0x01},
		{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff},
	};
	struct hx_pkt_spec s;
	unsigned int i;

	hx_spec_default(&s);
	for (i = 0; i < sizeof(group) / sizeof(group[0]); i++) {
		memcpy(s.src_mac, group[i], 6);
		hx_expect(pkt, subscribe_from(pkt, &s), XDP_DROP,
			  "source_mac_group", NULL);
	}
	for (i = 0; i < sizeof(unicast) / sizeof(unicast[0]); i++) {
		memcpy(s.src_mac, unicast[i], 6);
		hx_expect(pkt, subscribe_from(pkt, &s), XDP_PASS,
			  "local_no_xsk", NULL);
	}
}

Test(xdp, source_ip_not_unicast)
{
	static const uint32_t bad[] = {
		0x00000000u, /* 0.0.0.0 */
		0x00010203u, /* 0.1.2.3 */
		0x7f000001u, /* 127.0.0.1 */
		0x7fffffffu, /* 127.255.255.255 */
		0xe0000001u, /* 224.0.0.1 */
		0xefffffffu, /* 239.255.255.255 */
		0xf0000001u, /* 240.0.0.1 */
		0xffffffffu, /* limited broadcast */
	};
	static const uint32_t good[] = {
		0x01000001u, /* 1.0.0.1 */
		0x7effffffu, /* 126.255.255.255 */
		0x80000001u, /* 128.0.0.1 */
		0xdffffffeu, /* 223.255.255.254 */
	};
	struct hx_pkt_spec s;
	unsigned int i;

	hx_spec_default(&s);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s.saddr = bad[i];
		hx_expect(pkt, subscribe_from(pkt, &s), XDP_DROP,
			  "source_ip_not_unicast", NULL);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		s.saddr = good[i];
		hx_expect(pkt, subscribe_from(pkt, &s), XDP_PASS,
			  "local_no_xsk", NULL);
	}
}

Test(xdp, source_ip_own)
{
	struct herald_xdp_config cfg;
	struct hx_pkt_spec s;

	hx_spec_default(&s);
	s.saddr = HX_HERALD_IP;
	hx_expect(pkt, subscribe_from(pkt, &s), XDP_DROP, "source_ip_own",
		  NULL);
	/* Herald on any address has no own address to compare with. */
	cr_assert_eq(herald_xdp_get_config(hx, &cfg), 0);
	cfg.addr = 0;
	cr_assert_eq(herald_xdp_set_config(hx, &cfg), 0);
	hx_expect(pkt, subscribe_from(pkt, &s), XDP_PASS, "local_no_xsk", NULL);
}

Test(xdp, source_port_zero)
{
	struct hx_pkt_spec s;

	hx_spec_default(&s);
	s.sport = 0;
	hx_expect(pkt, subscribe_from(pkt, &s), XDP_DROP, "source_port_zero",
		  NULL);
	s.sport = 1;
	hx_expect(pkt, subscribe_from(pkt, &s), XDP_PASS, "local_no_xsk", NULL);
}

/* ---- counter names ------------------------------------------------ */

Test(xdp, counter_names_match_codec_names)
{
	int e, idx;

	for (e = HWP_ERR_OK + 1; e < HWP_ERR__COUNT; e++) {
		if (e == HWP_ERR_TOO_MANY_FRAMES)
			continue; /* an array size, not a wire fault */
		idx = herald_xdp_counter_index(hwp_err_str(e));
		cr_assert_geq(idx, 0, "no XDP counter for codec fault %s",
			      hwp_err_str(e));
		cr_assert_eq(herald_xdp_counter_kind((unsigned int)idx),
			     HERALD_XDP_K_DROP);
	}
}

Test(xdp, counter_names_kept_and_herald_names_added)
{
	static const char *const names[] = {
		/* revision 1's names, which readers of the pins know */
		"passed_other", "local", "local_no_xsk", "slot_pass", "node",
		"truncated_eth", "truncated_ip", "bad_ip_header",
		"truncated_udp", "ip_options", "ip_fragment", "bad_ip_checksum",
		"bad_ip_length", "bad_udp_length", "publisher_not_allowed",
		"ttl_expired",
		/* Herald's names of the source checks (PROTOCOL.md 4) */
		"source_mac_group", "source_ip_not_unicast", "source_ip_own",
		"source_port_zero"};
	unsigned int i;
	int idx;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		idx = herald_xdp_counter_index(names[i]);
		cr_assert_geq(idx, 0, "no counter %s", names[i]);
		if (strncmp(names[i], "source_", 7) == 0)
			cr_assert_eq(herald_xdp_counter_kind((unsigned int)idx),
				     HERALD_XDP_K_DROP);
	}
}

/*
 * herald-xdp and these tests parse with lib/inet (lib/xdp's own copies
 * are gone): the spellings the tool's options and the tests rely on.
 */
Test(xdp, parse_helpers_are_lib_inet)
{
	uint8_t mac[6], plen;
	uint64_t n;
	uint32_t a;

	cr_assert_eq(inet_parse_prefix("198.18.0.0/15", &a, &plen), 0);
	cr_assert_eq(a, 0xc6120000u);
	cr_assert_eq(plen, 15);
	cr_assert_eq(inet_parse_prefix("198.18.0.7", &a, &plen), 0);
	cr_assert_eq(plen, 32);
	cr_assert_eq(inet_parse_prefix("0.0.0.0/0", &a, &plen), 0);
	cr_assert_eq(plen, 0);
	cr_assert_neq(inet_parse_prefix("198.18.0.0/33", &a, &plen), 0);
	cr_assert_neq(inet_parse_prefix("198.18.0/8", &a, &plen), 0);
	cr_assert_neq(inet_parse_prefix("1.2.3.4/", &a, &plen), 0);
	cr_assert_neq(inet_parse_prefix("198.18.0.0/015", &a, &plen), 0);
	cr_assert_eq(inet_parse_ipv4("198.18.0.1", &a), 0);
	cr_assert_eq(a, HX_HERALD_IP);
	cr_assert_neq(inet_parse_ipv4("198.018.0.1", &a), 0);
	cr_assert_eq(inet_parse_mac("02:00:0a:0B:ff:09", mac), 0);
	cr_assert_eq(mac[3], 0x0b);
	cr_assert_neq(inet_parse_mac("02:00:0a:0b:ff", mac), 0);
	cr_assert_neq(inet_parse_mac("02:00:0a:0b:ff:09:", mac), 0);
	cr_assert_eq(inet_parse_u64("0x10", 0, 4095, &n), 0);
	cr_assert_eq(n, 16);
	cr_assert_neq(inet_parse_u64("010", 0, 4095, &n), 0);
	cr_assert_neq(inet_parse_u64("4096", 0, 4095, &n), 0);
}
