package dev.palisade.policy.discover;

import dev.palisade.policy.select.WorkloadIdentity;
import dev.palisade.policy.simulate.Access;
import dev.palisade.policy.simulate.LogInterpreter;
import dev.palisade.policy.simulate.LogLines;
import dev.palisade.policy.simulate.Simulator;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.TelemetryTypes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns a least-permissive KubeArmorPolicy per workload from observed behaviour (KubeArmor Log records): the
 * programs it ran, the files it opened (folded into directories where listing them would be brittle, read-only
 * where it never wrote), the protocols and capabilities it used, {@code fromSource} where one program was always
 * behind a resource. Only classes with observations get rules: KubeArmor cannot express "allow nothing", and a
 * class with an allow-list of what was never seen would still be open.
 */
public final class Discoverer {
    private final DiscoverySettings settings;
    private final Map<WorkloadKey, Observations> workloads = new LinkedHashMap<>();
    private long skipped;

    public Discoverer(DiscoverySettings settings) {
        this.settings = settings;
    }

    /**
     * Takes one log; host logs, operations Palisade does not decide and failed operations (an open of a file
     * that does not exist never reaches an enforcer, and the dynamic loader probes many) are counted as skipped.
     */
    public void add(Log log, com.fasterxml.jackson.databind.JsonNode raw) {
        if (!log.result().isEmpty() && !log.result().equals("Passed")) {
            skipped++;
            return;
        }
        boolean host = TelemetryTypes.HOST_LOG.equals(log.type()) || (log.namespaceName().isEmpty() && log.podName().isEmpty());
        Optional<Access> a = host ? Optional.empty() : LogInterpreter.interpret(log, raw);
        if (a.isEmpty()) {
            skipped++;
            return;
        }
        WorkloadKey key = WorkloadKey.of(log, Simulator.parseLabels(log.labels()));
        workloads.computeIfAbsent(key, k -> new Observations()).add(a.get());
    }

    public void add(LogLines.Entry e) {
        add(e.log(), e.raw());
    }

    public long skipped() {
        return skipped;
    }

