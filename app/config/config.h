/* SPDX-License-Identifier: BSD-3-Clause
 * Herald's INI configuration: every key is declared once in
 * config/config_keys.h; docs/CONFIG.md documents the syntax and, generated
 * from that table, every key.
 *
 * The loader uses no EAL function (the fuzz target and the tests run it
 * without EAL); the checks that need the EAL's view of lcores and ports
 * run after rte_eal_init and report through herald_config_error.
 */
#ifndef HERALD_CONFIG_H
#define HERALD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_lcore.h>

#include "herald_const.h"
#include "hwp_wire.h"

#define HERALD_STR_(x) #x
#define HERALD_STR(x)  HERALD_STR_(x)

/* One enumerator per key, in table order: HERALD_CFG_<section>_<key>. */
enum herald_cfg_key_id {
#define X(sec, key, kind, min, max, def, field, doc) HERALD_CFG_##sec##_##key,
#include "config/config_keys.h"
#undef X
	HERALD_CFG_NUM_KEYS
};

/* What a key's value may be. */
enum herald_cfg_kind {
	HERALD_CFG_U16,	     /* decimal, or hex with 0x; no leading 0 */
	HERALD_CFG_U32,	     /* same, 32 bits */
	HERALD_CFG_BOOL,     /* yes/no, true/false, 1/0 */
	HERALD_CFG_IPV4,     /* dotted quad */
	HERALD_CFG_MAC,	     /* aa:bb:cc:dd:ee:ff; sets has_<field> */
	HERALD_CFG_PATH,     /* absolute path shorter than the field */
	HERALD_CFG_HEXKEY,   /* min..max bytes of hex; sets <field>_len */
	HERALD_CFG_LCORES,   /* list of lcore ids: worker_lcores, n_workers */
	HERALD_CFG_SLOTS,    /* spread or FIRST-LAST:LCORE list: slot_owner */
	HERALD_CFG_PREFIXES, /* any or a.b.c.d/n list: allow, n_allow */
	HERALD_CFG_SOCKET,   /* absolute path that fits sun_path; none: "" */
};

struct herald_cfg_key {
	const char *section;
	const char *key;
	enum herald_cfg_kind kind;
	uint64_t min, max;
	const char *def; /* NULL: unset unless given */
	size_t off;	 /* of the field in struct herald_config */
	size_t size;	 /* of the field */
	size_t aux;	 /* of has_<field> (MAC), <field>_len (HEXKEY) */
	const char *doc;
};

/* The table of config_keys.h, indexed by enum herald_cfg_key_id. */
extern const struct herald_cfg_key herald_cfg_keys[HERALD_CFG_NUM_KEYS];

struct herald_prefix {
	uint32_t ip; /* host byte order */
	uint8_t depth;
};

struct herald_config {
	char path[1024]; /* as given to --config, for messages */

	/* [herald] */
	uint32_t address; /* host order */
	uint16_t udp_port;
	bool has_mac; /* source MAC override */
	struct rte_ether_addr mac;
	bool has_next_hop_mac;
	struct rte_ether_addr next_hop_mac;
	uint32_t epoch;	      /* 0: drawn at start */
	uint16_t egress_port; /* DELIVERs of CLI subscribers */
	uint32_t publisher_credit;
	uint32_t history_depth; /* per channel; 0: no history */
	uint8_t token_key[HWP_KEY_MAX_LEN];
	int token_key_len;	  /* 0: none configured */
	char token_key_file[256]; /* loaded into token_key */
	bool verify_udp_checksum;
	char xdp_pin_root[200]; /* pins go to <root>/<ifname> */
	uint16_t mtu; /* IPv4 MTU of every port: datagrams up to it are taken */

	/* [lcores] */
	unsigned int n_workers;
	unsigned int worker_lcores[HERALD_MAX_WORKERS];
	uint8_t slot_owner[HWP_NUM_SLOTS]; /* worker index per slot */

	/* [limits] */
	uint32_t max_channels; /* per worker: channel seq state */
	uint32_t max_subscribed_channels;
	uint32_t max_subscribers;	  /* per channel */
	uint32_t max_publisher_sessions;  /* per worker */
	uint32_t max_sessions_per_source; /* per worker and source address */
	uint32_t session_timeout_ms;	  /* silent publisher session: gone */
	uint32_t channel_timeout_ms;	  /* idle channel without subscriber */
	uint32_t handoff_ring_size;
	uint32_t max_subscriptions;	    /* in all */
	uint32_t max_endpoints;		    /* subscriber (address, port) */
	uint32_t max_passive_subscriptions; /* reliability layer */
	uint32_t endpoint_timeout_ms;	    /* silent endpoint: unsubscribed */

