/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: deterministic pcap generator of HWP/1 traffic.
 *
 * Shared declarations of the generator's modules: options, PRNG,
 * packet building, pcap output, JSON manifest and the traffic modes.
 * Nothing here reads the wall clock or the process id: the output is a
 * pure function of the command line (and, with --append, of the file
 * being appended to).
 */
#ifndef HWP_GEN_H
#define HWP_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

#include "hwp.h"

/* Exit codes: usage errors are distinct so scripts can tell them apart. */
#define GEN_EXIT_OK    0
#define GEN_EXIT_FAIL  1
#define GEN_EXIT_USAGE 2

/* Largest Ethernet frame we ever build (IPv4 total length <= 65535). */
#define GEN_PKT_MAX (14 + 65535)
/* Largest UDP payload over IPv4 without options. */
#define GEN_UDP_MAX (65535 - 20 - 8)

#define GEN_ETH_HLEN 14
#define GEN_IP4_HLEN 20
#define GEN_UDP_HLEN 8

enum gen_mode {
	GEN_MODE_PUBLISH,
	GEN_MODE_SUBSCRIBE,
	GEN_MODE_UNSUBSCRIBE,
	GEN_MODE_HEARTBEAT,
	GEN_MODE_NACK,
	GEN_MODE_MALFORMED,
	GEN_MODE_MIX,
	GEN_MODE__COUNT
};

const char *gen_mode_str(enum gen_mode mode);

/* One sender or receiver: Ethernet address, IPv4 address and UDP port. */
struct gen_endpoint {
	uint8_t mac[6];
	uint32_t ip; /* host byte order */
	uint16_t port;
};

struct gen_opts {
	enum gen_mode mode;
	const char *output;
	const char *manifest;
	bool append;
	bool quiet;
	uint64_t seed;
	uint64_t start_us; /* first timestamp, microseconds since the epoch */
	uint64_t interval_us;
	uint32_t mtu; /* largest IPv4 total length of a generated datagram */

	struct gen_endpoint herald;   /* destination of everything */
	struct gen_endpoint pub_base; /* publisher i: base + i */
	struct gen_endpoint sub_base; /* subscriber i: base + i */

	/* Channels: explicit list, or 1..N. */
	uint64_t *channels;
	uint32_t nchannels;
	bool chan_random;

	/* publish / mix */
	uint32_t publishers;
	uint32_t publisher_id_base;
	uint64_t messages;
	uint32_t payload_min;
	uint32_t payload_max;
	uint32_t batch;
	uint64_t first_pub_seq;
	bool no_start;
	uint64_t dup_every;
	uint64_t skip_every;
	double malformed_ratio;

	/* subscribe / unsubscribe / heartbeat / nack */
	uint32_t subscribers;
	uint32_t subscriber_id_base;
	uint8_t key[HWP_KEY_MAX_LEN];
	size_t key_len;
	uint64_t expires;
	bool expired;
	bool bad_token;
	uint32_t token_ip;   /* 0: the sender's */
	uint16_t token_port; /* 0: the sender's */
	uint64_t from_seq;
	uint32_t count;
	uint32_t rounds;
	bool hb_channels;
	bool passive; /* subscribe: PASSIVE flag on every SUBSCRIBE */

	/* malformed */
	uint32_t repeat;
};

/* Parse argv into o; exits itself on --help (0) and on errors (2). */
void gen_opts_parse(struct gen_opts *o, int argc, char **argv);
void gen_opts_free(struct gen_opts *o);

/* xoshiro256** seeded by splitmix64: small, fast, fully specified. */
struct gen_rng {
	uint64_t s[4];
};

void gen_rng_seed(struct gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(struct gen_rng *r);
/* Uniform in [0, n) without modulo bias; n > 0. */
uint64_t gen_rng_below(struct gen_rng *r, uint64_t n);
/* Uniform in [lo, hi]. */
uint64_t gen_rng_range(struct gen_rng *r, uint64_t lo, uint64_t hi);
/* True with probability p (0 <= p < 1). */
bool gen_rng_chance(struct gen_rng *r, double p);

/*
 * PUBLISH payload, recomputable by any checker from the frame alone:
 *   [0, 8)   channel    big-endian
 *   [8, 12)  publisher  big-endian
 *   [12, 20) pub_seq    big-endian
 *   [20, 28) seed       big-endian
 *   [28, n)  splitmix64 stream, each output stored big-endian, from the
 *            state fmix64(fmix64(fmix64(seed ^ channel) ^ publisher)
 *            ^ pub_seq)
 * A shorter payload is the prefix of this layout.
 */
#define GEN_PAYLOAD_HDR_LEN 28
void gen_payload_fill(uint8_t *buf, size_t len, uint64_t seed, uint64_t channel,
		      uint32_t publisher, uint64_t pub_seq);

/* Endpoint number i of a base: IPv4 + i, MAC + i, same port. */
void gen_endpoint_nth(const struct gen_endpoint *base, uint32_t i,
		      struct gen_endpoint *out);
/* "198.18.0.1" into buf (at least 16 bytes). */
const char *gen_ip_str(uint32_t ip, char *buf);
/* "02:00:00:01:00:01" into buf (at least 18 bytes). */
const char *gen_mac_str(const uint8_t mac[6], char *buf);

/* Packet building (pkt.c). All lengths in bytes; return the frame length. */
uint16_t gen_csum_fold(uint32_t sum);
uint32_t gen_csum_add(uint32_t sum, const uint8_t *p, size_t len);
size_t gen_put_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
		   uint16_t ethertype);

