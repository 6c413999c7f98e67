package dev.palisade.kernel.probe;

import dev.palisade.kernel.enforce.EnforcerKind;
import java.util.List;

/**
 * What the node offers Palisade, as probed by {@link NodeProbe}, and the enforcer chosen from it
 * ({@link NodeProbe#chooseEnforcer}: BPF-LSM, else fanotify, else audit only).
 *
 * @param kernelRelease uname -r
 * @param libbpfVersion libbpf.so.1 version
 * @param kernelBtf /sys/kernel/btf/vmlinux (CO-RE needs it)
 * @param ringBuffer BPF_MAP_TYPE_RINGBUF maps can be created
 * @param tracepoints a tracepoint program loads and attaches (needs tracefs)
 * @param btfTracepoints a tp_btf program loads and attaches
 * @param bpfLsm an LSM program loads and attaches (the only reliable BPF-LSM test)
 * @param fanotifyPermissions fanotify_init(FAN_CLASS_CONTENT) works and permission events can be marked
 * @param activeLsms /sys/kernel/security/lsm, informational: it may list bpf where LSM programs cannot attach
 * @param lockdown the lockdown mode, "" when unknown
 * @param cgroup2MountPoint where cgroup v2 is mounted, "" when nowhere
 * @param mountedByProbe filesystems the probe had to mount (type at path)
 * @param unavailableFilesystems filesystems that could not be mounted, with the reason
 */
public record NodeCapabilities(String kernelRelease, String libbpfVersion, Feature kernelBtf, Feature ringBuffer,
                               Feature tracepoints, Feature btfTracepoints, Feature bpfLsm, Feature fanotifyPermissions,
                               List<String> activeLsms, String lockdown, String cgroup2MountPoint,
                               List<String> mountedByProbe, List<String> unavailableFilesystems, EnforcerKind enforcer) {
    public NodeCapabilities {
        activeLsms = List.copyOf(activeLsms);
        mountedByProbe = List.copyOf(mountedByProbe);
        unavailableFilesystems = List.copyOf(unavailableFilesystems);
    }

    /** Whether the monitor can run: ring buffers, both tracepoint kinds and BTF. */
    public boolean monitorSupported() {
        return kernelBtf.available() && ringBuffer.available() && tracepoints.available() && btfTracepoints.available();
    }
}
