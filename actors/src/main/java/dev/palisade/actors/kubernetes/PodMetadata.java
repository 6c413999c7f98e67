package dev.palisade.actors.kubernetes;

import dev.palisade.telemetry.PodOwner;
import java.util.Map;

/**
 * What a pod of this node adds to its containers' identity: labels (policy selection), owner (alerts), whether
 * its policies are audited only, and which runtime container ids belong to which of its containers.
 *
 * @param audited    pod annotation {@code kubearmor-policy: audited}: every policy for its containers is dry-run
 * @param containers by runtime container id (the part after {@code containerd://} in the pod status)
 */
public record PodMetadata(String uid, String namespace, String name, String nodeName, Map<String, String> labels,
                          PodOwner owner, boolean audited, Map<String, PodContainer> containers) {
    public PodMetadata {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        containers = containers == null ? Map.of() : Map.copyOf(containers);
        nodeName = nodeName == null ? "" : nodeName;
    }

    /** One container of the pod as its status names it. */
    public record PodContainer(String name, String image) {}
}
