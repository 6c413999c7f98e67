package dev.palisade.actors.discovery;

import java.util.Map;

/**
 * A container as its runtime's state file describes it (runc, or runc under containerd).
 *
 * @param initStartTicks start time of the init process in clock ticks since boot ({@code /proc/<pid>/stat} field 22),
 *                       to tell the container's init from a later process that got the same pid
 * @param cgroupV2Path   the container's cgroup v2 directory on the host
 */
public record RuntimeContainer(String id, int initPid, long initStartTicks, String rootfs, String cgroupV2Path,
                               Map<String, String> annotations, String stateFile) {
    public RuntimeContainer {
        annotations = Map.copyOf(annotations);
    }
}
