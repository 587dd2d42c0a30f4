/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: command line.
 *
 * One table drives getopt_long, --help and the per-mode check, so every
 * flag is documented by construction and a flag that the chosen mode
 * would ignore is refused instead of silently doing nothing.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hwp_token.h"
#include "options.h"

#define MP    (1u << GEN_MODE_PUBLISH)
#define MS    (1u << GEN_MODE_SUBSCRIBE)
#define MU    (1u << GEN_MODE_UNSUBSCRIBE)
#define MH    (1u << GEN_MODE_HEARTBEAT)
#define MN    (1u << GEN_MODE_NACK)
#define MM    (1u << GEN_MODE_MALFORMED)
#define MX    (1u << GEN_MODE_MIX)
#define MALL  (MP | MS | MU | MH | MN | MM | MX)
#define MSESS (MS | MU | MH | MN)

/* Documented default key: the 32 bytes 0x00, 0x01, ..., 0x1f. */
#define GEN_DEFAULT_KEY                                                        \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define GEN_DEFAULT_START_US 1700000000000000ULL
#define GEN_DEFAULT_EXPIRES  4102444800ULL /* 2100-01-01T00:00:00Z */
#define GEN_EXPIRED_EXPIRES  946684800ULL  /* 2000-01-01T00:00:00Z */
#define GEN_MAX_ENDPOINTS    1000000u
#define HELP_COL	     28 /* column of the option descriptions in --help */

enum opt_id {
	O_MODE = 'm',
	O_OUTPUT = 'o',
	O_HELP = 'h',
	O_QUIET = 'q',
	O_APPEND = 256,
	O_MANIFEST,
	O_SEED,
	O_START_TIME,
	O_INTERVAL,
	O_MTU,
	O_DST_MAC,
	O_DST_IP,
	O_DST_PORT,
	O_PUB_MAC,
	O_PUB_IP,
	O_PUB_PORT,
	O_SUB_MAC,
	O_SUB_IP,
	O_SUB_PORT,
	O_CHANNELS,
	O_CHANNEL_LIST,
	O_CHANNEL_PATTERN,
	O_PUBLISHERS,
	O_PUBLISHER_ID_BASE,
	O_MESSAGES,
	O_PAYLOAD_SIZE,
	O_PAYLOAD_MIN,
	O_PAYLOAD_MAX,
	O_BATCH,
	O_FIRST_PUB_SEQ,
	O_NO_START,
	O_DUP_EVERY,
	O_SKIP_EVERY,
	O_MALFORMED_RATIO,
	O_SUBSCRIBERS,
	O_SUBSCRIBER_ID_BASE,
	O_KEY,
	O_EXPIRES,
	O_EXPIRED,
	O_BAD_TOKEN,
	O_TOKEN_IP,
	O_TOKEN_PORT,
	O_FROM_SEQ,
	O_COUNT,
	O_ROUNDS,
	O_HB_CHANNELS,
	O_PASSIVE,
	O_REPEAT,
	O__LAST
};

struct opt_def {
	const char *section; /* heading printed before this option, or NULL */
	const char *name;
	int has_arg;
	int id;
	unsigned int modes;
	const char *arg;
	const char *help;
};

