package dev.palisade.policy.compile;

import dev.palisade.policy.match.Matcher;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one container (or the host) is held to, compiled: the rules, which classes are allow-lists, the
 * posture, and the matcher that decides. Immutable; a change produces a new rule set that replaces this one
 * whole, so readers never see a half-applied change.
 */
public final class RuleSet {
    private final Scope scope;
    private final Posture posture;
    private final List<CompiledRule> rules;
    private final Map<OperationClass, ClassMode> modes;
    private final List<String> policies;
    private final Map<OperationClass, Verdict> misses;
    private final Matcher matcher;

    RuleSet(Scope scope, Posture posture, List<CompiledRule> rules, Map<OperationClass, ClassMode> modes,
            List<String> policies) {
        this.scope = scope;
        this.posture = posture;
        this.rules = List.copyOf(rules);
        this.modes = new EnumMap<>(modes);
        this.policies = List.copyOf(policies);
        Map<OperationClass, Verdict> m = new EnumMap<>(OperationClass.class);
        for (OperationClass c : OperationClass.values()) m.put(c, missVerdict(c));
        this.misses = m;
        this.matcher = new Matcher(this.rules, this.misses);
    }

    /** A rule set from rules already compiled (the compiler's output elsewhere; tests and encoders build them directly). */
    public static RuleSet of(Scope scope, Posture posture, List<CompiledRule> rules, Map<OperationClass, ClassMode> modes) {
        return new RuleSet(scope, posture, rules, modes, List.of());
    }

    /** No policy selects the workload: every class open. */
    public static RuleSet empty(Scope scope, Posture posture) {
        Map<OperationClass, ClassMode> modes = new EnumMap<>(OperationClass.class);
        for (OperationClass c : OperationClass.values()) modes.put(c, ClassMode.OPEN);
        return new RuleSet(scope, posture, List.of(), modes, List.of());
    }

    private Verdict missVerdict(OperationClass c) {
        ClassMode mode = modes.get(c);
        if (mode == ClassMode.OPEN) return Verdict.UNMATCHED;
        RuleAction a = posture.of(c) == PostureMode.BLOCK ? RuleAction.BLOCK : RuleAction.AUDIT;
        return Verdict.defaultPosture(a, scope, mode == ClassMode.LEAST_PERMISSIVE_DRY_RUN);
    }

    public Scope scope() { return scope; }

    public Posture posture() { return posture; }

    /** Every compiled rule, in a deterministic order (policy key, then document order). */
    public List<CompiledRule> rules() { return rules; }

    public ClassMode mode(OperationClass c) { return modes.get(c); }

    /** Keys of the policies this rule set was compiled from. */
    public List<String> policies() { return policies; }

    /** What an operation of class {@code c} that no rule covers gets. */
    public Verdict miss(OperationClass c) { return misses.get(c); }

    public Matcher matcher() { return matcher; }

    @Override
    public String toString() {
        return "RuleSet[" + scope + ", " + rules.size() + " rules from " + policies + ", " + modes + ", " + posture + "]";
    }
}