    /** One draft per workload seen, in the order first seen; names are unique. */
    public List<PolicyDraft> drafts() {
        List<PolicyDraft> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Map.Entry<WorkloadKey, Observations> e : workloads.entrySet()) {
            String base = dnsName(e.getKey().name()) + "-least-permissive";
            String name = base;
            for (int i = 2; !names.add(e.getKey().namespace() + "/" + name); i++) name = base + "-" + i;
            out.add(draft(e.getKey(), name, e.getValue()));
        }
        return out;
    }

    private PolicyDraft draft(WorkloadKey key, String name, Observations o) {
        List<DraftRule> rules = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        processRules(o, rules);
        fileRules(o, rules);
        for (Map.Entry<String, Usage> p : o.protocols.entrySet()) {
            rules.add(new DraftRule("network", "matchProtocols", "protocol", p.getKey(), false, false,
                    p.getValue().stableSource(settings.minSourceEvents()), p.getValue().describe()));
        }
        for (Map.Entry<String, Usage> c : o.capabilities.entrySet()) {
            rules.add(new DraftRule("capabilities", "matchCapabilities", "capability", c.getKey(), false, false,
                    c.getValue().stableSource(settings.minSourceEvents()), c.getValue().describe()));
        }
        if (o.unknownSockets > 0) {
            notes.add(o.unknownSockets + " network events did not say their socket type (e.g. KubeArmor connect logs) "
                    + "and were not learned; record with Palisade's monitor to include them");
        }
        for (String cls : List.of("process", "file", "network", "capabilities")) {
            if (rules.stream().noneMatch(r -> r.section().equals(cls))) {
                notes.add("no " + cls + " operations seen: that class stays open (KubeArmor cannot allow-list nothing)");
            }
        }
        return new PolicyDraft(key, name, o.events, rules, notes);
    }

    private void processRules(Observations o, List<DraftRule> rules) {
        Map<String, List<String>> byDir = new TreeMap<>();
        o.executions.keySet().forEach(p -> byDir.computeIfAbsent(p.substring(0, p.lastIndexOf('/') + 1), d -> new ArrayList<>()).add(p));
        for (Map.Entry<String, List<String>> d : byDir.entrySet()) {
            if (d.getValue().size() >= settings.processFoldThreshold()) {
                Usage all = new Usage();
                d.getValue().forEach(p -> all.addAll(o.executions.get(p)));
                rules.add(new DraftRule("process", "matchDirectories", "dir", d.getKey(), false, false,
                        all.stableSource(settings.minSourceEvents()),
                        "folded from " + d.getValue().size() + " programs; " + all.describe()));
            } else {
                for (String p : d.getValue()) {
                    Usage u = o.executions.get(p);
                    rules.add(new DraftRule("process", "matchPaths", "path", p, false, false,
                            u.stableSource(settings.minSourceEvents()), u.describe()));
                }
            }
        }
    }

    private void fileRules(Observations o, List<DraftRule> rules) {
        if (o.files.isEmpty()) return;
        // Executing a program opens it (and the runtime opens it first to start it): a file allow-list must let
        // every program of the process allow-list be read.
        Map<String, Usage> files = new TreeMap<>(o.files);
        o.executions.forEach((path, use) -> files.computeIfAbsent(path, p -> {
            Usage u = new Usage();
            u.count = use.count;
            return u;
        }));
        Set<String> emitted = new HashSet<>();
        for (PathFolding.FileRule f : PathFolding.fold(files, settings.foldThreshold())) {
            String comment = f.directory()
                    ? "folded from " + f.covered().size() + " paths (" + sample(f.covered()) + "); " + f.usage().describe()
                    : f.usage().describe();
            rules.add(new DraftRule("file", f.directory() ? "matchDirectories" : "matchPaths", f.directory() ? "dir" : "path",
                    f.resource(), f.directory(), !f.usage().written, f.directory() ? null
                    : f.usage().stableSource(settings.minSourceEvents()), comment));
            emitted.add(f.resource());
        }
        if (!settings.runtimeBaseline()) return;
        for (String[] b : RUNTIME_BASELINE) {
            boolean dir = b[0].endsWith("/");
            boolean writable = b[1].equals("rw");
            if (emitted.contains(b[0])) {
                // Learned read-only, but the runtime writes there (e.g. /proc/self at start-up): keep it writable.
                if (writable) {
                    rules.replaceAll(r -> r.section().equals("file") && r.value().equals(b[0]) && r.readOnly()
                            ? new DraftRule(r.section(), r.list(), r.field(), r.value(), r.recursive(), false, r.fromSource(),
                                    r.comment() + "; writable for the runtime: " + b[2])
                            : r);
                }
                continue;
            }
            if (covered(b[0], writable, rules)) continue;
            rules.add(new DraftRule("file", dir ? "matchDirectories" : "matchPaths", dir ? "dir" : "path", b[0], dir,
                    b[1].equals("ro"), null, "runtime baseline: " + b[2]));
        }
    }

    /** Entries the container runtime and the dynamic loader need even when the recording missed start-up. */
    private static final String[][] RUNTIME_BASELINE = {
            {"/dev/null", "rw", "everything redirects here"},
            {"/dev/zero", "ro", "memory mappings"},
            {"/dev/urandom", "ro", "random numbers"},
            {"/dev/pts/", "rw", "terminals of kubectl exec"},
            {"/proc/", "rw", "the runtime and language runtimes read and tune /proc/self"},
            {"/etc/ld.so.cache", "ro", "the dynamic loader"},
            {"/usr/lib/", "ro", "shared libraries"},
            {"/lib/", "ro", "shared libraries (merged-/usr spelling)"},
    };

    /** A learned directory rule already covers {@code path}. */
    private static boolean covered(String path, boolean writable, List<DraftRule> rules) {
        for (DraftRule r : rules) {
            if (r.section().equals("file") && r.field().equals("dir") && path.startsWith(r.value())
                    && (!writable || !r.readOnly())) {
                return true;
            }
        }
        return false;
    }

    private static String sample(List<String> paths) {
        if (paths.size() <= 3) return String.join(", ", paths);
        return String.join(", ", paths.subList(0, 3)) + ", ...";
    }

    static String dnsName(String s) {
        String n = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-").replaceAll("^[-.]+|[-.]+$", "");
        if (n.length() > 200) n = n.substring(0, 200);
        return n.isEmpty() ? "workload" : n;
    }

    /** The workload's identity, for tests and output headers. */
    public static WorkloadIdentity identity(WorkloadKey k) {
        return new WorkloadIdentity(k.namespace(), "", "", k.selector());
    }
}