static const struct opt_def opt_table[] = {
	{"General", "mode", required_argument, O_MODE, MALL, "MODE",
	 "traffic to generate (required): publish, subscribe, unsubscribe,\n"
	 "heartbeat, nack, malformed or mix (also -m MODE)"},
	{NULL, "output", required_argument, O_OUTPUT, MALL, "FILE",
	 "pcap file to write (required; also -o FILE)"},
	{NULL, "append", no_argument, O_APPEND, MALL, NULL,
	 "append to FILE if it exists (Ethernet pcap, microsecond stamps);\n"
	 "new timestamps start no earlier than one interval after its last\n"
	 "packet; manifest indexes count the packets already there"},
	{NULL, "manifest", required_argument, O_MANIFEST, MALL, "FILE",
	 "write a JSON description of the generated traffic to FILE"},
	{NULL, "seed", required_argument, O_SEED, MALL, "N",
	 "PRNG seed (default 1); same flags and seed give identical bytes"},
	{NULL, "start-time", required_argument, O_START_TIME, MALL, "S[.US]",
	 "timestamp of the first packet, Unix seconds with up to 6\n"
	 "decimals (default 1700000000.000000)"},
	{NULL, "interval-us", required_argument, O_INTERVAL, MALL, "N",
	 "timestamp step between packets in microseconds (default 10)"},
	{NULL, "mtu", required_argument, O_MTU, MP | MX | MSESS, "N",
	 "largest IPv4 total length of a datagram; --batch stops adding\n"
	 "frames before exceeding it (default 1500, 576..65535)"},
	{NULL, "quiet", no_argument, O_QUIET, MALL, NULL,
	 "no summary line on stderr (also -q)"},
	{NULL, "help", no_argument, O_HELP, MALL, NULL,
	 "print this help and exit (also -h)"},

	{"Addresses", "dst-mac", required_argument, O_DST_MAC, MALL, "MAC",
	 "Herald's Ethernet address (default 02:70:63:61:70:00, net_pcap0)"},
	{NULL, "dst-ip", required_argument, O_DST_IP, MALL, "IP",
	 "Herald's IPv4 address (default 198.18.0.1)"},
	{NULL, "dst-port", required_argument, O_DST_PORT, MALL, "PORT",
	 "Herald's UDP port (default 7700)"},
	{NULL, "pub-ip", required_argument, O_PUB_IP, MP | MM | MX, "IP",
	 "address of publisher 0; publisher i uses IP + i (default\n"
	 "198.18.1.1)"},
	{NULL, "pub-mac", required_argument, O_PUB_MAC, MP | MM | MX, "MAC",
	 "MAC of publisher 0; publisher i uses MAC + i (default\n"
	 "02:00:00:01:00:01)"},
	{NULL, "pub-port", required_argument, O_PUB_PORT, MP | MM | MX, "PORT",
	 "UDP source port of every publisher (default 50000)"},
	{NULL, "sub-ip", required_argument, O_SUB_IP, MSESS | MM | MX, "IP",
	 "address of subscriber 0; subscriber i uses IP + i (default\n"
	 "198.18.2.1)"},
	{NULL, "sub-mac", required_argument, O_SUB_MAC, MSESS | MM | MX, "MAC",
	 "MAC of subscriber 0; subscriber i uses MAC + i (default\n"
	 "02:00:00:02:00:01)"},
	{NULL, "sub-port", required_argument, O_SUB_PORT, MSESS | MM | MX,
	 "PORT", "UDP source port of every subscriber (default 40000)"},

	{"Channels (publish, mix, subscribe, unsubscribe, heartbeat, nack)",
	 "channels", required_argument, O_CHANNELS, MP | MX | MSESS, "N",
	 "use channels 1..N (default 1)"},
	{NULL, "channel-list", required_argument, O_CHANNEL_LIST,
	 MP | MX | MSESS, "LIST",
	 "explicit channels, e.g. 1,2,5,10-20 (not with --channels)"},
	{NULL, "channel-pattern", required_argument, O_CHANNEL_PATTERN, MP | MX,
	 "rr|random",
	 "publish: channel of each message, round-robin over the list or\n"
	 "uniformly random (default rr)"},

	{"Publish and mix", "publishers", required_argument, O_PUBLISHERS,
	 MP | MM | MX, "N",
	 "number of publishers, taking turns one datagram each (default 1);\n"
	 "malformed and mix rotate their senders over them"},
	{NULL, "publisher-id-base", required_argument, O_PUBLISHER_ID_BASE,
	 MP | MX, "N",
	 "session id of publisher 0; publisher i uses N + i\n"
	 "(default 1)"},
	{NULL, "messages", required_argument, O_MESSAGES, MP | MX, "N",
	 "new PUBLISH frames in total, duplicates not counted (default 100)"},
	{NULL, "payload-size", required_argument, O_PAYLOAD_SIZE, MP | MX, "N",
	 "fixed payload length, 0..1400 (default 64)"},
	{NULL, "payload-min", required_argument, O_PAYLOAD_MIN, MP | MX, "N",
	 "with --payload-max: uniform random payload length in [MIN, MAX]"},
	{NULL, "payload-max", required_argument, O_PAYLOAD_MAX, MP | MX, "N",
	 "upper bound of the random payload length, at most 1400"},
	{NULL, "batch", required_argument, O_BATCH, MP | MX | MSESS, "K",
	 "frames per datagram, back to back from one sender (default 1;\n"
	 "fewer when --mtu would be exceeded)"},
	{NULL, "first-pub-seq", required_argument, O_FIRST_PUB_SEQ, MP | MX,
	 "N", "pub_seq of each publisher's first frame (default 1)"},
	{NULL, "no-start", no_argument, O_NO_START, MP | MX, NULL,
	 "do not set START on each publisher's first frame"},
	{NULL, "duplicate-every", required_argument, O_DUP_EVERY, MP | MX, "N",
	 "after every N-th message, resend that frame once (START cleared)\n"
	 "in the same datagram (default 0: never)"},
	{NULL, "skip-every", required_argument, O_SKIP_EVERY, MP | MX, "N",
	 "every N-th message skips one pub_seq, creating a gap (default 0:\n"
	 "never; a publisher's first frame never skips)"},
	{NULL, "malformed-ratio", required_argument, O_MALFORMED_RATIO, MX, "F",
	 "mix: expected fraction of packets that are malformed, in\n"
	 "[0, 1) (default 0.1); kinds as in malformed mode, random"},

	{"Subscribers (subscribe, unsubscribe, heartbeat, nack)", "subscribers",
	 required_argument, O_SUBSCRIBERS, MSESS | MM | MX, "N",
	 "number of subscribers, each on every channel (default 1);\n"
	 "malformed and mix rotate their senders over them"},
	{NULL, "subscriber-id-base", required_argument, O_SUBSCRIBER_ID_BASE,
	 MSESS, "N",
	 "session id of subscriber 0; subscriber i uses N + i\n"
	 "(default 1)"},
	{NULL, "key", required_argument, O_KEY, MS | MU | MM | MX, "HEX",
	 "token key, 16..64 bytes in hex (default the test key\n"
	 "000102...1f, the 32 bytes 0x00..0x1f)"},
	{NULL, "expires", required_argument, O_EXPIRES, MS | MU, "T",
	 "token expiry, Unix seconds (default 4102444800, year 2100)"},
	{NULL, "expired", no_argument, O_EXPIRED, MS | MU, NULL,
	 "tokens valid but expired (expires = 946684800, year 2000)"},
	{NULL, "bad-token", no_argument, O_BAD_TOKEN, MS | MU, NULL,
	 "flip one random bit of every token"},
	{NULL, "token-ip", required_argument, O_TOKEN_IP, MS | MU, "IP",
	 "tokens bound to this address instead of the sender's (a token\n"
	 "used from another endpoint: Herald answers BAD_TOKEN)"},
	{NULL, "token-port", required_argument, O_TOKEN_PORT, MS | MU, "PORT",
	 "tokens bound to this UDP port instead of the sender's"},
	{NULL, "from-seq", required_argument, O_FROM_SEQ, MS | MN, "N",
	 "subscribe: resume at seq N (default 0: next message);\n"
	 "nack: first missing seq, at least 1 (default 1)"},
	{NULL, "count", required_argument, O_COUNT, MN, "N",
	 "nack: seqs requested per NACK, 1..1024 (default 1)"},
	{NULL, "rounds", required_argument, O_ROUNDS, MSESS, "N",
	 "repeat the whole set of frames N times (default 1)"},
	{NULL, "hb-channels", no_argument, O_HB_CHANNELS, MH, NULL,
	 "heartbeat: one HEARTBEAT per channel instead of one channel-0\n"
	 "keep-alive per subscriber"},
	{NULL, "passive", no_argument, O_PASSIVE, MS, NULL,
	 "subscribe: set PASSIVE on every SUBSCRIBE (a channel's pulse\n"
	 "instead of its messages, PROTOCOL revision 2)"},

	{"Malformed", "repeat", required_argument, O_REPEAT, MM, "R",
	 "emit the whole set of malformed kinds R times (default 1)"},
};

