// The fanotify benchmark's workload for opens: opens and closes PATH N times; prints the elapsed nanoseconds and the
// median nanoseconds of one open and close. A third argument pins it to that CPU.
#include "loop_timing.h" /* first: it asks for _GNU_SOURCE */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4)
		return 2;
	long n = atol(argv[2]);
	if (argc == 4 && pin(atoi(argv[3])) != 0)
		return 1;
	long long *each = malloc(sizeof(long long) * (n > 0 ? n : 1));
	if (!each)
		return 1;
	struct timespec a, b, s, e;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &s);
		int fd = open(argv[1], O_RDONLY);
		if (fd < 0) {
			perror("open");
			return 1;
		}
		close(fd);
		clock_gettime(CLOCK_MONOTONIC, &e);
		each[i] = nanos(&s, &e);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%lld %lld\n", nanos(&a, &b), median(each, n));
	return 0;
}
