package dev.palisade.policy.match;

import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.ResourceKind;
import dev.palisade.policy.glob.GlobSet;
import java.util.ArrayList;
import java.util.List;

/** The rules of one path class (process or file), indexed for lookups that cost the same whatever their number. */
final class PathIndex {
    final PathTable exact;
    final PathTable directories;
    final PathTable execNames;
    /** null when there are no patterns. */
    final GlobSet<CompiledRule[]> patterns;

    PathIndex(List<CompiledRule> rules) {
        exact = new PathTable(RuleBucket.group(of(rules, ResourceKind.PATH), CompiledRule::resource).values());
        directories = new PathTable(RuleBucket.group(of(rules, ResourceKind.DIRECTORY), CompiledRule::resource).values());
        execNames = new PathTable(RuleBucket.group(of(rules, ResourceKind.EXEC_NAME), CompiledRule::resource).values());
        List<CompiledRule> pats = of(rules, ResourceKind.PATTERN);
        if (pats.isEmpty()) {
            patterns = null;
        } else {
            List<String> globs = pats.stream().map(CompiledRule::resource).distinct().toList();
            patterns = new GlobSet<>(globs, matched -> {
                // Rules of every glob that matched, in rule-set order, so ties break as on any other key.
                java.util.Set<String> hit = new java.util.HashSet<>();
                for (int i : matched) hit.add(globs.get(i));
                return RuleBucket.sorted(pats.stream().filter(r -> hit.contains(r.resource())).toList());
            });
        }
    }

    private static List<CompiledRule> of(List<CompiledRule> rules, ResourceKind kind) {
        return rules.stream().filter(r -> r.kind() == kind).toList();
    }
}