#define OPT_COUNT (sizeof(opt_table) / sizeof(opt_table[0]))

static const char *const mode_names[GEN_MODE__COUNT] = {
	[GEN_MODE_PUBLISH] = "publish",
	[GEN_MODE_SUBSCRIBE] = "subscribe",
	[GEN_MODE_UNSUBSCRIBE] = "unsubscribe",
	[GEN_MODE_HEARTBEAT] = "heartbeat",
	[GEN_MODE_NACK] = "nack",
	[GEN_MODE_MALFORMED] = "malformed",
	[GEN_MODE_MIX] = "mix",
};

const char *
gen_mode_str(enum gen_mode mode)
{
	if ((unsigned int)mode >= GEN_MODE__COUNT)
		return "unknown";
	return mode_names[mode];
}

/* Word-wrap a help text into the column right of the option names. */
static void
print_help_text(FILE *f, const char *text)
{
	const int width = 79 - HELP_COL;
	int col = 0;

	while (*text != '\0') {
		size_t n;

		while (*text == ' ' || *text == '\n')
			text++;
		n = strcspn(text, " \n");
		if (n == 0)
			break;
		if (col > 0 && col + 1 + (int)n > width) {
			fprintf(f, "\n%*s", HELP_COL, "");
			col = 0;
		} else if (col > 0) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)n, text);
		col += (int)n;
		text += n;
	}
	fputc('\n', f);
}

