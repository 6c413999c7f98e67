package dev.palisade.policy.discover;

import dev.palisade.telemetry.Log;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A workload as discovery groups it: the namespace plus the pod labels that stay the same across its replicas and
 * restarts (hash labels a controller adds per revision are dropped). The name is the owner's (Deployment, ...)
 * when logs carry it, else the {@code app} label, else the pod name without its generated suffix.
 */
public record WorkloadKey(String namespace, Map<String, String> selector, String name) {

    /** Labels controllers set per revision or per pod: useless, even harmful, in a selector. */
    private static final Set<String> VOLATILE = Set.of("pod-template-hash", "controller-revision-hash",
            "statefulset.kubernetes.io/pod-name", "pod-template-generation", "controller-uid",
            "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name",
            "apps.kubernetes.io/pod-index", "batch.kubernetes.io/job-completion-index");

    public WorkloadKey {
        selector = Map.copyOf(selector);
    }

    public static WorkloadKey of(Log log, Map<String, String> labels) {
        Map<String, String> sel = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (!VOLATILE.contains(k)) sel.put(k, v);
        });
        String name;
        if (log.owner() != null && !log.owner().name().isEmpty()) {
            name = log.owner().name();
        } else if (sel.containsKey("app")) {
            name = sel.get("app");
        } else if (sel.containsKey("app.kubernetes.io/name")) {
            name = sel.get("app.kubernetes.io/name");
        } else {
            name = stripGenerated(log.podName().isEmpty() ? log.containerName() : log.podName());
        }
        if (sel.isEmpty() && !log.containerName().isEmpty()) {
            sel.put("kubearmor.io/container.name", log.containerName());
        }
        return new WorkloadKey(log.namespaceName(), sel, name.isEmpty() ? "workload" : name);
    }

    /** {@code web-7c5b8d65b8-x2x9z} to {@code web}; {@code db-0} to {@code db}. */
    static String stripGenerated(String pod) {
        String p = pod.replaceFirst("-[a-z0-9]{5}$", "");
        p = p.replaceFirst("-[0-9a-f]{6,10}$", "");
        return p.replaceFirst("-[0-9]+$", "");
    }
}
