package dev.palisade.actors;

import dev.palisade.kernel.enforce.EnforcementException;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The enforcer boundary for actor tests: holds what it was told to enforce, like a real enforcer's kernel maps,
 * records every call, and refuses on demand (the next n applies, or every apply for one cgroup).
 */
public final class RecordingEnforcer implements Enforcer {
    /** What is in force, by cgroup id. */
    public final Map<Long, ProtectedWorkload> applied = new ConcurrentHashMap<>();
    /** Every apply attempt, accepted or not, in order. */
    public final List<ProtectedWorkload> attempts = new CopyOnWriteArrayList<>();
    public final List<ContainerInfo> removed = new CopyOnWriteArrayList<>();
    public final AtomicInteger failNext = new AtomicInteger();
    public final AtomicInteger hostFailNext = new AtomicInteger();
    /** Refuse every apply for these cgroups, until removed from the set. */
    public final java.util.Set<Long> refuse = ConcurrentHashMap.newKeySet();
    public volatile RuleSet host;

    @Override
    public EnforcerKind kind() {
        return EnforcerKind.AUDIT_ONLY;
    }

    @Override
    public void apply(ProtectedWorkload w) throws EnforcementException {
        attempts.add(w);
        if (refuse.contains(w.container().cgroupId())) throw new EnforcementException("injected refusal for this cgroup");
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new EnforcementException("injected failure");
        applied.put(w.container().cgroupId(), w);
    }

    @Override
    public void remove(ContainerInfo container) {
        removed.add(container);
        applied.remove(container.cgroupId());
    }

    @Override
    public void applyHost(RuleSet rules) throws EnforcementException {
        if (hostFailNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new EnforcementException("injected host failure");
        host = rules;
    }

    /** Apply attempts for one cgroup. */
    public long attemptsFor(long cgroupId) {
        return attempts.stream().filter(w -> w.container().cgroupId() == cgroupId).count();
    }

    @Override
    public void close() {}
}
