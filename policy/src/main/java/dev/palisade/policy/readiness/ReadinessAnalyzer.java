package dev.palisade.policy.readiness;

import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleAction;
import dev.palisade.policy.discover.WorkloadKey;
import dev.palisade.policy.select.HostIdentity;
import dev.palisade.policy.simulate.LogLines;
import dev.palisade.policy.simulate.PostureSettings;
import dev.palisade.policy.simulate.Simulator;
import dev.palisade.telemetry.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers "can this namespace switch to block now?": replays what its workloads did against the policies as if
 * the namespace's posture were the target, and counts what would have been denied. A namespace is safe when, over
 * a long enough window with enough events, nothing would have been denied.
 */
public final class ReadinessAnalyzer {
    /**
     * @param target     the posture to switch to (usually block for every class)
     * @param window     only events this close to the newest one count (their Timestamp, seconds)
     * @param minSpan    less observed time than this is not enough to call a namespace safe
     * @param minEvents  fewer events than this per workload is not enough either
     */
    public record Settings(Posture target, Duration window, Duration minSpan, long minEvents) {}

    private final List<Policy> policies;
    private final Settings settings;
    private final List<LogLines.Entry> entries = new ArrayList<>();

    public ReadinessAnalyzer(List<Policy> policies, Settings settings) {
        this.policies = List.copyOf(policies);
        this.settings = settings;
    }

    public void add(LogLines.Entry e) {
        if (!e.log().namespaceName().isEmpty()) entries.add(e);
    }

    public List<NamespaceVerdict> verdicts() {
        long newest = entries.stream().mapToLong(e -> e.log().timestamp()).max().orElse(0);
        long from = newest - settings.window().toSeconds();
        Map<String, Map<String, Acc>> byNs = new TreeMap<>();
        // Every namespace at the target posture: what would switching do.
        Simulator sim = new Simulator(policies, PostureSettings.uniform(settings.target()), new HostIdentity("", Map.of()),
                dev.palisade.telemetry.TelemetryTypes.ENFORCER_BPF_LSM);
        for (LogLines.Entry e : entries) {
            Log log = e.log();
            if (log.timestamp() != 0 && log.timestamp() < from) continue;
            WorkloadKey k = WorkloadKey.of(log, Simulator.parseLabels(log.labels()));
            Acc acc = byNs.computeIfAbsent(log.namespaceName(), n -> new TreeMap<>()).computeIfAbsent(k.name(), n -> new Acc());
            acc.see(log.timestamp());
            sim.decide(log, e.raw()).ifPresent(d -> {
                if (d.verdict().action() == RuleAction.BLOCK && !d.verdict().dryRun()) {
                    acc.wouldBlock++;
                    acc.denials.merge(d.alert().operation() + " " + d.alert().resource() + " (" + d.alert().policyName() + ")",
                            1L, Long::sum);
                } else {
                    acc.wouldAudit++;
                }
            });
        }
        List<NamespaceVerdict> out = new ArrayList<>();
        byNs.forEach((ns, workloads) -> {
            List<WorkloadReadiness> ws = new ArrayList<>();
            workloads.forEach((name, a) -> ws.add(a.toReadiness(ns, name)));
            out.add(verdict(ns, ws));
        });
        return out;
    }

    private NamespaceVerdict verdict(String ns, List<WorkloadReadiness> ws) {
        long blocked = ws.stream().mapToLong(WorkloadReadiness::wouldBlock).sum();
        if (blocked > 0) {
            WorkloadReadiness worst = ws.stream().max(Comparator.comparingLong(WorkloadReadiness::wouldBlock)).orElseThrow();
            String top = worst.denials().keySet().iterator().next();
            return new NamespaceVerdict(ns, false, blocked + " operation" + (blocked == 1 ? "" : "s")
                    + " would be denied; most by " + worst.workload() + ": " + top, ws);
        }
        for (WorkloadReadiness w : ws) {
            if (w.events() < settings.minEvents()) {
                return new NamespaceVerdict(ns, false, "not enough evidence: " + w.workload() + " has " + w.events()
                        + " events (need " + settings.minEvents() + ")", ws);
            }
            if (w.spanSeconds() < settings.minSpan().toSeconds()) {
                return new NamespaceVerdict(ns, false, "not enough evidence: " + w.workload() + " was observed for "
                        + human(Duration.ofSeconds(w.spanSeconds())) + " (need " + human(settings.minSpan()) + ")", ws);
            }
        }
        return new NamespaceVerdict(ns, true, "nothing would be denied over " + human(settings.window())
                + "; safe to set kubearmor-file-posture=block (and network/capabilities as targeted)", ws);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 86400 && s % 3600 == 0) return (s / 3600) + "h";
        if (s >= 3600) return (s / 3600) + "h" + (s % 3600 / 60 > 0 ? (s % 3600 / 60) + "m" : "");
        if (s >= 60) return (s / 60) + "m";
        return s + "s";
    }

    private static final class Acc {
        long events, first = Long.MAX_VALUE, last = Long.MIN_VALUE, wouldBlock, wouldAudit;
        final Map<String, Long> denials = new LinkedHashMap<>();

        void see(long ts) {
            events++;
            if (ts != 0) {
                first = Math.min(first, ts);
                last = Math.max(last, ts);
            }
        }

        WorkloadReadiness toReadiness(String ns, String name) {
            Map<String, Long> sorted = new LinkedHashMap<>();
            denials.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return new WorkloadReadiness(ns, name, events, first == Long.MAX_VALUE ? 0 : first,
                    last == Long.MIN_VALUE ? 0 : last, wouldBlock, wouldAudit, sorted);
        }
    }
}