static void help(void) __attribute__((noreturn));

static void
help(void)
{
	FILE *f = stdout;
	unsigned int i;

	fputs("Usage: hwp-gen --mode MODE -o OUT.pcap [options]\n"
	      "\n"
	      "Deterministic generator of HWP/1 traffic to Herald as an\n"
	      "Ethernet/IPv4/UDP pcap (DLT_EN10MB). Output depends only on\n"
	      "the flags: no clock, no process id. IPv4: IHL 5, TTL 64, DF,\n"
	      "valid header and UDP checksums (UDP checksum never 0).\n"
	      "\n"
	      "Modes:\n"
	      "  publish      PUBLISH frames from N publishers on M channels\n"
	      "  subscribe    SUBSCRIBE of every subscriber to every channel,\n"
	      "               with tokens bound to its address and port\n"
	      "  unsubscribe  the same with UNSUBSCRIBE frames\n"
	      "  heartbeat    subscriber HEARTBEATs\n"
	      "  nack         NACKs of every subscriber on every channel\n"
	      "  malformed    one packet per fault kind: each HWP validation\n"
	      "               failure of PROTOCOL section 4 and non-HWP\n"
	      "               packets (ARP, IPv6, ICMP, TCP, other port, IP\n"
	      "               options, fragments, bad IP checksum, sources\n"
	      "               Herald could not answer)\n"
	      "  mix          publish traffic with malformed packets mixed "
	      "in\n",
	      f);
	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &opt_table[i];
		char lhs[64];

		if (d->section != NULL)
			fprintf(f, "\n%s:\n", d->section);
		snprintf(lhs, sizeof(lhs), "--%s%s%s", d->name,
			 d->arg != NULL ? " " : "",
			 d->arg != NULL ? d->arg : "");
		if (strlen(lhs) > HELP_COL - 4)
			fprintf(f, "  %s\n%*s", lhs, HELP_COL, "");
		else
			fprintf(f, "  %-*s  ", HELP_COL - 4, lhs);
		print_help_text(f, d->help);
	}
	fputs("\n"
	      "Manifest (--manifest): a JSON object with mode, seed,\n"
	      "first_index (packets already in the file), packet_count,\n"
	      "datagrams and frames (valid HWP ones), first_time/last_time,\n"
	      "and per mode: publish/mix: messages, duplicates, skipped,\n"
	      "channels [{channel, messages, expected_accepted}], publishers\n"
	      "[{id, addr, port, first_pub_seq, last_pub_seq, messages,\n"
	      "expected_acked_seq}]; subscribe/unsubscribe: subscriptions\n"
	      "[{subscriber, channel, addr, port, from_seq, expires,\n"
	      "passive, expect}]; malformed/mix: packets [{index, kind,\n"
	      "reason, hwp}] (mix lists only the malformed ones) and totals\n"
	      "per reason; heartbeat/nack: subscribers [{subscriber, addr,\n"
	      "port, frames}]. expected_* apply Herald's session rules\n"
	      "(revision 2: START opens only an unknown session) to the\n"
	      "capture alone: no session is known at its start (with\n"
	      "--no-start: each is at first_pub_seq - 1, none at 0); expect\n"
	      "compares expires with the capture's start time.\n"
	      "\n"
	      "PUBLISH payload: channel(8) publisher(4) pub_seq(8) seed(8),\n"
	      "big-endian, then a splitmix64 stream from the state\n"
	      "fmix64(fmix64(fmix64(seed^channel)^publisher)^pub_seq), each\n"
	      "8-byte output big-endian; shorter payloads are a prefix.\n"
	      "\n"
	      "Exit status: 0 success, 1 I/O error, 2 bad command line.\n",
	      f);
	exit(GEN_EXIT_OK);
}

