package dev.palisade.streams.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-container alert throttling, KubeArmor's {@code maxAlertPerSec} / {@code throttleSec}, with one difference:
 * DefaultPosture alerts and policy alerts have separate budgets, so a burst of posture misses can never silence
 * the alerts of a policy someone wrote on purpose (KubeArmor #2789). When a budget is exceeded the caller raises
 * one {@code AlertThreshold} system alert and that kind of alert is dropped (and counted) for {@code throttleSec}.
 * Single-threaded.
 */
final class AlertThrottle {
    enum Decision { PASS, FIRST_DROP, DROP }

    private final int maxPerSecond;
    private final long throttleNanos;
    private final Map<Long, Budget[]> budgets = new HashMap<>();
    private long dropped;

    AlertThrottle(int maxPerSecond, long throttleSeconds) {
        this.maxPerSecond = maxPerSecond;
        this.throttleNanos = throttleSeconds * 1_000_000_000L;
    }

    private static final class Budget {
        long windowStart;
        int count;
        long silentUntil = Long.MIN_VALUE;
    }

    /**
     * @param workload    cgroup id (0 for the host)
     * @param posture     a DefaultPosture alert (else a policy's)
     * @param nowNanos    a monotonic clock
     */
    Decision admit(long workload, boolean posture, long nowNanos) {
        if (maxPerSecond <= 0) return Decision.PASS;
        Budget b = budgets.computeIfAbsent(workload, k -> new Budget[] {new Budget(), new Budget()})[posture ? 1 : 0];
        if (nowNanos < b.silentUntil) {
            dropped++;
            return Decision.DROP;
        }
        if (nowNanos - b.windowStart >= 1_000_000_000L) {
            b.windowStart = nowNanos;
            b.count = 0;
        }
        if (++b.count <= maxPerSecond) return Decision.PASS;
        b.silentUntil = nowNanos + throttleNanos;
        dropped++;
        return Decision.FIRST_DROP;
    }

    void forget(long workload) {
        budgets.remove(workload);
    }

    long dropped() {
        return dropped;
    }

    int maxPerSecond() {
        return maxPerSecond;
    }

    long throttleSeconds() {
        return throttleNanos / 1_000_000_000L;
    }
}
