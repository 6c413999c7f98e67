package dev.palisade.policy.compile;

import dev.palisade.policy.Policy;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled rule sets shared by the workloads that compile to the same one. The replicas of a deployment are
 * selected by the same policies under the same posture, so a change to a policy selecting a thousand containers
 * needs as many compilations as there are distinct selections, not a thousand; rule sets are immutable, so
 * sharing one is safe.
 *
 * <p>Two workloads compile alike when they have the same policy objects (by identity: the node's policy state
 * hands every workload the same instances, and a changed policy is a new instance, so a stale entry is never
 * hit), the same posture and dry-run flag, and their filesystems give the same aliases for every path the
 * compilation looked up. The last part is checked, not assumed: each entry remembers the aliases it was compiled
 * with, and a workload whose root resolves one of those paths differently gets (and adds) its own variant.
 *
 * <p>The cache holds its rule sets weakly: a rule set stays shared while some workload has it in force, and goes
 * with the last one (a policy changed a hundred times must not keep a hundred generations of a thousand rule
 * sets alive for the collector to copy). Entries whose rule sets are gone are purged as the map grows, and past
 * {@value #MAX_KEYS} selections it starts over. Thread-safe; two workloads missing at once may both compile, which
 * is only wasted work.
 */
public final class RuleSetCache {
    static final int MAX_KEYS = 4096;
    private static final int MAX_VARIANTS = 8;

    private final Map<Key, List<Variant>> entries = new ConcurrentHashMap<>();

    /** The policies, compared by identity, and everything else a compilation depends on except the filesystem. */
    private static final class Key {
        private final Scope scope;
        private final Policy[] policies;
        private final Posture posture;
        private final boolean dryRun;
        private final int hash;

        Key(Scope scope, List<Policy> policies, Posture posture, boolean dryRun) {
            this.scope = scope;
            this.policies = policies.toArray(Policy[]::new);
            this.posture = posture;
            this.dryRun = dryRun;
            int h = scope.hashCode() * 31 + posture.hashCode();
            for (Policy p : this.policies) h = h * 31 + System.identityHashCode(p);
            this.hash = h * 2 + (dryRun ? 1 : 0);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key k) || k.hash != hash || k.scope != scope || k.dryRun != dryRun
                    || k.policies.length != policies.length || !k.posture.equals(posture)) {
                return false;
            }
            for (int i = 0; i < policies.length; i++) if (k.policies[i] != policies[i]) return false;
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** A rule set, held weakly, and the aliases its compilation saw. */
    private record Variant(Map<String, List<String>> aliasesSeen, WeakReference<RuleSet> rules) {
        boolean fits(PathAliases aliases) {
            for (Map.Entry<String, List<String>> e : aliasesSeen.entrySet()) {
                if (!aliases.aliases(e.getKey()).equals(e.getValue())) return false;
            }
            return true;
        }
    }

    /** Records what a compilation asks of the workload's filesystem. */
    private static final class RecordingAliases implements PathAliases {
        private final PathAliases delegate;
        final Map<String, List<String>> seen = new LinkedHashMap<>();

        RecordingAliases(PathAliases delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<String> aliases(String path) {
            return seen.computeIfAbsent(path, delegate::aliases);
        }
    }

    /**
     * The rule set for a workload, compiled or shared.
     *
     * @param dryRun compile every policy as dry-run (a pod's {@code kubearmor-policy: audited} annotation)
     */
    public RuleSet compile(Scope scope, List<Policy> policies, Posture posture, boolean dryRun, PathAliases aliases) {
        Key key = new Key(scope, policies, posture, dryRun);
        List<Variant> variants = entries.get(key);
        if (variants != null) {
            for (Variant v : variants) {
                RuleSet held = v.rules().get();
                if (held != null && v.fits(aliases)) return held;
            }
        }
        RecordingAliases recording = new RecordingAliases(aliases);
        List<Policy> compiled = dryRun ? policies.stream().map(RuleSetCache::asDryRun).toList() : policies;
        RuleSet rules = RuleSetCompiler.compile(scope, compiled, posture, recording);
        Variant made = new Variant(Map.copyOf(recording.seen), new WeakReference<>(rules));
        if (entries.size() >= purgeAt) purge();
        entries.merge(key, List.of(made), (old, add) -> {
            List<Variant> both = new ArrayList<>(old.size() + 1);
            for (Variant v : old) if (v.rules().get() != null && both.size() < MAX_VARIANTS - 1) both.add(v);
            both.addAll(add);
            return List.copyOf(both);
        });
        return rules;
    }

    private volatile int purgeAt = 64;

    /** Drops the selections no workload has in force any more; starts over if that leaves too many. */
    private synchronized void purge() {
        if (entries.size() < purgeAt) return;
        entries.values().removeIf(vs -> vs.stream().allMatch(v -> v.rules().get() == null));
        if (entries.size() >= MAX_KEYS) entries.clear();
        purgeAt = Math.max(64, 2 * entries.size());
    }

    /** How many distinct selections are held (tests, metrics). */
    public int size() {
        return entries.size();
    }

    private static Policy asDryRun(Policy p) {
        if (p.dryRun()) return p;
        return new Policy(p.kind(), p.name(), p.namespace(), p.spec(), p.annotations(), true, p.source(), p.lines());
    }
}
