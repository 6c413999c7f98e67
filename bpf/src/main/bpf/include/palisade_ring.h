/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Ring buffer producer side shared by Palisade's objects: every reserve failure is counted (per CPU) in
 * the ring's loss map, and wake-ups are batched: a record is submitted with BPF_RB_NO_WAKEUP until
 * wakeup_threshold bytes wait in the ring, then with BPF_RB_FORCE_WAKEUP. The Java reader polls the ring
 * positions on a timer as well, so records below the threshold are still read.
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

static __always_inline __u64 palisade_wakeup_flags(void *ring, __u64 wakeup_threshold)
{
	if (!wakeup_threshold)
		return 0;
	return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wakeup_threshold ? BPF_RB_FORCE_WAKEUP
									    : BPF_RB_NO_WAKEUP;
}

#endif
