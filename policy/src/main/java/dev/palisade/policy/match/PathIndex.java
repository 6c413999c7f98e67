package dev.palisade.policy.match;

import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.ResourceKind;
import dev.palisade.policy.glob.GlobSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rules of one path class (process or file), indexed for lookups that cost the same whatever their number. */
final class PathIndex {
    final PathTable<RuleBucket> exact;
    final PathTable<RuleBucket> directories;
    final PathTable<RuleBucket> execNames;
    /** null when there are no patterns. */
    final GlobSet<CompiledRule[]> patterns;

    PathIndex(List<CompiledRule> rules) {
        exact = new PathTable<>(RuleBucket.group(of(rules, ResourceKind.PATH), CompiledRule::resource));
        directories = new PathTable<>(RuleBucket.group(of(rules, ResourceKind.DIRECTORY), CompiledRule::resource));
        execNames = new PathTable<>(RuleBucket.group(of(rules, ResourceKind.EXEC_NAME), CompiledRule::resource));
        List<CompiledRule> pats = of(rules, ResourceKind.PATTERN);
        if (pats.isEmpty()) {
            patterns = null;
        } else {
            Map<String, RuleBucket> byGlob = RuleBucket.group(pats, CompiledRule::resource);
            List<String> globs = new ArrayList<>(byGlob.keySet());
            patterns = new GlobSet<>(globs, matched -> {
                List<CompiledRule> merged = new ArrayList<>();
                for (int i : matched) merged.addAll(List.of(byGlob.get(globs.get(i)).anySource));
                return RuleBucket.sorted(merged);
            });
        }
    }

    private static List<CompiledRule> of(List<CompiledRule> rules, ResourceKind kind) {
        return rules.stream().filter(r -> r.kind() == kind).toList();
    }
}
