/* SPDX-License-Identifier: BSD-3-Clause
 * gen-check: classify every packet of a capture the way Herald must, and
 * print one JSON object per packet for tests/gen/test_gen.py.
 *
 * Written independently of hwp-gen's packet builder (it shares only the
 * codec), so a bug in the generator's headers or checksums cannot hide
 * behind the same bug here. HWP datagrams are judged by the real codec
 * (hwp_parse, direction to-herald) and tokens by hwp_token_verify with
 * the datagram's own source address and port. Sources are judged by
 * PROTOCOL section 4 (revision 2): an answerable source is not a codec
 * rule, so it is reported apart ("source") from the codec's "reason".
 *
 * Usage: gen-check [--key HEX] [--port N] [--herald-ip A.B.C.D] FILE.pcap
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "hwp.h"
#include "hwp_token.h"

#define DEFAULT_KEY                                                            \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

struct check_cfg {
	uint8_t key[HWP_KEY_MAX_LEN];
	size_t key_len;
	uint16_t port;
	uint32_t herald_ip; /* host order */
};

static struct hwp_frame frames[HWP_MAX_FRAMES_PER_DATAGRAM];

static uint16_t
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* True if the UDP checksum over the IPv4 pseudo-header verifies. */
static bool
udp4_ok(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 17;
	ph[10] = (uint8_t)(ulen >> 8);
	ph[11] = (uint8_t)ulen;
	return sum16(udp, ulen, sum16(ph, 12, 0)) == 0xffff;
}

static void
print_tokens(const struct check_cfg *c, unsigned int n, uint32_t src,
	     uint16_t sport)
{
	unsigned int i, valid = 0, invalid = 0;

	for (i = 0; i < n; i++) {
		const struct hwp_subscribe *s = &frames[i].u.subscribe;

		if (frames[i].type != HWP_T_SUBSCRIBE &&
		    frames[i].type != HWP_T_UNSUBSCRIBE)
			continue;
		if (hwp_token_verify(c->key, c->key_len, s->channel,
				     s->subscriber, s->expires, src, sport,
				     s->token))
			valid++;
		else
			invalid++;
	}
	printf(", \"tokens_valid\": %u, \"tokens_invalid\": %u", valid,
	       invalid);
}

static void
check_hwp(const struct check_cfg *c, const uint8_t *ip, const uint8_t *udp,
	  size_t ulen)
{
	uint32_t src = hwp_get32(ip + 12);
	uint16_t sport = hwp_get16(udp);
	unsigned int n = 0, i;
	size_t fault = 0;
	enum hwp_err err;

	err = hwp_parse(udp + 8, ulen - 8, HWP_DIR_TO_HERALD, frames,
			HWP_MAX_FRAMES_PER_DATAGRAM, &n, &fault);
	printf(", \"reason\": \"%s\", \"frames\": %u, \"fault_offset\": %zu",
	       hwp_err_str(err), n, err == HWP_ERR_OK ? (size_t)0 : fault);
	printf(", \"types\": [");
	for (i = 0; i < n; i++)
		printf("%s\"%s\"", i ? ", " : "", hwp_type_str(frames[i].type));
	printf("]");
	print_tokens(c, n, src, sport);
}

/*
 * Why Herald could not answer this source, in the order section 4 lists
 * them, or "ok": a group Ethernet source, a source IPv4 in 0/8, 127/8 or
 * 224/4 and above, Herald's own address, or source port 0.
 */
static const char *
source_class(const struct check_cfg *c, const uint8_t *eth_src, uint32_t src,
	     uint16_t sport)
{
	uint8_t first = (uint8_t)(src >> 24);

	if (eth_src[0] & 0x01)
		return "source_mac_group";
	if (first == 0 || first == 127 || first >= 224)
		return "source_ip_not_unicast";
	if (src == c->herald_ip)
		return "source_ip_own";
	if (sport == 0)
		return "source_port_zero";
	return "ok";
}

static const char *
classify_ip4(const uint8_t *ip, size_t iplen, uint16_t port)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	uint16_t frag = hwp_get16(ip + 6);

	if (iplen < 20 || (ip[0] >> 4) != 4 || ihl < 20 || ihl > iplen)
		return "not_ipv4";
	if (sum16(ip, ihl, 0) != 0xffff)
		return "bad_ip_checksum";
	if (ihl > 20)
		return "ip_options";
	if ((frag & 0x3fff) != 0) /* MF or an offset */
		return "ip_fragment";
	if (ip[9] != 17)
		return "not_udp";
	if (iplen < ihl + 8 || hwp_get16(ip + ihl + 2) != port)
		return "other_port";
	return "hwp";
}

