// The fanotify benchmark's workload for execs: runs PROGRAM (no arguments) N times, one after the other; prints the
// elapsed nanoseconds and the median nanoseconds of one vfork, exec and wait (vfork, as posix_spawn does: no copy of
// the parent's memory, so less of the time, and less of its spread, is the workload's own) (the median is what the machine's other
// tenants cannot move: a vCPU taken away for a while lengthens a few runs, not the middle one). A third argument pins
// it (and so the programs it runs) to that CPU.
#include "loop_timing.h" /* first: it asks for _GNU_SOURCE */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4)
		return 2;
	long n = atol(argv[2]);
	if (argc == 4 && pin(atoi(argv[3])) != 0)
		return 1;
	char *args[] = {argv[1], NULL};
	char *env[] = {NULL};
	long long *each = malloc(sizeof(long long) * (n > 0 ? n : 1));
	if (!each)
		return 1;
	struct timespec a, b, s, e;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &s);
		pid_t p = vfork();
		if (p == 0) {
			execve(argv[1], args, env);
			_exit(127);
		}
		int status;
		if (p < 0 || waitpid(p, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "exec of %s failed\n", argv[1]);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &e);
		each[i] = nanos(&s, &e);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%lld %lld\n", nanos(&a, &b), median(each, n));
	return 0;
}
