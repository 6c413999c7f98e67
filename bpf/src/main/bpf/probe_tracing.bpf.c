// SPDX-License-Identifier: GPL-2.0-only
/*
 * Feature probes for the monitor's attachment kinds: a classic tracepoint (needs tracefs for its id)
 * and a BTF-typed raw tracepoint. Both return at once; the node probe loads and attaches one at a time.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_getppid")
int palisade_probe_tracepoint(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_fork")
int palisade_probe_tp_btf(void *ctx)
{
	return 0;
}
