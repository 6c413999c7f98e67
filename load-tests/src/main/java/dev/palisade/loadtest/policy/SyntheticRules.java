package dev.palisade.loadtest.policy;

import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.ResourceKind;
import dev.palisade.policy.compile.RuleAction;
import dev.palisade.policy.compile.RuleOrigin;
import dev.palisade.policy.compile.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A realistic rule mix for one container: mostly file paths and directories, some process paths and exec names,
 * a few source-qualified rules; paths 3–8 components deep. Deterministic for a seed.
 */
public final class SyntheticRules {
    private static final String[] WORDS = {"usr", "bin", "lib", "etc", "var", "log", "nginx", "conf.d", "share",
            "local", "opt", "app", "data", "cache", "ssl", "certs", "python3", "site-packages", "node_modules", "run"};

    private SyntheticRules() {}

    public static String path(Random rnd, int minDepth, int maxDepth) {
        StringBuilder b = new StringBuilder();
        int depth = minDepth + rnd.nextInt(maxDepth - minDepth + 1);
        for (int d = 0; d < depth; d++) {
            b.append('/').append(WORDS[rnd.nextInt(WORDS.length)]);
            if (rnd.nextInt(3) == 0) b.append(rnd.nextInt(1000));
        }
        return b.toString();
    }

    /**
     * {@code count} rules; the first 1 000 are the same for every count. Rules beyond those live under
     * {@code /bulk<n>/...}, so they fill the same tables (memory, probes, Bloom filters) without changing which rules
     * the benchmark's queries match: the comparison across sizes then measures lookup cost, not extra matches.
     */
    public static List<CompiledRule> generate(int count, long seed) {
        Random rnd = new Random(seed);
        List<CompiledRule> rules = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = rnd.nextInt(100);
            OperationClass op = kind < 80 ? OperationClass.FILE : OperationClass.PROCESS;
            ResourceKind rk;
            String resource;
            String prefix = i < 1000 ? "" : "/bulk" + (i % 97);
            if (kind < 55 || (kind >= 80 && kind < 92)) {
                rk = ResourceKind.PATH;
                resource = prefix + path(rnd, 3, 8);
            } else if (kind < 80 || kind < 97) {
                rk = ResourceKind.DIRECTORY;
                resource = prefix + path(rnd, 2, 6) + "/";
            } else if (i >= 1000) {
                rk = ResourceKind.PATH;
                resource = prefix + path(rnd, 3, 8);
            } else {
                rk = ResourceKind.EXEC_NAME;
                resource = WORDS[rnd.nextInt(WORDS.length)] + rnd.nextInt(100);
            }
            RuleAction action = rnd.nextInt(10) < 8 ? RuleAction.ALLOW : rnd.nextBoolean() ? RuleAction.BLOCK : RuleAction.AUDIT;
            String source = rnd.nextInt(10) == 0 ? "/usr/bin/app" + rnd.nextInt(5) : null;
            RuleOrigin o = new RuleOrigin("ksp/bench/p" + (i % 50), "p" + (i % 50), "spec", 5, List.of("bench"), "", false);
            Verdict v = new Verdict(action, action != RuleAction.ALLOW, false, false, o.policyName(), "5", "bench",
                    List.of("bench"), "", "MatchedPolicy", o.reference());
            Verdict violation = new Verdict(RuleAction.BLOCK, true, true, false, "DefaultPosture", "", "", List.of(), "",
                    "MatchedPolicy", o.reference());
            rules.add(new CompiledRule(op, rk, resource, rnd.nextBoolean(), source, action, rnd.nextInt(20) == 0, false,
                    false, null, o, v, violation));
        }
        return rules;
    }
}