static void
check_ip4(const struct check_cfg *c, const uint8_t *eth_src, const uint8_t *ip,
	  size_t iplen)
{
	const char *cls = classify_ip4(ip, iplen, c->port);
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	uint16_t tot = iplen >= 20 ? hwp_get16(ip + 2) : 0;

	printf(", \"class\": \"%s\"", cls);
	if (iplen < 20)
		return;
	printf(", \"ihl\": %zu, \"ttl\": %u, \"df\": %s, \"ip_len_ok\": %s, "
	       "\"ip_csum_ok\": %s",
	       ihl / 4, ip[8], (hwp_get16(ip + 6) & 0x4000) ? "true" : "false",
	       tot == iplen ? "true" : "false",
	       sum16(ip, ihl, 0) == 0xffff ? "true" : "false");
	if (strcmp(cls, "hwp") == 0 || strcmp(cls, "other_port") == 0 ||
	    strcmp(cls, "ip_options") == 0) {
		const uint8_t *udp = ip + ihl;
		size_t ulen = hwp_get16(udp + 4);

		printf(", \"src\": \"%u.%u.%u.%u\", \"sport\": %u, \"dport\": "
		       "%u, \"udp_len_ok\": %s, \"udp_csum_ok\": %s, "
		       "\"udp_csum_zero\": %s",
		       ip[12], ip[13], ip[14], ip[15], hwp_get16(udp),
		       hwp_get16(udp + 2), ulen == tot - ihl ? "true" : "false",
		       ulen == tot - ihl && udp4_ok(ip, udp, ulen) ? "true"
								   : "false",
		       hwp_get16(udp + 6) == 0 ? "true" : "false");
		if (strcmp(cls, "hwp") != 0)
			return;
		printf(", \"source\": \"%s\"",
		       source_class(c, eth_src, hwp_get32(ip + 12),
				    hwp_get16(udp)));
		if (ulen == tot - ihl && ulen >= 8)
			check_hwp(c, ip, udp, ulen);
	}
}

static void
check_packet(const struct check_cfg *c, uint64_t idx,
	     const struct pcap_pkthdr *h, const uint8_t *p)
{
	uint16_t et;

	printf("{\"index\": %" PRIu64 ", \"ts_us\": %" PRIu64
	       ", \"caplen\": %u, \"len\": %u",
	       idx, (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec,
	       h->caplen, h->len);
	if (h->caplen < 14) {
		printf(", \"class\": \"runt\"}\n");
		return;
	}
	et = hwp_get16(p + 12);
	printf(", \"eth_dst\": \"%02x:%02x:%02x:%02x:%02x:%02x\", "
	       "\"eth_src\": \"%02x:%02x:%02x:%02x:%02x:%02x\", "
	       "\"ethertype\": %u",
	       p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9],
	       p[10], p[11], et);
	if (et == 0x0806)
		printf(", \"class\": \"arp\"");
	else if (et != 0x0800)
		printf(", \"class\": \"not_ipv4\"");
	else
		check_ip4(c, p + 6, p + 14, h->caplen - 14);
	printf("}\n");
}

static int
usage(void)
{
	fprintf(stderr, "usage: gen-check [--key HEX] [--port N] "
			"[--herald-ip A.B.C.D] FILE.pcap\n");
	return 2;
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct check_cfg c = {.port = HWP_DEFAULT_PORT};
	const char *herald = "198.18.0.1"; /* hwp-gen's default */
	const char *key = DEFAULT_KEY;
	struct in_addr a;
	const char *path = NULL;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t idx = 0;
	pcap_t *pc;
	int i, rc, klen;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			c.port = (uint16_t)strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--herald-ip") == 0 && i + 1 < argc)
			herald = argv[++i];
		else if (path == NULL && argv[i][0] != '-')
			path = argv[i];
		else
			return usage();
	}
	if (path == NULL || inet_pton(AF_INET, herald, &a) != 1)
		return usage();
	c.herald_ip = ntohl(a.s_addr);
	klen = hwp_key_from_hex(key, c.key, sizeof(c.key));
	if (klen < 0 || hwp_token_init() != 0) {
		fprintf(stderr, "gen-check: bad key or no libsodium\n");
		return 2;
	}
	c.key_len = (size_t)klen;
	pc = pcap_open_offline(path, errbuf);
	if (pc == NULL) {
		fprintf(stderr, "gen-check: %s\n", errbuf);
		return 1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		fprintf(stderr, "gen-check: not an Ethernet capture\n");
		pcap_close(pc);
		return 1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1)
		check_packet(&c, idx++, h, data);
	pcap_close(pc);
	return rc == PCAP_ERROR ? 1 : 0;
}
