package dev.palisade.policy.discover;

import java.util.List;

/** A learned least-permissive policy for one workload, ready to be written as YAML. */
public record PolicyDraft(WorkloadKey workload, String policyName, long events, List<DraftRule> rules,
                          List<String> notes) {
    public PolicyDraft {
        rules = List.copyOf(rules);
        notes = List.copyOf(notes);
    }
}
