// SPDX-License-Identifier: GPL-2.0-only
/*
 * Synthetic monitor events for the pipeline benchmark: each getpid() of the one thread named in bench_config
 * writes records_per_call file-open records in the monitor's own ABI (palisade_event.h) into `events`, copied
 * from four templates the loader fills (cgroup, pids, paths) and stamped with the time and a sequence number
 * (in `result`, so the reader can account for every record). Every other task returns after one lookup.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "palisade_event.h"
#include "palisade_ring.h"
#include "palisade_selftest.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);   /* the loader may resize it before load */
} events SEC(".maps");

PALISADE_RING_LOSS_MAP(events_lost);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct palisade_selftest_config);
} bench_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct palisade_file_event);
} bench_templates SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bench_seq SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int palisade_pipeline_bench(void *ctx)
{
	__u32 zero = 0;
	struct palisade_selftest_config *cfg = bpf_map_lookup_elem(&bench_config, &zero);

	if (!cfg || !cfg->target_tid || cfg->target_tid != (__u32)bpf_get_current_pid_tgid())
		return 0;
	__u64 *seq = bpf_map_lookup_elem(&bench_seq, &zero);
	if (!seq)
		return 0;
	__u32 n = cfg->records_per_call;
	for (__u32 i = 0; i < PALISADE_SELFTEST_MAX_PER_CALL; i++) {
		if (i >= n)
			break;
		__u64 s = __sync_fetch_and_add(seq, 1);
		__u32 which = s & 3;
		struct palisade_file_event *t = bpf_map_lookup_elem(&bench_templates, &which);
		if (!t)
			return 0;
		struct palisade_file_event *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
		if (!r) {
			palisade_count_loss(&events_lost);
			continue;
		}
		__builtin_memcpy(r, t, sizeof(*r));
		r->hdr.timestamp_ns = bpf_ktime_get_boot_ns();
		r->result = (__s32)(s & 0x7fffffff);
		bpf_ringbuf_submit(r, palisade_wakeup_flags(&events, cfg->wakeup_threshold, sizeof(*r)));
	}
	return 0;
}
