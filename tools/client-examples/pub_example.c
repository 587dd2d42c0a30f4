/* Publish 1000 messages on channel 42; wait until Herald acknowledged all. */
#include <herald/client.h>
#include <poll.h>

int
main(void)
{
	struct herald_pub_config cfg = {.server = "198.18.0.1"};
	struct herald_pub *p = herald_pub_new(&cfg, NULL, NULL);
	int sent = 0;

	if (p == NULL)
		return 1;
	while (sent < 1000 || herald_pub_pending(p) > 0) {
		struct pollfd pfd = {.fd = herald_pub_fd(p), .events = POLLIN};
		uint64_t now = herald_now(), wait;

		/* Queued and batched; refused (-EAGAIN) while the window is full. */
		while (sent < 1000 && herald_pub_send(p, 42, "hello", 5) > 0)
			sent++;
		herald_pub_process(p, now);
		wait = herald_pub_next_timeout(p, now);
		poll(&pfd, 1, wait > 100000000 ? 100 : (int)(wait / 1000000));
	}
	herald_pub_free(p);
	return 0;
}