static void
set_defaults(struct gen_opts *o)
{
	static const uint8_t herald_mac[6] = {0x02, 0x70, 0x63,
					      0x61, 0x70, 0x00};
	static const uint8_t pub_mac[6] = {0x02, 0x00, 0x00, 0x01, 0x00, 0x01};
	static const uint8_t sub_mac[6] = {0x02, 0x00, 0x00, 0x02, 0x00, 0x01};

	memset(o, 0, sizeof(*o));
	o->mode = GEN_MODE__COUNT;
	o->seed = 1;
	o->start_us = GEN_DEFAULT_START_US;
	o->interval_us = 10;
	o->mtu = 1500;
	memcpy(o->herald.mac, herald_mac, 6);
	o->herald.ip = 0xc6120001; /* 198.18.0.1 */
	o->herald.port = HWP_DEFAULT_PORT;
	memcpy(o->pub_base.mac, pub_mac, 6);
	o->pub_base.ip = 0xc6120101; /* 198.18.1.1 */
	o->pub_base.port = 50000;
	memcpy(o->sub_base.mac, sub_mac, 6);
	o->sub_base.ip = 0xc6120201; /* 198.18.2.1 */
	o->sub_base.port = 40000;
	o->publishers = 1;
	o->publisher_id_base = 1;
	o->messages = 100;
	o->payload_min = 64;
	o->payload_max = 64;
	o->batch = 1;
	o->first_pub_seq = 1;
	o->malformed_ratio = 0.1;
	o->subscribers = 1;
	o->subscriber_id_base = 1;
	o->expires = GEN_DEFAULT_EXPIRES;
	o->count = 1;
	o->rounds = 1;
	o->repeat = 1;
}

static enum gen_mode
parse_mode(const char *s)
{
	unsigned int m;

	for (m = 0; m < GEN_MODE__COUNT; m++)
		if (strcmp(s, mode_names[m]) == 0)
			return (enum gen_mode)m;
	gen_usage_error("--mode: unknown mode '%s' (publish, subscribe, "
			"unsubscribe, heartbeat, nack, malformed, mix)",
			s);
}

static const struct opt_def *
find_def(int id)
{
	unsigned int i;

	for (i = 0; i < OPT_COUNT; i++)
		if (opt_table[i].id == id)
			return &opt_table[i];
	return NULL;
}

