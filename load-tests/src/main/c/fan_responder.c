// The fanotify benchmark's baseline: a minimal C permission-event responder. It marks the mounts it is given (the
// container's, as /proc/<pid>/root/...: the same ones the Java enforcer marks) for open and exec permission events,
// allows every one, and stops when its standard input closes. Prints "ready" once the marks are in place. With --path
// first, it also reads each event's file path (readlinkat under a held /proc/self/fd, as the Java enforcer does): the
// least a responder that enforces path rules does, without deciding anything.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int first = 1, read_path = 0;
	if (argc > 1 && strcmp(argv[1], "--path") == 0) {
		read_path = 1;
		first = 2;
	}
	if (argc <= first) {
		fprintf(stderr, "usage: fan_responder [--path] MOUNT-PATH...\n");
		return 2;
	}
	int self_fds = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (self_fds < 0) {
		perror("/proc/self/fd");
		return 1;
	}
	int fan = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE);
	if (fan < 0) {
		perror("fanotify_init");
		return 1;
	}
	for (int i = first; i < argc; i++) {
		if (fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM, AT_FDCWD, argv[i]) < 0) {
			perror(argv[i]);
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	char buf[8192] __attribute__((aligned(8)));
	char name[16], path[4096];
	unsigned long paths = 0;
	struct pollfd fds[2] = {{.fd = fan, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
	for (;;) {
		if (poll(fds, 2, -1) < 0)
			continue;
		if (fds[1].revents)
			break;   /* stdin closed: the harness is done with us */
		ssize_t n = read(fan, buf, sizeof(buf));
		if (n <= 0)
			continue;
		for (struct fanotify_event_metadata *m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (read_path && m->fd >= 0) {
				snprintf(name, sizeof(name), "%d", m->fd);
				if (readlinkat(self_fds, name, path, sizeof(path)) > 0)
					paths++;
			}
			if (m->mask & (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM)) {
				struct fanotify_response r = {.fd = m->fd, .response = FAN_ALLOW};
				if (write(fan, &r, sizeof(r)) < 0)
					perror("response");
			}
			if (m->fd >= 0)
				close(m->fd);
		}
	}
	if (read_path && paths == 0)
		fprintf(stderr, "fan_responder: no path read\n");
	return 0;
}
