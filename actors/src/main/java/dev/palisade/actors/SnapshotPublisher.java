package dev.palisade.actors;

import dev.palisade.policy.compile.RuleSet;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadSnapshot;
import dev.palisade.workload.WorkloadView;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The published view: readers get the current immutable snapshot with one volatile read; the actors are its only
 * writers. A snapshot copies the whole map, so when many actors publish at once (a policy that selects every
 * container) their changes are combined: each writer queues its change and whoever holds the lock applies every
 * queued change in one new snapshot. A writer returns once its change is visible.
 */
public final class SnapshotPublisher implements WorkloadView {
    private sealed interface Change permits Put, Remove, Host {}

    private record Put(ProtectedWorkload workload) implements Change {}

    /** Removes the entry only if it is still this container's (a new container may reuse nothing, but be sure). */
    private record Remove(long cgroupId, String containerId) implements Change {}

    private record Host(RuleSet rules) implements Change {}

    private final AtomicReference<WorkloadSnapshot> current = new AtomicReference<>(WorkloadSnapshot.EMPTY);
    private final ConcurrentLinkedQueue<Change> pending = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public WorkloadSnapshot current() {
        return current.get();
    }

    void put(ProtectedWorkload w) {
        pending.add(new Put(w));
        flush();
    }

    void remove(long cgroupId, String containerId) {
        pending.add(new Remove(cgroupId, containerId));
        flush();
    }

    void host(RuleSet rules) {
        pending.add(new Host(rules));
        flush();
    }

    private void flush() {
        lock.lock();
        try {
            // Another writer may have applied this change while we waited for the lock.
            if (pending.isEmpty()) return;
            WorkloadSnapshot s = current.get();
            Map<Long, ProtectedWorkload> m = new HashMap<>(s.all());
            RuleSet host = s.host();
            for (Change c; (c = pending.poll()) != null; ) {
                switch (c) {
                    case Put(ProtectedWorkload w) -> m.put(w.container().cgroupId(), w);
                    case Remove(long cg, String id) -> {
                        ProtectedWorkload there = m.get(cg);
                        if (there != null && there.container().containerId().equals(id)) m.remove(cg);
                    }
                    case Host(RuleSet r) -> host = r;
                }
            }
            current.set(new WorkloadSnapshot(s.version() + 1, m, host));
        } finally {
            lock.unlock();
        }
    }
}
