package dev.palisade.kernel.sys;

import java.nio.file.Path;

/** The pseudo filesystems the agent needs and may have to mount itself (as KubeArmor's DaemonSet does). */
public enum KernelFilesystem {
    /** /sys/kernel/security: the active LSM list, lockdown state. */
    SECURITYFS("securityfs", "/sys/kernel/security"),
    /** /sys/kernel/tracing: tracepoint ids, needed to attach tracepoint programs. */
    TRACEFS("tracefs", "/sys/kernel/tracing"),
    /** /sys/fs/bpf: pinning maps and links. */
    BPFFS("bpf", "/sys/fs/bpf");

    private final String fsType;
    private final Path mountPoint;

    KernelFilesystem(String fsType, String mountPoint) {
        this.fsType = fsType;
        this.mountPoint = Path.of(mountPoint);
    }

    public String fsType() {
        return fsType;
    }

    public Path mountPoint() {
        return mountPoint;
    }
}