struct gen_ip4 {
	uint32_t src;
	uint32_t dst;
	uint8_t proto;
	uint16_t id;
	uint16_t frag;	    /* flags and fragment offset field, host order */
	const uint8_t *opt; /* IPv4 options (multiple of 4 bytes) or NULL */
	size_t opt_len;
};

/* IPv4 header with a valid checksum; returns its length. */
size_t gen_put_ip4(uint8_t *buf, const struct gen_ip4 *ip, size_t l4_len);
/* Recompute the header checksum of the IPv4 header at ip. */
void gen_ip4_recsum(uint8_t *ip);
/* UDP checksum over an IPv4 pseudo-header; 0 becomes 0xffff. */
uint16_t gen_udp4_csum(uint32_t src, uint32_t dst, const uint8_t *udp,
		       size_t udp_len);

/*
 * Whole Ethernet/IPv4/UDP frame from src to dst carrying payload, IHL 5,
 * TTL 64, DF, valid checksums. Returns the frame length.
 */
size_t gen_build_udp4(uint8_t *buf, const struct gen_endpoint *src,
		      const struct gen_endpoint *dst, uint16_t ip_id,
		      const uint8_t *payload, size_t len);

/* pcap output (pcapout.c). */
struct gen_out {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	uint64_t ts_us; /* timestamp of the next packet */
	uint64_t interval_us;
	uint64_t first_index; /* packets already in the file (append) */
	uint64_t written;
	uint64_t first_ts_us;
	uint64_t last_ts_us;
};

int gen_out_open(struct gen_out *out, const struct gen_opts *o);
int gen_out_write(struct gen_out *out, const uint8_t *frame, size_t len);
int gen_out_close(struct gen_out *out);

/* Tiny streaming JSON writer (manifest.c); a NULL file makes no-ops. */
#define GEN_JSON_MAX_DEPTH 8
struct gen_json {
	FILE *f;
	int depth;
	bool first[GEN_JSON_MAX_DEPTH];
	bool inline_[GEN_JSON_MAX_DEPTH];
};

int gen_json_open(struct gen_json *j, const char *path);
int gen_json_close(struct gen_json *j);
void gen_json_obj(struct gen_json *j, const char *key, bool one_line);
void gen_json_arr(struct gen_json *j, const char *key, bool one_line);
void gen_json_end(struct gen_json *j, bool is_arr);
void gen_json_u64(struct gen_json *j, const char *key, uint64_t v);
void gen_json_str(struct gen_json *j, const char *key, const char *s);
void gen_json_bool(struct gen_json *j, const char *key, bool v);
void gen_json_raw(struct gen_json *j, const char *key, const char *v);

/* State shared by every mode while generating. */
struct gen_ctx {
	const struct gen_opts *o;
	struct gen_rng rng;
	struct gen_out out;
	struct gen_json man;
	uint64_t datagrams; /* valid HWP datagrams written */
	uint64_t frames;    /* valid HWP frames written */
	uint16_t ip_id;
	uint8_t pkt[GEN_PKT_MAX];
	uint8_t dgram[GEN_UDP_MAX + 8];
};

/* Write one Ethernet frame with the next timestamp. */
int gen_emit(struct gen_ctx *g, const uint8_t *frame, size_t len);
/* Wrap a UDP payload from src to Herald and write it. */
int gen_emit_to_herald(struct gen_ctx *g, const struct gen_endpoint *src,
		       const uint8_t *payload, size_t len);
/* Manifest fields common to every mode (call once at the start). */
void gen_manifest_head(struct gen_ctx *g);
/* Manifest fields written at the end by every mode. */
void gen_manifest_tail(struct gen_ctx *g);

/* Modes. Each returns 0 or -1 (error already printed). */
int gen_mode_publish(struct gen_ctx *g);
int gen_mode_session(struct gen_ctx *g);
int gen_mode_malformed(struct gen_ctx *g);

/* Malformed kinds (mode_malformed.c), also used by mix. */
struct gen_fault_stats {
	uint64_t per_reason[64];
	uint64_t total;
};

unsigned int gen_fault_count(void);
/* Emit fault k (0 <= k < gen_fault_count()) as one packet, logged in the
 * manifest's open "packets" array. round picks the sending endpoint. */
int gen_fault_emit(struct gen_ctx *g, unsigned int k, uint32_t round,
		   struct gen_fault_stats *st);
/* Write "totals" for the reasons seen (plus "ok": ok_count if nonzero). */
void gen_fault_totals(struct gen_ctx *g, const struct gen_fault_stats *st,
		      uint64_t ok_count);

void gen_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* HWP_GEN_H */
