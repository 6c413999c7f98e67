package dev.palisade.policy.match;

import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.ResourceKind;
import dev.palisade.policy.compile.RuleAction;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.policy.glob.GlobSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The decision procedure of contract §3–4 written as plainly as possible: linear scans, substrings and regular
 * expressions. Slow on purpose; the indexed {@link Matcher} must agree with it on every input.
 */
final class ReferenceMatcher {
    private final List<CompiledRule> rules;
    private final Verdict miss;

    ReferenceMatcher(List<CompiledRule> rules, Verdict miss) {
        this.rules = rules;
        this.miss = miss;
    }

    Verdict decide(OperationClass op, String path, String source, boolean tty, boolean owner, boolean write, String[] args) {
        List<Step> steps = new ArrayList<>();
        steps.add(new Step(r -> r.kind() == ResourceKind.PATH && r.resource().equals(path), true, true));
        steps.add(null); // directories with source
        steps.add(new Step(r -> r.kind() == ResourceKind.PATH && r.resource().equals(path), false, true));
        if (op == OperationClass.PROCESS) {
            String name = path.substring(path.lastIndexOf('/') + 1);
            steps.add(new Step(r -> r.kind() == ResourceKind.EXEC_NAME && r.resource().equals(name), true, true));
            steps.add(new Step(r -> r.kind() == ResourceKind.EXEC_NAME && r.resource().equals(name), false, true));
        }
        steps.add(new Step(r -> r.kind() == ResourceKind.PATTERN && path.matches(GlobSet.toRegex(r.resource())), false, true));
        steps.add(null); // directories without source
        for (int i = 0; i < steps.size(); i++) {
            Verdict v;
            if (steps.get(i) == null) {
                v = directories(op, path, i == 1 ? source : null, i == 1, tty, owner, write, args);
            } else {
                Step s = steps.get(i);
                if (s.withSource && source == null) continue;
                v = evaluate(select(op, s.test, s.withSource ? source : null, s.withSource), true, tty, owner, write, args);
            }
            if (v != null) return v;
        }
        return miss;
    }

    private record Step(Predicate<CompiledRule> test, boolean withSource, boolean unused) {}

    private Verdict directories(OperationClass op, String path, String source, boolean withSource, boolean tty,
                                boolean owner, boolean write, String[] args) {
        if (withSource && source == null) return null;
        List<String> ancestors = new ArrayList<>();
        if (!path.endsWith("/")) ancestors.add(path + "/"); // the directory itself
        for (int i = path.lastIndexOf('/'); i >= 0; i = i == 0 ? -1 : path.lastIndexOf('/', i - 1)) {
            ancestors.add(path.substring(0, i + 1));
        }
        String parent = path.substring(0, path.lastIndexOf('/') + 1);
        for (String dir : ancestors) {
            boolean child = dir.equals(parent) || dir.equals(path + "/");
            List<CompiledRule> c = select(op, r -> r.kind() == ResourceKind.DIRECTORY && r.resource().equals(dir),
                    source, withSource);
            Verdict v = evaluate(c, child, tty, owner, write, args);
            if (v != null) return v;
        }
        return null;
    }

    private List<CompiledRule> select(OperationClass op, Predicate<CompiledRule> test, String source, boolean withSource) {
        List<CompiledRule> out = new ArrayList<>();
        for (CompiledRule r : rules) {
            if (r.operation() != op || !test.test(r)) continue;
            if (withSource ? source != null && source.equals(r.source()) : r.source() == null) out.add(r);
        }
        out.sort(Comparator.comparingInt(r -> r.action().ordinal())); // stable: policy order kept
        return out;
    }

    private Verdict evaluate(List<CompiledRule> candidates, boolean child, boolean tty, boolean owner, boolean write,
                             String[] args) {
        List<CompiledRule> applicable = candidates.stream()
                .filter(r -> !r.tty() || tty)
                .filter(r -> r.kind() != ResourceKind.DIRECTORY || r.recursive() || child)
                .toList();
        if (applicable.isEmpty()) return null;
        for (CompiledRule r : applicable) {
            if (r.action() == RuleAction.BLOCK && acts(r, owner, write, args)) return r.verdict();
        }
        CompiledRule audit = applicable.stream().filter(r -> r.action() == RuleAction.AUDIT && acts(r, owner, write, args))
                .findFirst().orElse(null);
        CompiledRule allow = applicable.stream().filter(r -> r.action() == RuleAction.ALLOW).findFirst().orElse(null);
        if (allow != null) {
            boolean ownerBroken = allow.ownerOnly() && !owner;
            boolean readOnlyBroken = allow.readOnly() && write;
            if (ownerBroken || readOnlyBroken) return allow.violation();
            if (allow.allowedArgs() != null && (args == null || !allow.allowedArgs().containsAll(Arrays.asList(args)))) {
                return miss;
            }
            return audit != null ? audit.verdict() : allow.verdict();
        }
        if (audit != null) return miss.alert() ? miss : audit.verdict();
        return Verdict.UNMATCHED;
    }

    /** Whether a Block/Audit rule acts: unconditional, or one of its conditions is broken. */
    private static boolean acts(CompiledRule r, boolean owner, boolean write, String[] args) {
        List<Boolean> broken = new ArrayList<>();
        if (r.ownerOnly()) broken.add(!owner);
        if (r.readOnly()) broken.add(write);
        if (r.allowedArgs() != null) {
            broken.add(args == null || !r.allowedArgs().containsAll(Arrays.asList(args)));
        }
        return broken.isEmpty() || broken.contains(true);
    }
}
