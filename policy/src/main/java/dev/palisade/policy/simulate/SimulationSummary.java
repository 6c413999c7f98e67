package dev.palisade.policy.simulate;

import java.util.Map;
import java.util.TreeMap;

/** What a simulation counted: lines, decisions, alerts, and would-block / would-audit per policy. */
public final class SimulationSummary {
    private long lines, malformed, skipped, decided, alerts, blocked, audited;
    private final Map<String, long[]> perPolicy = new TreeMap<>(); // {would-block, would-audit}

    void countLine() { lines++; }

    void countMalformed() { malformed++; }

    void countSkipped() { skipped++; }

    void countDecided() { decided++; }

    void countAlert(String policy, boolean wouldBlock) {
        alerts++;
        long[] c = perPolicy.computeIfAbsent(policy, k -> new long[2]);
        if (wouldBlock) {
            blocked++;
            c[0]++;
        } else {
            audited++;
            c[1]++;
        }
    }

    public long lines() { return lines; }

    public long malformed() { return malformed; }

    /** Lines read fine whose operation Palisade does not decide (e.g. Syscall). */
    public long skipped() { return skipped; }

    public long decided() { return decided; }

    public long alerts() { return alerts; }

    public long wouldBlock() { return blocked; }

    public long wouldAudit() { return audited; }

    /** Policy (DefaultPosture with its namespace) to {would-block, would-audit}, sorted by name. */
    public Map<String, long[]> perPolicy() {
        return java.util.Collections.unmodifiableMap(perPolicy);
    }

    /** A few lines for humans (stderr). */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("events read: %d (malformed %d, not decidable %d), decided: %d%n", lines, malformed,
                skipped, decided));
        b.append(String.format("alerts: %d, would block: %d, would audit: %d%n", alerts, blocked, audited));
        if (!perPolicy.isEmpty()) {
            int w = Math.max(6, perPolicy.keySet().stream().mapToInt(String::length).max().orElse(6));
            b.append(String.format("  %-" + w + "s  %11s  %11s%n", "policy", "would block", "would audit"));
            perPolicy.forEach((p, c) -> b.append(String.format("  %-" + w + "s  %11d  %11d%n", p, c[0], c[1])));
        }
        return b.toString();
    }
}
