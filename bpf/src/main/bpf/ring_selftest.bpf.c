// SPDX-License-Identifier: GPL-2.0-only
/*
 * Synthetic ring producer for tests and benchmarks: each getpid() of the one thread named in
 * selftest_config emits records_per_call sequenced palisade_selftest_record's into `ring`. Sequence
 * numbers are taken before the reserve, so every reserve failure (counted in ring_lost) leaves exactly
 * one gap a reader can see. Every other task returns after one array lookup.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "palisade_ring.h"
#include "palisade_selftest.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);   /* the loader may resize it before load */
} ring SEC(".maps");

PALISADE_RING_LOSS_MAP(ring_lost);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct palisade_selftest_config);
} selftest_config SEC(".maps");

/* entry 0: the next sequence number (= records attempted so far) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} selftest_seq SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int palisade_selftest_getpid(void *ctx)
{
	__u32 zero = 0;
	struct palisade_selftest_config *cfg = bpf_map_lookup_elem(&selftest_config, &zero);

	if (!cfg || !cfg->target_tid || cfg->target_tid != (__u32)bpf_get_current_pid_tgid())
		return 0;
	__u64 *seq = bpf_map_lookup_elem(&selftest_seq, &zero);
	if (!seq)
		return 0;
	__u32 n = cfg->records_per_call;
	__u64 threshold = cfg->wakeup_threshold;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	for (__u32 i = 0; i < PALISADE_SELFTEST_MAX_PER_CALL; i++) {
		if (i >= n)
			break;
		__u64 s = __sync_fetch_and_add(seq, 1);
		struct palisade_selftest_record *r = bpf_ringbuf_reserve(&ring, sizeof(*r), 0);
		if (!r) {
			palisade_count_loss(&ring_lost);
			continue;
		}
		r->seq = s;
		r->timestamp_ns = bpf_ktime_get_ns();
		r->tid = tid;
		r->reserved = 0;
		r->reserved2 = 0;
		bpf_ringbuf_submit(r, palisade_wakeup_flags(&ring, threshold, sizeof(*r)));
	}
	return 0;
}
