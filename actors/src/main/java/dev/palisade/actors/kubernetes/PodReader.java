package dev.palisade.actors.kubernetes;

import dev.palisade.actors.discovery.ContainerIdentities;
import dev.palisade.telemetry.PodOwner;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod as the actors need it: labels, owner, the {@code kubearmor-policy} annotation, and which runtime container
 * ids its status lists ({@code containerd://<id>}, {@code cri-o://<id>}, ...; init and ephemeral containers too).
 */
public final class PodReader {
    static final String TEMPLATE_HASH = "pod-template-hash";

    private PodReader() {}

    public static PodMetadata read(Pod pod) {
        var meta = pod.getMetadata();
        Map<String, PodMetadata.PodContainer> containers = new HashMap<>();
        if (pod.getStatus() != null) {
            add(containers, pod.getStatus().getContainerStatuses());
            add(containers, pod.getStatus().getInitContainerStatuses());
            add(containers, pod.getStatus().getEphemeralContainerStatuses());
        }
        Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        boolean audited = "audited".equalsIgnoreCase(
                annotations.getOrDefault(ContainerIdentities.POLICY_MODE_ANNOTATION, "").trim());
        String node = pod.getSpec() == null ? "" : pod.getSpec().getNodeName();
        return new PodMetadata(meta.getUid(), meta.getNamespace(), meta.getName(), node, labels, owner(pod), audited,
                containers);
    }

    /** The runtime's id without the runtime prefix ({@code containerd://abc} is {@code abc}); "" when not started. */
    static String runtimeId(String containerId) {
        if (containerId == null) return "";
        int sep = containerId.indexOf("://");
        return sep < 0 ? containerId : containerId.substring(sep + 3);
    }

    /**
     * The workload that owns the pod, for alerts: the controlling owner reference; a ReplicaSet made by a
     * Deployment (its name is the Deployment's plus {@code -<pod-template-hash>}) is reported as the Deployment,
     * without asking the API server. A pod without owner owns itself, as KubeArmor reports it.
     */
    static PodOwner owner(Pod pod) {
        var meta = pod.getMetadata();
        List<OwnerReference> refs = meta.getOwnerReferences() == null ? List.of() : meta.getOwnerReferences();
        OwnerReference ref = refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst()
                .orElse(refs.isEmpty() ? null : refs.getFirst());
        if (ref == null) return new PodOwner("Pod", meta.getName(), meta.getNamespace());
        String hash = meta.getLabels() == null ? null : meta.getLabels().get(TEMPLATE_HASH);
        if ("ReplicaSet".equals(ref.getKind()) && hash != null && ref.getName().endsWith("-" + hash)) {
            return new PodOwner("Deployment", ref.getName().substring(0, ref.getName().length() - hash.length() - 1),
                    meta.getNamespace());
        }
        return new PodOwner(ref.getKind(), ref.getName(), meta.getNamespace());
    }

    private static void add(Map<String, PodMetadata.PodContainer> into, List<ContainerStatus> statuses) {
        if (statuses == null) return;
        for (ContainerStatus s : statuses) {
            String id = runtimeId(s.getContainerID());
            if (!id.isEmpty()) into.put(id, new PodMetadata.PodContainer(s.getName(), s.getImage()));
        }
    }
}
