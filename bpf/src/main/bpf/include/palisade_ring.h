/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Ring buffer producer side shared by Palisade's objects: every reserve failure is counted (per CPU) in
 * the ring's loss map, and wake-ups are batched: records are submitted with BPF_RB_NO_WAKEUP, except the
 * one that takes the unread backlog past wakeup_threshold bytes (BPF_RB_FORCE_WAKEUP). The Java reader
 * polls the ring positions on a timer as well, so records below the threshold are still read.
 */
#ifndef PALISADE_RING_H
#define PALISADE_RING_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* A per-CPU counter map with one entry: reserve failures of one ring. */
#define PALISADE_RING_LOSS_MAP(name)                      \
	struct {                                          \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);  \
		__uint(max_entries, 1);                   \
		__type(key, __u32);                       \
		__type(value, __u64);                     \
	} name SEC(".maps")

static __always_inline void palisade_count_loss(void *loss_map)
{
	__u32 zero = 0;
	__u64 *lost = bpf_map_lookup_elem(loss_map, &zero);

	if (lost)
		__sync_fetch_and_add(lost, 1);
}

/*
 * Submit flags for a record of record_size bytes. With a threshold, only the record that takes the backlog
 * over it forces a wake-up: forcing one per record while a busy reader lags would cost every producer (a
 * hooked system call of some workload) a wake-up each, ~2.5 us here. A crossing missed in a race between
 * CPUs only delays the reader until its next poll of the positions.
 */
static __always_inline __u64 palisade_wakeup_flags(void *ring, __u64 wakeup_threshold, __u64 record_size)
{
	if (!wakeup_threshold)
		return 0;
	__u64 avail = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);
	__u64 footprint = (record_size + 8 + 7) & ~7ULL;   /* 8-byte ring header, 8-byte alignment */

	return avail >= wakeup_threshold && avail - footprint < wakeup_threshold ? BPF_RB_FORCE_WAKEUP
										  : BPF_RB_NO_WAKEUP;
}

#endif
