package dev.palisade.actors.discovery;

import java.util.Map;

/**
 * A container as its runtime's state file describes it (runc, or runc under containerd).
 *
 * @param initStartTicks start time of the init process in clock ticks since boot ({@code /proc/<pid>/stat} field 22),
 *                       to tell the container's init from a later process that got the same pid
 * @param rootfs         the root filesystem named in the runtime's configuration (the bundle's rootfs for runc,
 *                       containerd's overlay mount); {@code /proc/<initPid>/root} shows what the container sees
 * @param cgroupV2Path   the container's cgroup v2 directory on the host
 * @param cgroupId       inode of that directory ({@code bpf_get_current_cgroup_id()}); 0 when it could not be read
 * @param stateFile      the state file this was read from
 */
public record RuntimeContainer(String id, int initPid, long initStartTicks, String rootfs, String cgroupV2Path,
                               long cgroupId, Map<String, String> annotations, String stateFile) {
    public RuntimeContainer {
        annotations = Map.copyOf(annotations);
        rootfs = rootfs == null ? "" : rootfs;
        cgroupV2Path = cgroupV2Path == null ? "" : cgroupV2Path;
    }

    /** The same container seen again: same id, same init process. */
    public boolean sameProcess(RuntimeContainer other) {
        return id.equals(other.id) && initPid == other.initPid && initStartTicks == other.initStartTicks;
    }
}