/* Apply one option's value to o. */
static void
apply(struct gen_opts *o, int id, const char *arg)
{
	const char *n = find_def(id)->name;
	int klen;

	switch (id) {
	case O_MODE: o->mode = parse_mode(arg); break;
	case O_OUTPUT: o->output = arg; break;
	case O_APPEND: o->append = true; break;
	case O_MANIFEST: o->manifest = arg; break;
	case O_QUIET: o->quiet = true; break;
	case O_SEED: o->seed = gen_parse_u64(n, arg, 0, UINT64_MAX); break;
	case O_START_TIME: o->start_us = gen_parse_time(n, arg); break;
	case O_INTERVAL:
		o->interval_us = gen_parse_u64(n, arg, 0, 3600000000ULL);
		break;
	case O_MTU: o->mtu = (uint32_t)gen_parse_u64(n, arg, 576, 65535); break;
	case O_DST_MAC: gen_parse_mac(n, arg, o->herald.mac); break;
	case O_DST_IP: o->herald.ip = gen_parse_ip(n, arg); break;
	case O_DST_PORT:
		o->herald.port = (uint16_t)gen_parse_u64(n, arg, 1, 65535);
		break;
	case O_PUB_MAC: gen_parse_mac(n, arg, o->pub_base.mac); break;
	case O_PUB_IP: o->pub_base.ip = gen_parse_ip(n, arg); break;
	case O_PUB_PORT:
		o->pub_base.port = (uint16_t)gen_parse_u64(n, arg, 1, 65535);
		break;
	case O_SUB_MAC: gen_parse_mac(n, arg, o->sub_base.mac); break;
	case O_SUB_IP: o->sub_base.ip = gen_parse_ip(n, arg); break;
	case O_SUB_PORT:
		o->sub_base.port = (uint16_t)gen_parse_u64(n, arg, 1, 65535);
		break;
	case O_CHANNELS: {
		uint64_t m = gen_parse_u64(n, arg, 1, GEN_MAX_CHANNELS);
		uint32_t cap = 0;
		uint64_t ch;

		for (ch = 1; ch <= m; ch++)
			gen_add_channel(o, ch, &cap);
		break;
	}
	case O_CHANNEL_LIST: gen_parse_channel_list(o, arg); break;
	case O_CHANNEL_PATTERN:
		if (strcmp(arg, "rr") == 0)
			o->chan_random = false;
		else if (strcmp(arg, "random") == 0)
			o->chan_random = true;
		else
			gen_usage_error("--%s: '%s' is neither rr nor random",
					n, arg);
		break;
	case O_PUBLISHERS:
		o->publishers =
			(uint32_t)gen_parse_u64(n, arg, 1, GEN_MAX_ENDPOINTS);
		break;
	case O_PUBLISHER_ID_BASE:
		o->publisher_id_base =
			(uint32_t)gen_parse_u64(n, arg, 1, UINT32_MAX);
		break;
	case O_MESSAGES:
		o->messages = gen_parse_u64(n, arg, 0, UINT64_MAX / 4);
		break;
	case O_PAYLOAD_SIZE:
		o->payload_min =
			(uint32_t)gen_parse_u64(n, arg, 0, HWP_MAX_PAYLOAD);
		o->payload_max = o->payload_min;
		break;
	case O_PAYLOAD_MIN:
		o->payload_min =
			(uint32_t)gen_parse_u64(n, arg, 0, HWP_MAX_PAYLOAD);
		break;
	case O_PAYLOAD_MAX:
		o->payload_max =
			(uint32_t)gen_parse_u64(n, arg, 0, HWP_MAX_PAYLOAD);
		break;
	case O_BATCH:
		o->batch = (uint32_t)gen_parse_u64(
			n, arg, 1, GEN_UDP_MAX / HWP_MIN_FRAME_LEN);
		break;
	case O_FIRST_PUB_SEQ:
		o->first_pub_seq = gen_parse_u64(n, arg, 1, UINT64_MAX / 2);
		break;
	case O_NO_START: o->no_start = true; break;
	case O_DUP_EVERY:
		o->dup_every = gen_parse_u64(n, arg, 0, UINT64_MAX);
		break;
	case O_SKIP_EVERY:
		o->skip_every = gen_parse_u64(n, arg, 0, UINT64_MAX);
		break;
	case O_MALFORMED_RATIO:
		o->malformed_ratio = gen_parse_ratio(n, arg);
		break;
	case O_SUBSCRIBERS:
		o->subscribers =
			(uint32_t)gen_parse_u64(n, arg, 1, GEN_MAX_ENDPOINTS);
		break;
	case O_SUBSCRIBER_ID_BASE:
		o->subscriber_id_base =
			(uint32_t)gen_parse_u64(n, arg, 1, UINT32_MAX);
		break;
	case O_KEY:
		klen = hwp_key_from_hex(arg, o->key, sizeof(o->key));
		if (klen < 0)
			gen_usage_error("--key: expected 16 to 64 bytes as hex "
					"(32 to 128 hex digits)");
		o->key_len = (size_t)klen;
		break;
	case O_EXPIRES:
		o->expires = gen_parse_u64(n, arg, 0, UINT64_MAX);
		break;
	case O_EXPIRED: o->expired = true; break;
	case O_BAD_TOKEN: o->bad_token = true; break;
	case O_TOKEN_IP: o->token_ip = gen_parse_ip(n, arg); break;
	case O_TOKEN_PORT:
		o->token_port = (uint16_t)gen_parse_u64(n, arg, 1, 65535);
		break;
	case O_FROM_SEQ:
		o->from_seq = gen_parse_u64(n, arg, 0, UINT64_MAX);
		break;
	case O_COUNT:
		o->count =
			(uint32_t)gen_parse_u64(n, arg, 1, HWP_NACK_MAX_COUNT);
		break;
	case O_ROUNDS:
		o->rounds = (uint32_t)gen_parse_u64(n, arg, 1, 1000000);
		break;
	case O_HB_CHANNELS: o->hb_channels = true; break;
	case O_PASSIVE: o->passive = true; break;
	case O_REPEAT:
		o->repeat = (uint32_t)gen_parse_u64(n, arg, 1, 1000000);
		break;
	default: gen_usage_error("internal: unhandled option %d", id);
	}
}

