package dev.palisade.policy.simulate;

import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.RuleAction;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.Verdict;
import java.util.Locale;

/** Why a verdict came out as it did, in one sentence for people. */
public final class Explanation {
    private Explanation() {}

    public static String of(Verdict v, RuleSet rules, OperationClass c) {
        String mode = v.dryRun() ? " (dry-run: reported, not enforced)" : "";
        if (!v.defaultPosture()) return "matched " + v.rule() + mode;
        if (!v.rule().isEmpty()) return "allowed by " + v.rule() + " only for the owner / for reading" + mode;
        String allowLists = rules.rules().stream()
                .filter(r -> r.operation() == c && r.action() == RuleAction.ALLOW)
                .map(r -> r.origin().policyKey()).distinct().reduce((a, b) -> a + ", " + b).orElse("?");
        return "no rule allows it; " + c.operation().toLowerCase(Locale.ROOT) + " operations are allow-listed by "
                + allowLists + " and the " + c.postureClass().configName() + " posture is "
                + rules.posture().of(c).configName() + mode;
    }

    /** The class of an alert's Operation field. */
    public static OperationClass classOf(String operation) {
        for (OperationClass c : OperationClass.values()) if (c.operation().equals(operation)) return c;
        return OperationClass.FILE;
    }
}
