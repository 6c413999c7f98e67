package dev.palisade.workload;

import dev.palisade.policy.select.WorkloadIdentity;
import dev.palisade.telemetry.PodOwner;
import java.util.Map;

/**
 * What Palisade knows of one running container: identity for policy selection, metadata for alerts, and the
 * kernel handles enforcement needs. Immutable; the actors publish a new one when anything changes.
 *
 * @param cgroupId  inode of the container's cgroup v2 directory ({@code bpf_get_current_cgroup_id()})
 * @param initPid   pid of the container's init process on the host
 * @param rootfs    the container's root as the host sees it ({@code /proc/<pid>/root} works too)
 */
public record ContainerInfo(
        String containerId,
        String containerName,
        String image,
        String namespace,
        String podName,
        String podUid,
        Map<String, String> labels,
        PodOwner owner,
        long cgroupId,
        String cgroupPath,
        int initPid,
        String rootfs) {

    public ContainerInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        namespace = namespace == null || namespace.isEmpty() ? WorkloadIdentity.CONTAINER_NAMESPACE : namespace;
        containerName = containerName == null ? "" : containerName;
        podName = podName == null ? "" : podName;
        podUid = podUid == null ? "" : podUid;
        image = image == null ? "" : image;
    }

    public WorkloadIdentity identity() {
        return new WorkloadIdentity(namespace, podName, containerName, labels);
    }
}
