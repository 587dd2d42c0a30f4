/* SPDX-License-Identifier: BSD-3-Clause
 * Telemetry: the same counters as "show stats" and the exit JSON, for
 * monitoring agents. Callbacks run on the telemetry thread and only read
 * what workers publish (64-bit counters), never RCU-protected tables.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include <rte_telemetry.h>

#include "herald.h"
#include "obs/stats.h"
#include "obs/telemetry.h"

/*
 * rte_telemetry has no unregister: a client may poll while herald tears
 * down. Handlers run under the read side of this lock and answer nothing
 * once herald_telemetry_stop() (write side) has run, which teardown does
 * before it frees the workers whose counters the handlers read.
 */
static pthread_rwlock_t tel_lock = PTHREAD_RWLOCK_INITIALIZER;
static bool tel_live;

static bool
tel_enter(struct rte_tel_data *d)
{
	pthread_rwlock_rdlock(&tel_lock);
	if (tel_live)
		return true;
	pthread_rwlock_unlock(&tel_lock);
	rte_tel_data_string(d, "herald is stopping");
	return false;
}

static void
tel_leave(void)
{
	pthread_rwlock_unlock(&tel_lock);
}

/* Telemetry names allow letters, digits and '_' only: group_name. */
static void
add_group(struct rte_tel_data *d, const char *group, const char *const *names,
	  const uint64_t *v, unsigned int first, unsigned int n)
{
	char key[RTE_TEL_MAX_STRING_LEN];
	unsigned int i;

	for (i = first; i < n; i++) {
		if (group != NULL)
			snprintf(key, sizeof(key), "%s_%s", group, names[i]);
		else
			snprintf(key, sizeof(key), "%s", names[i]);
		rte_tel_data_add_dict_u64(d, key, v[i]);
	}
}

static int
handle_stats(const char *cmd __rte_unused, const char *params __rte_unused,
	     struct rte_tel_data *d)
{
	struct herald_counters t;

	if (!tel_enter(d))
		return 0;
	herald_stats_totals(&t);
	tel_leave();
	rte_tel_data_start_dict(d);
	add_group(d, NULL, herald_counter_names, t.c, 0, CNT__COUNT);
	add_group(d, "frames", herald_frame_names, t.frame, 0, FRAME__COUNT);
	add_group(d, "nonhwp", herald_nonhwp_names, t.nonhwp, 0, NONHWP__COUNT);
	/* Index 0 is "ok", not a drop reason. */
	add_group(d, "invalid", herald_invalid_names, t.invalid, 1,
		  HWP_ERR__COUNT);
	add_group(d, "control", herald_control_names, herald.ctl_cnt.c, 0,
		  CTL__COUNT);
	return 0;
}

static int
handle_info(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	if (!tel_enter(d))
		return 0;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", HERALD_VERSION);
	rte_tel_data_add_dict_u64(d, "epoch", herald.epoch);
	rte_tel_data_add_dict_u64(d, "address", herald.cfg.address);
	rte_tel_data_add_dict_u64(d, "udp_port", herald.cfg.udp_port);
	rte_tel_data_add_dict_u64(d, "workers", herald.n_workers);
	rte_tel_data_add_dict_u64(d, "ports", herald.n_ports);
	tel_leave();
	return 0;
}

static int
handle_lcores(const char *cmd __rte_unused, const char *params __rte_unused,
	      struct rte_tel_data *d)
{
	const struct herald_lcore *lc;
	unsigned int i;

	if (!tel_enter(d))
		return 0;
	rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
	for (i = 0; (lc = herald_lcore_get(i)) != NULL; i++)
		rte_tel_data_add_array_u64(d, lc->lcore_id);
	tel_leave();
	return 0;
}

void
herald_telemetry_stop(void)
{
	pthread_rwlock_wrlock(&tel_lock);
	tel_live = false;
	pthread_rwlock_unlock(&tel_lock);
}

void
herald_telemetry_init(void)
{
	tel_live = true;
	rte_telemetry_register_cmd(
		"/herald/stats", handle_stats,
		"Every Herald counter, absolute since start. No parameters");
	rte_telemetry_register_cmd(
		"/herald/info", handle_info,
		"Version, epoch, address, port, workers, ports. No parameters");
	rte_telemetry_register_cmd("/herald/lcores", handle_lcores,
				   "Worker lcore ids. No parameters");
}
