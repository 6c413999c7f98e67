package dev.palisade.policy.select;

import java.util.Map;

/**
 * What policy selection knows of a container: its namespace, pod, container name and pod labels.
 * Containers outside Kubernetes get namespace {@link #CONTAINER_NAMESPACE} unless annotated.
 */
public record WorkloadIdentity(String namespace, String podName, String containerName, Map<String, String> labels) {

    /** KubeArmor's namespace for containers that belong to no pod. */
    public static final String CONTAINER_NAMESPACE = "container_namespace";
    /** The pseudo-label that selects containers by name ({@code name} or {@code [a, b]}). */
    public static final String CONTAINER_NAME_LABEL = "kubearmor.io/container.name";

    public WorkloadIdentity {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        namespace = namespace == null || namespace.isEmpty() ? CONTAINER_NAMESPACE : namespace;
        podName = podName == null ? "" : podName;
        containerName = containerName == null ? "" : containerName;
    }

    /** Labels as KubeArmor's alerts carry them: {@code k=v} joined by commas, sorted by key. */
    public String labelsText() {
        return labels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + "," + b).orElse("");
    }
}
