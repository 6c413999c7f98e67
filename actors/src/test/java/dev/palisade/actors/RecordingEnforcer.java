package dev.palisade.actors;

import dev.palisade.kernel.enforce.EnforcementException;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The enforcer boundary for actor tests: records what it was told to enforce, and can refuse on demand. */
final class RecordingEnforcer implements Enforcer {
    final Map<Long, ProtectedWorkload> applied = new ConcurrentHashMap<>();
    final AtomicInteger applies = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    volatile RuleSet host;

    @Override
    public EnforcerKind kind() {
        return EnforcerKind.AUDIT_ONLY;
    }

    @Override
    public void apply(ProtectedWorkload w) throws EnforcementException {
        applies.incrementAndGet();
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new EnforcementException("injected failure");
        applied.put(w.container().cgroupId(), w);
    }

    @Override
    public void remove(ContainerInfo container) {
        applied.remove(container.cgroupId());
    }

    @Override
    public void applyHost(RuleSet rules) {
        host = rules;
    }

    @Override
    public void close() {}
}