/* Section 4: 0/8, 127/8 and 224/4 and above are not unicast. */
static bool
ip_unicast(uint32_t ip)
{
	uint8_t first = (uint8_t)(ip >> 24);

	return first != 0 && first != 127 && first < 224;
}

/* Why Herald could not answer a datagram from ep (section 4), or NULL;
 * port 0 never gets here: the port options refuse it. */
static const char *
unanswerable(const struct gen_endpoint *ep, uint32_t herald_ip)
{
	if (ep->mac[0] & 0x01)
		return "a group MAC address";
	if (!ip_unicast(ep->ip))
		return "not a unicast IPv4 address";
	if (ep->ip == herald_ip)
		return "Herald's own address (--dst-ip)";
	return NULL;
}

/*
 * Revision 2: a datagram from a source Herald could not answer is not
 * HWP. Valid traffic must come from answerable sources, so every
 * endpoint of a range (base + i, i < n) is checked; the malformed kinds
 * source_* are the way to send the others.
 */
static void
check_senders(const struct gen_opts *o, const struct gen_endpoint *base,
	      uint32_t n, const char *who, const char *flags)
{
	struct gen_endpoint ep;
	char ip[16], mac[18];
	const char *why;
	uint32_t i;

	for (i = 0; i < n; i++) {
		gen_endpoint_nth(base, i, &ep);
		why = unanswerable(&ep, o->herald.ip);
		if (why != NULL)
			gen_usage_error(
				"%s: %s %u would send from %s (%s), %s: "
				"Herald cannot answer that source",
				flags, who, i, gen_ip_str(ep.ip, ip),
				gen_mac_str(ep.mac, mac), why);
	}
}

