package dev.palisade.policy.readiness;

import java.util.Map;

/**
 * How one workload would fare under the target posture over the window looked at.
 *
 * @param denials  resource (with operation and deciding policy) to would-be denial count, most frequent first
 */
public record WorkloadReadiness(String namespace, String workload, long events, long firstSeen, long lastSeen,
                                long wouldBlock, long wouldAudit, Map<String, Long> denials) {
    public WorkloadReadiness {
        denials = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(denials));
    }

    public long spanSeconds() {
        return lastSeen >= firstSeen ? lastSeen - firstSeen : 0;
    }
}
