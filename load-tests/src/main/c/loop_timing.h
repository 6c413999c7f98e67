// Timing and placement shared by the fanotify benchmark's workloads (open_loop, exec_loop).
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long nanos(const struct timespec *from, const struct timespec *to)
{
	return (long long)(to->tv_sec - from->tv_sec) * 1000000000LL + (to->tv_nsec - from->tv_nsec);
}

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/** The median of the n times (sorted in place); 0 for none. */
static long long median(long long *each, long n)
{
	if (n <= 0)
		return 0;
	qsort(each, n, sizeof(*each), by_value);
	return each[n / 2];
}

/** Pins the calling process to one CPU; 0, or -1 with the reason printed. */
static int pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		perror("sched_setaffinity");
		return -1;
	}
	return 0;
}
