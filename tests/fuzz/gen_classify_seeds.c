/* SPDX-License-Identifier: BSD-3-Clause
 * Seeds for fuzz_classify: valid PUBLISH datagrams to Herald (IPv4 and
 * UDP checksums right) of several payload sizes, under each RX flag
 * selector, so the fuzzer starts from accepted frames.
 * Usage: gen_classify_seeds DIR
 */
#include <stdio.h>
#include <string.h>

#include "dataplane/udp_out.h"
#include "hwp.h"

int
main(int argc, char **argv)
{
	static const uint16_t sizes[] = {0, 1, 31, 64, 200, 1400};
	struct rte_ether_addr a = {{2, 0, 0, 0, 0, 1}}, b = {{2, 0, 0, 0, 0, 2}};
	struct hwp_publish pub = {.channel = 1, .publisher = 7, .pub_seq = 1};
	uint8_t payload[HWP_MAX_PAYLOAD], pkt[2048];
	struct herald_udp_tmpl t;
	unsigned int i, sel;
	char path[512];
	int n;

	if (argc != 2)
		return 2;
	memset(payload, 0x5a, sizeof(payload));
	herald_udp_tmpl_build(&t, &a, &b, 0xc6120102, 40000, 0xc6120001, 7700);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memcpy(pkt + 1, t.hdr, HERALD_L2L4_LEN);
		n = hwp_encode_publish(pkt + 1 + HERALD_L2L4_LEN,
				       sizeof(pkt) - 1 - HERALD_L2L4_LEN,
				       HWP_F_START, &pub, payload, sizes[i]);
		herald_udp_finish(pkt + 1, t.csum_ip, t.csum_udp, (uint16_t)n,
				  inet_csum_fold64(inet_csum_partial(
					  pkt + 1 + HERALD_L2L4_LEN,
					  (size_t)n)));
		for (sel = 0; sel < 32; sel += 5) {
			FILE *f;

			pkt[0] = (uint8_t)sel;
			snprintf(path, sizeof(path), "%s/publish_%u_%u", argv[1],
				 sizes[i], sel);
			f = fopen(path, "wb");
			if (f == NULL)
				return 1;
			fwrite(pkt, 1, (size_t)(1 + HERALD_L2L4_LEN + n), f);
			fclose(f);
		}
	}
	return 0;
}
