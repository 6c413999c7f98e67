package dev.palisade.policy.compile;

import java.util.List;

/**
 * Where a compiled rule came from and what its alerts carry: policy, field, severity (0 when unset), tags and
 * message after inheritance from section and spec.
 */
public record RuleOrigin(String policyKey, String policyName, String field, int severity, List<String> tags,
                         String message, boolean dryRun) {
    public RuleOrigin {
        tags = tags == null ? List.of() : List.copyOf(tags);
        message = message == null ? "" : message;
    }

    /** {@code ksp/default/name spec.process.matchPaths[0]}: what {@code simulate --explain} prints. */
    public String reference() {
        return policyKey + " " + field;
    }
}