/* Cross-option rules, once every flag is known. */
static void
check(struct gen_opts *o, const bool *seen)
{
	unsigned int mbit = 1u << o->mode;
	unsigned int i;

	for (i = 0; i < OPT_COUNT; i++)
		if (seen[opt_table[i].id] && (opt_table[i].modes & mbit) == 0)
			gen_usage_error("--%s is not used by mode %s",
					opt_table[i].name,
					gen_mode_str(o->mode));
	if (seen[O_CHANNELS] && seen[O_CHANNEL_LIST])
		gen_usage_error("--channels and --channel-list are exclusive");
	if (seen[O_PAYLOAD_SIZE] &&
	    (seen[O_PAYLOAD_MIN] || seen[O_PAYLOAD_MAX]))
		gen_usage_error(
			"--payload-size excludes --payload-min/--payload-max");
	if (seen[O_PAYLOAD_MIN] != seen[O_PAYLOAD_MAX])
		gen_usage_error("--payload-min and --payload-max go together");
	if (o->payload_min > o->payload_max)
		gen_usage_error("--payload-min %u is above --payload-max %u",
				o->payload_min, o->payload_max);
	if (GEN_IP4_HLEN + GEN_UDP_HLEN + HWP_PUBLISH_LEN + o->payload_max >
	    o->mtu)
		gen_usage_error("--mtu %u cannot hold one frame with a %u-byte "
				"payload",
				o->mtu, o->payload_max);
	if (seen[O_EXPIRES] && seen[O_EXPIRED])
		gen_usage_error("--expires and --expired are exclusive");
	if (o->expired)
		o->expires = GEN_EXPIRED_EXPIRES;
	if ((uint64_t)o->publisher_id_base + o->publishers - 1 > UINT32_MAX)
		gen_usage_error("publisher ids overflow 32 bits");
	if ((uint64_t)o->subscriber_id_base + o->subscribers - 1 > UINT32_MAX)
		gen_usage_error("subscriber ids overflow 32 bits");
	if (!ip_unicast(o->herald.ip))
		gen_usage_error("--dst-ip: Herald's address must be unicast");
	if (mbit & (MP | MM | MX))
		check_senders(o, &o->pub_base, o->publishers, "publisher",
			      "--pub-ip/--pub-mac");
	if (mbit & (MSESS | MM | MX))
		check_senders(o, &o->sub_base, o->subscribers, "subscriber",
			      "--sub-ip/--sub-mac");
	if (o->mode == GEN_MODE_NACK) {
		if (!seen[O_FROM_SEQ])
			o->from_seq = 1;
		if (o->from_seq == 0)
			gen_usage_error(
				"--from-seq: a NACK needs from_seq >= 1");
	}
}

void
gen_opts_parse(struct gen_opts *o, int argc, char **argv)
{
	struct option longopts[OPT_COUNT + 1];
	bool seen[O__LAST] = {false};
	unsigned int i;
	int c;

	set_defaults(o);
	if (hwp_key_from_hex(GEN_DEFAULT_KEY, o->key, sizeof(o->key)) < 0)
		gen_usage_error("internal: bad default key");
	o->key_len = 32;
	for (i = 0; i < OPT_COUNT; i++) {
		longopts[i].name = opt_table[i].name;
		longopts[i].has_arg = opt_table[i].has_arg;
		longopts[i].flag = NULL;
		longopts[i].val = opt_table[i].id;
	}
	memset(&longopts[OPT_COUNT], 0, sizeof(longopts[0]));

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:m:hq", longopts, NULL)) != -1) {
		if (c == '?') {
			if (optopt != 0)
				gen_usage_error("unknown option '-%c'", optopt);
			gen_usage_error("unknown option '%s'",
					argv[optind - 1]);
		}
		if (c == ':')
			gen_usage_error("option '%s' needs a value",
					argv[optind - 1]);
		if (c == O_HELP)
			help();
		if (seen[c])
			gen_usage_error("--%s given twice", find_def(c)->name);
		seen[c] = true;
		apply(o, c, optarg);
	}
	if (optind < argc)
		gen_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->mode == GEN_MODE__COUNT)
		gen_usage_error("--mode is required");
	if (o->output == NULL)
		gen_usage_error("-o/--output is required");
	if (o->nchannels == 0) {
		uint32_t cap = 0;

		gen_add_channel(o, 1, &cap);
	}
	check(o, seen);
}

void
gen_opts_free(struct gen_opts *o)
{
	free(o->channels);
	o->channels = NULL;
}
