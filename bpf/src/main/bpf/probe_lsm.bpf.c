// SPDX-License-Identifier: GPL-2.0-only
/*
 * Feature probe for BPF-LSM: the smallest LSM program there is (r0 = 0; exit). Whether the kernel
 * loads it and lets it attach is the only reliable test: /sys/kernel/security/lsm may list "bpf"
 * where trampolines cannot be attached. Returning 0 from file_open changes nothing.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/file_open")
int palisade_probe_lsm(void *ctx)
{
	return 0;
}