	/* [mempool] */
	uint32_t rx_mbufs;
	uint32_t header_mbufs;
	uint32_t indirect_mbufs;
	uint32_t flat_mbufs;	/* flat DELIVER copies (ports without chains) */
	uint32_t jumbo_mbufs;	/* datagrams received in several segments */
	uint32_t mempool_cache; /* use herald_config_pool_cache() instead */
	uint16_t rx_desc;
	uint16_t tx_desc;

	/* [reliability] (docs/RELIABILITY.md) */
	uint32_t history_messages; /* all workers */
	uint32_t history_bytes;
	uint32_t retransmit_per_s;
	uint32_t retransmit_burst;
	uint32_t retransmit_linger_us;
	uint32_t retransmit_actions; /* per worker */
	uint32_t retransmit_give_up; /* over-budget NACKs in a row */

	/* [control] */
	uint32_t item_ring_size;    /* per worker, frames to the control */
	uint32_t request_ring_size; /* per worker, SUBACKs to send */
	uint32_t fail_replies_per_s;
	uint32_t fail_reply_burst;
	uint32_t rate_sources;

	/* [publishers] */
	/* Any source may publish: "any", or a /0 in the list. n_allow is 0
	 * then (an rte_lpm cannot hold depth 0), and only then. */
	bool allow_any;
	unsigned int n_allow;
	struct herald_prefix allow[HERALD_MAX_PREFIXES]; /* depths 1..32 */

	/* [control] */
	char ctl_socket[108]; /* sun_path; "": no control socket */

	/* [metrics] */
	uint16_t metrics_port; /* 0: no HTTP server */
	uint32_t metrics_address;

	/* Line of each key in the file, by enum herald_cfg_key_id; 0: not
	 * given (the default applies). */
	uint32_t key_line[HERALD_CFG_NUM_KEYS];
};

/*
 * Load and validate FILE. On error prints one line naming the file, line,
 * section and key to stderr and returns -1 (herald exits with code 2).
 */
int herald_config_load(const char *path, struct herald_config *cfg);

/*
 * Load from memory: text (len bytes, need not end in a NUL) as if read
 * from a file called name. On error returns -1 with the message (the
 * line herald_config_load prints, without newline) in err.
 */
int herald_config_parse(const char *name, const char *text, size_t len,
			struct herald_config *cfg, char *err, size_t err_len);

/* Defaults only: what an empty file gives. */
void herald_config_defaults(struct herald_config *cfg);

/* Line of [section] key in the file; 0 if not given or not a key. */
unsigned int herald_config_key_line(const struct herald_config *cfg,
				    const char *section, const char *key);

/*
 * Print "herald: config FILE:LINE: [section] key: <fmt...>" to stderr for
 * a value that is wrong in a way only known after loading (the EAL's
 * lcores, the ports); a key not in the file is shown with its default.
 * Returns -1.
 */
int herald_config_error(const struct herald_config *cfg, const char *section,
			const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Cache size for a pool of n mbufs: [mempool] cache if the file sets it
 * (the loader checked that every pool can take it), else the smaller of
 * its default and n / 1.5, the most rte_mempool accepts.
 */
uint32_t herald_config_pool_cache(const struct herald_config *cfg, uint32_t n);

/*
 * Checks that need the number of ethdev ports, after rte_eal_init and
 * before any setup: egress_port exists, rx_mbufs fills every RX ring
 * (docs/CONFIG.md gives the formula). 0 ports is not a config error
 * (nothing is checked; herald_ports_init reports it). Returns 0, or -1
 * after printing the error.
 */
int herald_config_check_ports(const struct herald_config *cfg,
			      unsigned int n_ports);

/*
 * The value of key k in cfg as "show config" prints it, into buf: a
 * token_key is never shown (its length only). Returns false when the key
 * is not set (a MAC without default), buf then says so.
 */
bool herald_config_value(const struct herald_config *cfg, unsigned int k,
			 char *buf, size_t len);

/* The markdown table of one section's keys, as in docs/CONFIG.md.
 * Returns 0, or -1 if the section has no key. */
int herald_config_doc_table(FILE *out, const char *section);

#endif /* HERALD_CONFIG_H */
