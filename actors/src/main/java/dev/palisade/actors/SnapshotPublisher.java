package dev.palisade.actors;

import dev.palisade.policy.compile.RuleSet;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadSnapshot;
import dev.palisade.workload.WorkloadView;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published view: readers get the current immutable snapshot with one volatile read; the actors are its only
 * writers. A snapshot copies the whole map, so one new snapshot per container change would cost O(containers²)
 * when a policy selecting every container changes. Writers therefore only queue their change; one publishing
 * thread applies everything queued in one new snapshot, and after making one waits {@value #PACING} times the CPU
 * time that took (at least {@code minInterval}) before the next: an isolated change is visible at once, a burst (a
 * thousand containers recompiled) rides along in a few dozen snapshots, and copying never takes more than a fifth
 * of a core. Each change's callback runs once the change is visible.
 */
public final class SnapshotPublisher implements WorkloadView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);
    /** The shortest wait between two snapshots. */
    static final Duration DEFAULT_MIN_INTERVAL = Duration.ofMillis(1).dividedBy(20);
    /** Waiting this many times the cost of the last snapshot bounds the copying to 1 / (PACING + 1) of a core. */
    static final int PACING = 4;
    /** A copy counted as longer than this (it never is, on CPU) would delay the next snapshot more than 20 ms. */
    private static final long MAX_PACED_COPY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    private sealed interface Change permits Put, Remove, Host {
        Runnable visible();
    }

    private record Put(ProtectedWorkload workload, Runnable visible) implements Change {}

    /** Removes the entry only if it is still this container's. */
    private record Remove(long cgroupId, String containerId, Runnable visible) implements Change {}

    private record Host(RuleSet rules, Runnable visible) implements Change {}

    private final AtomicReference<WorkloadSnapshot> current = new AtomicReference<>(WorkloadSnapshot.EMPTY);
    private final ConcurrentLinkedQueue<Change> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final long minIntervalNanos;
    private final Thread thread;
    private volatile boolean running = true;

    SnapshotPublisher() {
        this(DEFAULT_MIN_INTERVAL);
    }

    SnapshotPublisher(Duration minInterval) {
        this.minIntervalNanos = minInterval.toNanos();
        this.thread = Thread.ofPlatform().name("snapshot-publisher").daemon(true).start(this::run);
    }

    @Override
    public WorkloadSnapshot current() {
        return current.get();
    }

    void put(ProtectedWorkload w, Runnable visible) {
        queue(new Put(w, visible));
    }

    void remove(long cgroupId, String containerId, Runnable visible) {
        queue(new Remove(cgroupId, containerId, visible));
    }

    void host(RuleSet rules, Runnable visible) {
        queue(new Host(rules, visible));
    }

    private void queue(Change c) {
        pending.add(c);
        queued.incrementAndGet();
        if (signalled.compareAndSet(false, true)) LockSupport.unpark(thread);
    }

    /** Waits until every change queued before this call is visible (tests, and stopping in order). */
    public boolean awaitPublished(Duration timeout) {
        long target = queued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (applied.get() < target) {
            if (System.nanoTime() > deadline || !running) return applied.get() >= target;
            LockSupport.parkNanos(50_000);
        }
        return true;
    }

    private void run() {
        long next = 0;
        while (running) {
            if (!signalled.get()) {
                LockSupport.park(this);
                continue;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            signalled.set(false);
            long start = cpuNanos();
            try {
                apply();
            } catch (RuntimeException e) {
                LOG.error("publishing a snapshot failed", e);
            }
            // Paced by the CPU the copy took, not the wall time: a collection pause or a preemption in the middle of
            // a copy would otherwise hold the next snapshot back four times as long (a 35 ms pause, 140 ms late).
            long spent = Math.min(cpuNanos() - start, MAX_PACED_COPY_NANOS);
            next = System.nanoTime() + Math.max(minIntervalNanos, PACING * spent);
        }
    }

    private static long cpuNanos() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private void apply() {
        List<Change> batch = new ArrayList<>();
        for (Change c; (c = pending.poll()) != null; ) batch.add(c);
        if (batch.isEmpty()) return;
        WorkloadSnapshot s = current.get();
        Map<Long, ProtectedWorkload> m = new HashMap<>(s.all());
        RuleSet host = s.host();
        for (Change c : batch) {
            switch (c) {
                case Put(ProtectedWorkload w, Runnable v) -> m.put(w.container().cgroupId(), w);
                case Remove(long cg, String id, Runnable v) -> {
                    ProtectedWorkload there = m.get(cg);
                    if (there != null && there.container().containerId().equals(id)) m.remove(cg);
                }
                case Host(RuleSet r, Runnable v) -> host = r;
            }
        }
        current.set(new WorkloadSnapshot(s.version() + 1, m, host));
        applied.addAndGet(batch.size());
        for (Change c : batch) {
            try {
                c.visible().run();
            } catch (RuntimeException e) {
                LOG.warn("a publish callback failed: {}", e.toString());
            }
        }
    }

    /** Applies what is queued, then stops the publishing thread. */
    @Override
    public void close() {
        awaitPublished(Duration.ofSeconds(5));
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
