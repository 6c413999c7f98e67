package dev.palisade.policy.readiness;

import java.util.List;

/** Whether switching a namespace's posture to the target is safe now, and why. */
public record NamespaceVerdict(String namespace, boolean safe, String reason, List<WorkloadReadiness> workloads) {
    public NamespaceVerdict {
        workloads = List.copyOf(workloads);
    }
}
