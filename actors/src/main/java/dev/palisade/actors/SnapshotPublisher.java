package dev.palisade.actors;

import dev.palisade.policy.compile.RuleSet;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadSnapshot;
import dev.palisade.workload.WorkloadView;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The published view: readers take the current immutable snapshot with one volatile read; the actors replace it
 * after every successful publish. Updates are serialized so no change overwrites another.
 */
public final class SnapshotPublisher implements WorkloadView {
    private final AtomicReference<WorkloadSnapshot> current = new AtomicReference<>(WorkloadSnapshot.EMPTY);

    @Override
    public WorkloadSnapshot current() {
        return current.get();
    }

    void put(ProtectedWorkload w) {
        current.updateAndGet(s -> s.with(w));
    }

    void remove(long cgroupId) {
        current.updateAndGet(s -> s.without(cgroupId));
    }

    void host(RuleSet rules) {
        current.updateAndGet(s -> s.withHost(rules));
    }
}
