/* Print every message of channel 42, in order and exactly once. */
#include <herald/client.h>
#include <herald/token.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>

static void
on_event(void *arg, const struct herald_sub_event *ev)
{
	(void)arg;
	if (ev->type == HERALD_SUB_MESSAGE)
		printf("%llu: %.*s\n", (unsigned long long)ev->seq,
		       (int)ev->len, (const char *)ev->payload);
	else if (ev->type == HERALD_SUB_GAP || ev->type == HERALD_SUB_RESET)
		printf("messages lost (event %d)\n", ev->type);
}

int
main(void)
{
	/* In production the token comes from the operator's auth service. */
	static const uint8_t key[16] = "0123456789abcdef";
	struct herald_sub_config cfg = {.server = "198.18.0.1"};
	struct herald_sub *s = herald_sub_new(&cfg, on_event, NULL);
	struct herald_sub_request req = {.channel = 42};
	uint32_t addr;
	uint16_t port;

	if (s == NULL || herald_sub_local(s, &addr, &port) < 0)
		return 1;
	req.expires = (uint64_t)time(NULL) + 3600;
	herald_token_mint(key, sizeof(key), req.channel, herald_sub_id(s),
			  req.expires, addr, port, req.token);
	herald_sub_subscribe(s, &req);
	for (;;) {
		struct pollfd pfd = {.fd = herald_sub_fd(s), .events = POLLIN};
		uint64_t now = herald_now(), wait;

		herald_sub_process(s, now);
		wait = herald_sub_next_timeout(s, now);
		poll(&pfd, 1, wait > 100000000 ? 100 : (int)(wait / 1000000));
	}
}
