// SPDX-License-Identifier: GPL-2.0-only
/*
 * Baseline for the ring drain benchmark: drains a pinned ring of palisade_selftest_record's with libbpf's
 * own consumer (ring_buffer__consume, a callback per record) and reports the time spent in the drain loop.
 * usage: ring_consume <pinned ring map> <records expected>
 * prints: records=<n> ns=<drain time> gaps=<missing sequence numbers> out_of_order=<n>
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "palisade_selftest.h"

struct drain_state {
	unsigned long long count, next, gaps, out_of_order;
	int started;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct drain_state *s = ctx;
	const struct palisade_selftest_record *r = data;

	(void)size;
	if (!s->started) {
		s->started = 1;
		s->next = r->seq;
	}
	if (r->seq < s->next) {
		s->out_of_order++;
	} else {
		s->gaps += r->seq - s->next;
		s->next = r->seq + 1;
	}
	s->count++;
	return 0;
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s <pinned ring map> <records expected>\n", argv[0]);
		return 2;
	}
	unsigned long long expected = strtoull(argv[2], NULL, 10);
	int fd = bpf_obj_get(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "bpf_obj_get(%s): %s\n", argv[1], strerror(errno));
		return 1;
	}
	struct drain_state st = {0};
	struct ring_buffer *rb = ring_buffer__new(fd, on_record, &st, NULL);
	if (!rb) {
		fprintf(stderr, "ring_buffer__new: %s\n", strerror(errno));
		return 1;
	}
	long long start = now_ns(), deadline = start + 30000000000LL;
	while (st.count < expected) {
		int n = ring_buffer__consume(rb);
		if (n < 0) {
			fprintf(stderr, "ring_buffer__consume: %s\n", strerror(-n));
			return 1;
		}
		if (n == 0 && now_ns() > deadline) {
			fprintf(stderr, "timed out with %llu of %llu records\n", st.count, expected);
			return 1;
		}
	}
	long long elapsed = now_ns() - start;
	printf("records=%llu ns=%lld gaps=%llu out_of_order=%llu\n", st.count, elapsed, st.gaps, st.out_of_order);
	ring_buffer__free(rb);
	return 0;
}
