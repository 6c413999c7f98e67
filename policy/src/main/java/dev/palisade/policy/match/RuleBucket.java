package dev.palisade.policy.match;

import dev.palisade.policy.compile.CompiledRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules that share one resource key, split by source: those for any source, and those for each
 * {@code fromSource} executable. Each list is ordered strongest action first (Block, Audit, Allow), then by
 * policy, so evaluation is deterministic.
 */
final class RuleBucket {
    static final CompiledRule[] NONE = new CompiledRule[0];
    private static final Comparator<CompiledRule> STRENGTH = Comparator.comparingInt(r -> r.action().ordinal());

    /** The key (path, directory, exec name, protocol, capability) and its String hash. */
    final String key;
    final int hash;
    final CompiledRule[] anySource;
    /** null when no rule of this key has a source. */
    final Map<String, CompiledRule[]> bySource;
    /**
     * The one rule for any source when it applies unconditionally (no pts, no owner/read-only/argument condition,
     * not a non-recursive directory): its outcome needs no evaluation loop.
     */
    final CompiledRule single;

    private RuleBucket(String key, CompiledRule[] anySource, Map<String, CompiledRule[]> bySource) {
        this.key = key;
        this.hash = key.hashCode();
        this.anySource = anySource;
        this.bySource = bySource;
        CompiledRule only = anySource.length == 1 ? anySource[0] : null;
        this.single = only != null && !only.tty() && !only.readOnly() && !only.ownerOnly() && only.allowedArgs() == null
                && (only.kind() != dev.palisade.policy.compile.ResourceKind.DIRECTORY || only.recursive()) ? only : null;
    }

    CompiledRule[] forSource(String source) {
        if (bySource == null || source == null) return null;
        return bySource.get(source);
    }

    /** Groups rules by a key, keeping their order, then sorts each group by strength (stable). */
    static <K> Map<K, RuleBucket> group(List<CompiledRule> rules, java.util.function.Function<CompiledRule, K> key) {
        Map<K, List<CompiledRule>> any = new LinkedHashMap<>();
        Map<K, Map<String, List<CompiledRule>>> sourced = new LinkedHashMap<>();
        for (CompiledRule r : rules) {
            K k = key.apply(r);
            if (r.source() == null) {
                any.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
            } else {
                sourced.computeIfAbsent(k, x -> new LinkedHashMap<>()).computeIfAbsent(r.source(), x -> new ArrayList<>()).add(r);
            }
        }
        Map<K, RuleBucket> out = new HashMap<>();
        java.util.Set<K> keys = new java.util.LinkedHashSet<>(any.keySet());
        keys.addAll(sourced.keySet());
        for (K k : keys) {
            Map<String, List<CompiledRule>> bySrc = sourced.get(k);
            Map<String, CompiledRule[]> frozen = null;
            if (bySrc != null) {
                frozen = new HashMap<>();
                for (Map.Entry<String, List<CompiledRule>> e : bySrc.entrySet()) frozen.put(e.getKey(), sorted(e.getValue()));
            }
            out.put(k, new RuleBucket(String.valueOf(k), any.containsKey(k) ? sorted(any.get(k)) : NONE, frozen));
        }
        return out;
    }

    static CompiledRule[] sorted(List<CompiledRule> rules) {
        List<CompiledRule> copy = new ArrayList<>(rules);
        copy.sort(STRENGTH);
        return copy.toArray(NONE);
    }
}
