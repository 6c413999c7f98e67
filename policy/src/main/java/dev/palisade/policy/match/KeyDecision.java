package dev.palisade.policy.match;

import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.Verdict;
import java.util.List;

/**
 * What the rules of one key (one path, directory, exec name, socket name or capability, for one source or any)
 * decide under given conditions: the matcher's own per-key step, for encoders that precompute it (the BPF-LSM
 * enforcer stores it per condition combination so the kernel only looks up and picks).
 */
public final class KeyDecision {
    private KeyDecision() {}

    /**
     * @param rules       every rule of the key, in rule-set order
     * @param directChild the path is a direct child of the directory key (true for other keys)
     * @return the verdict, or null when no rule of the key applies (the lookup goes on to the next key). Arguments
     *         are taken as unknown: an Allow rule with allowedArgs yields the posture, a Block or Audit one acts.
     */
    public static Verdict decide(List<CompiledRule> rules, boolean directChild, boolean tty, boolean owner, boolean write,
                                 Verdict miss) {
        return Matcher.evaluate(RuleBucket.sorted(rules), directChild, tty, owner, write, null, miss);
    }
}
