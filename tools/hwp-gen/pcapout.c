/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: pcap output (DLT_EN10MB, microsecond timestamps), new file or
 * appended to an existing capture.
 *
 * Timestamps come only from --start-time and --interval-us, never from
 * the clock. When appending, the first new packet is stamped no earlier
 * than one interval after the file's last packet, so several
 * invocations compose one capture whose time never goes backwards.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "gen.h"

#define GEN_SNAPLEN 262144

/* Count the packets of an existing capture and find its last timestamp. */
static int
scan_existing(const char *path, struct gen_out *out, int *snaplen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_t *p;
	int rc;

	p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p == NULL) {
		gen_err("--append: cannot read %s: %s", path, errbuf);
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		gen_err("--append: %s is not an Ethernet (DLT_EN10MB) capture",
			path);
		pcap_close(p);
		return -1;
	}
	*snaplen = pcap_snapshot(p);
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		out->first_index++;
		out->last_ts_us = (uint64_t)hdr->ts.tv_sec * 1000000u +
				  (uint64_t)hdr->ts.tv_usec;
	}
	if (rc == PCAP_ERROR) {
		gen_err("--append: error reading %s: %s", path, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	pcap_close(p);
	return 0;
}

int
gen_out_open(struct gen_out *out, const struct gen_opts *o)
{
	int snaplen = GEN_SNAPLEN;
	bool append = false;
	struct stat st;

	memset(out, 0, sizeof(*out));
	out->interval_us = o->interval_us;
	out->ts_us = o->start_us;
	if (o->append && stat(o->output, &st) == 0 && st.st_size > 0) {
		if (scan_existing(o->output, out, &snaplen) != 0)
			return -1;
		append = true;
		if (out->first_index > 0 &&
		    out->ts_us < out->last_ts_us + o->interval_us)
			out->ts_us = out->last_ts_us + o->interval_us;
	}
	out->dead = pcap_open_dead_with_tstamp_precision(
		DLT_EN10MB, snaplen, PCAP_TSTAMP_PRECISION_MICRO);
	if (out->dead == NULL) {
		gen_err("pcap_open_dead failed");
		return -1;
	}
	if (append)
		out->dumper = pcap_dump_open_append(out->dead, o->output);
	else
		out->dumper = pcap_dump_open(out->dead, o->output);
	if (out->dumper == NULL) {
		gen_err("cannot write %s: %s", o->output,
			pcap_geterr(out->dead));
		pcap_close(out->dead);
		out->dead = NULL;
		return -1;
	}
	return 0;
}

int
gen_out_write(struct gen_out *out, const uint8_t *frame, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(out->ts_us / 1000000u);
	h.ts.tv_usec = (suseconds_t)(out->ts_us % 1000000u);
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)out->dumper, &h, frame);
	if (out->written == 0)
		out->first_ts_us = out->ts_us;
	out->last_ts_us = out->ts_us;
	out->ts_us += out->interval_us;
	out->written++;
	return 0;
}

int
gen_out_close(struct gen_out *out)
{
	int rc = 0;

	if (out->dumper != NULL) {
		if (pcap_dump_flush(out->dumper) != 0 ||
		    ferror(pcap_dump_file(out->dumper))) {
			gen_err("write error on the output: %s",
				strerror(errno));
			rc = -1;
		}
		pcap_dump_close(out->dumper);
		out->dumper = NULL;
	}
	if (out->dead != NULL) {
		pcap_close(out->dead);
		out->dead = NULL;
	}
	return rc;
}
