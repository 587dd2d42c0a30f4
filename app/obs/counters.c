/* SPDX-License-Identifier: BSD-3-Clause
 * Names of the counters declared in counters.h.
 */
#include "obs/counters.h"

/* Counter lists are X(name, help): the name is the counter's key. */
#define X_NAME(name, help) #name,

const char *const herald_counter_names[CNT__COUNT] = {
	HERALD_WORKER_COUNTERS(X_NAME)};

const char *const herald_nonhwp_names[NONHWP__COUNT] = {
	HERALD_NONHWP_REASONS(X_NAME)};

const char *const herald_frame_names[FRAME__COUNT] = {
	HERALD_FRAME_OUTCOMES(X_NAME)};

const char *const herald_control_names[CTL__COUNT] = {
	HERALD_CONTROL_COUNTERS(X_NAME)};

#undef X_NAME

#define X_HELP(name, help) help,

const char *const herald_counter_help[CNT__COUNT] = {
	HERALD_WORKER_COUNTERS(X_HELP)};

const char *const herald_nonhwp_help[NONHWP__COUNT] = {
	HERALD_NONHWP_REASONS(X_HELP)};

const char *const herald_frame_help[FRAME__COUNT] = {
	HERALD_FRAME_OUTCOMES(X_HELP)};

const char *const herald_control_help[CTL__COUNT] = {
	HERALD_CONTROL_COUNTERS(X_HELP)};

#undef X_HELP

/* The codec's fault names, index = enum hwp_err ("ok" first). */
const char *const herald_invalid_names[HWP_ERR__COUNT] = {
#define X_STR(name, str, help) str,
	HWP_ERRORS(X_STR)
#undef X_STR
};

const char *const herald_invalid_help[HWP_ERR__COUNT] = {
#define X_HELP(name, str, help) help,
	HWP_ERRORS(X_HELP)
#undef X_HELP
};

static void
add_array(uint64_t *a, const uint64_t *b, unsigned int n, int sign)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		a[i] += sign > 0 ? b[i] : -b[i];
}

void
herald_counters_add(struct herald_counters *a, const struct herald_counters *b)
{
	add_array(a->c, b->c, CNT__COUNT, 1);
	add_array(a->nonhwp, b->nonhwp, NONHWP__COUNT, 1);
	add_array(a->invalid, b->invalid, HWP_ERR__COUNT, 1);
	add_array(a->frame, b->frame, FRAME__COUNT, 1);
	add_array(a->port_rx, b->port_rx, HERALD_MAX_PORTS, 1);
	add_array(a->port_tx, b->port_tx, HERALD_MAX_PORTS, 1);
	add_array(a->port_tx_dropped, b->port_tx_dropped, HERALD_MAX_PORTS, 1);
}

void
herald_counters_sub(struct herald_counters *a, const struct herald_counters *b)
{
	add_array(a->c, b->c, CNT__COUNT, -1);
	add_array(a->nonhwp, b->nonhwp, NONHWP__COUNT, -1);
	add_array(a->invalid, b->invalid, HWP_ERR__COUNT, -1);
	add_array(a->frame, b->frame, FRAME__COUNT, -1);
	add_array(a->port_rx, b->port_rx, HERALD_MAX_PORTS, -1);
	add_array(a->port_tx, b->port_tx, HERALD_MAX_PORTS, -1);
	add_array(a->port_tx_dropped, b->port_tx_dropped, HERALD_MAX_PORTS, -1);
}

static uint64_t
sum_array(const uint64_t *a, unsigned int n)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		s += a[i];
	return s;
}

uint64_t
herald_counters_nonhwp_total(const struct herald_counters *c)
{
	return sum_array(c->nonhwp, NONHWP__COUNT);
}

uint64_t
herald_counters_invalid_total(const struct herald_counters *c)
{
	/* HWP_ERR_OK is never counted as invalid. */
	return sum_array(c->invalid, HWP_ERR__COUNT);
}

uint64_t
herald_counters_frame_total(const struct herald_counters *c)
{
	return sum_array(c->frame, FRAME__COUNT);
}
