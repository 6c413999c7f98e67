package dev.palisade.policy.compile;

import dev.palisade.telemetry.TelemetryTypes;
import java.util.List;

/**
 * The outcome of deciding one operation: what to do and what the alert (if any) says. Verdicts are built once
 * per rule when a rule set is compiled, so deciding allocates nothing.
 *
 * @param action         Allow, Audit or Block
 * @param alert          whether an alert is raised (an Allow match passes silently)
 * @param defaultPosture decided by the posture, not by a rule ({@code PolicyName: DefaultPosture})
 * @param dryRun         from a dry-run policy (or a dry-run allow-list): reported, never enforced
 * @param rule           the deciding rule ({@code ksp/ns/name spec.file.matchPaths[0]}), empty for the posture
 */
public record Verdict(RuleAction action, boolean alert, boolean defaultPosture, boolean dryRun, String policyName,
                      String severity, String tags, List<String> atags, String message, String alertType,
                      String rule) {

    /** No rule matched and the class is open: the operation passes and nobody hears of it. */
    public static final Verdict UNMATCHED = new Verdict(RuleAction.ALLOW, false, false, false, "", "", "", List.of(),
            "", "", "");

    public Verdict {
        atags = List.copyOf(atags);
    }

    /** The kernel must deny the operation. */
    public boolean denied() {
        return action == RuleAction.BLOCK && !dryRun;
    }

    /** The {@code Action} field of the alert: {@code Block}, {@code Audit}, {@code Allow}, or {@code Audit (Block)} in dry-run. */
    public String actionText() {
        if (dryRun && action != RuleAction.AUDIT) return "Audit (" + action.text() + ")";
        return action.text();
    }

    static Verdict defaultPosture(RuleAction action, Scope scope, boolean dryRun) {
        return defaultPosture(action, scope, dryRun, "");
    }

    /** {@code rule}: the Allow rule whose owner or read-only condition failed, for explanations. */
    static Verdict defaultPosture(RuleAction action, Scope scope, boolean dryRun, String rule) {
        return new Verdict(action, true, true, dryRun, TelemetryTypes.DEFAULT_POSTURE, "", "", List.of(), "",
                scope.alertType(), rule);
    }

    static Verdict ofRule(RuleAction action, RuleOrigin o, Scope scope) {
        return new Verdict(action, action != RuleAction.ALLOW, false, o.dryRun(), o.policyName(),
                String.valueOf(o.severity()), String.join(",", o.tags()), o.tags(), o.message(), scope.alertType(),
                o.reference());
    }
}
