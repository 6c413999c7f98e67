/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Records of the ring self-test producer (ring_selftest.bpf.c): a getpid() of one chosen thread emits
 * records_per_call sequenced records. Tests and benchmarks use it to check the ring readers' accounting
 * (sequence gaps must equal the reserve failures counted in ring_lost) and to measure drain rates.
 */
#ifndef PALISADE_SELFTEST_H
#define PALISADE_SELFTEST_H

#include <linux/types.h>

#define PALISADE_SELFTEST_MAX_PER_CALL 256

struct palisade_selftest_record {
	__u64 seq;
	__u64 timestamp_ns;
	__u32 tid;
	__u32 reserved;
	__u64 reserved2;
};

struct palisade_selftest_config {
	__u32 target_tid;         /* only getpid() calls of this thread produce; 0 disables the producer */
	__u32 records_per_call;   /* 1..PALISADE_SELFTEST_MAX_PER_CALL */
	__u64 wakeup_threshold;   /* as palisade_monitor_config.wakeup_threshold */
};

#endif
