package dev.palisade.streams.pipeline;

import dev.palisade.kernel.event.EventHeader;
import dev.palisade.kernel.event.FileOpen;
import dev.palisade.kernel.event.MonitorEvent;
import dev.palisade.kernel.event.ProcessExec;
import dev.palisade.kernel.event.ProcessExit;
import dev.palisade.kernel.event.SocketEvent;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.RuleAction;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryTypes;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadSnapshot;
import dev.palisade.workload.WorkloadView;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The pipeline's processing stage: enriches a monitor event with its container's published metadata, turns it
 * into a KubeArmor Log, and, for operation classes the kernel enforcer does not cover, decides it against the
 * container's compiled rules to raise the Alert. Reads the current {@link WorkloadSnapshot} per event (a volatile
 * read, never an actor round trip). Single-threaded: one instance per stream.
 */
public final class EventProcessor {
    private final WorkloadView view;
    private final PipelineSettings settings;
    private final LogTranslator translator;
    private final ProcessTable processes;
    private final AlertThrottle throttle;
    private final PipelineCounters counters;
    private final long hostMountNamespace;
    private final LongSupplier monotonicNanos;

    public EventProcessor(WorkloadView view, PipelineSettings settings, NodeIdentity node,
                          dev.palisade.kernel.sys.BootClock clock, long hostMountNamespace, PipelineCounters counters,
                          LongSupplier monotonicNanos) {
        this.view = view;
        this.settings = settings;
        this.translator = new LogTranslator(node, clock);
        this.processes = new ProcessTable(settings.processTableSize());
        this.throttle = new AlertThrottle(settings.maxAlertsPerSecond(), settings.throttleSeconds());
        this.counters = counters;
        this.hostMountNamespace = hostMountNamespace;
        this.monotonicNanos = monotonicNanos;
    }

    /** The records an event produces: usually one Log, sometimes an Alert too, nothing for exits. */
    public List<Telemetry> process(MonitorEvent event) {
        List<Telemetry> out = new ArrayList<>(2);
        process(event, out);
        return out;
    }

    /** The records a batch of events produces, in order, as one batch. */
    public List<Telemetry> processAll(List<MonitorEvent> events) {
        List<Telemetry> out = new ArrayList<>(events.size() + (events.size() >> 2));
        for (MonitorEvent e : events) process(e, out);
        return out;
    }

    private void process(MonitorEvent event, List<Telemetry> out) {
        counters.events.incrementAndGet();
        EventHeader h = event.header();
        WorkloadSnapshot snapshot = view.current();
        ProtectedWorkload w = snapshot.byCgroupId(h.cgroupId());
        ContainerInfo c = w == null ? null : w.container();
        if (w == null && h.mountNamespace() != hostMountNamespace) counters.unknownContainer.incrementAndGet();
        RuleSet rules = w != null ? w.rules() : h.mountNamespace() == hostMountNamespace ? snapshot.host() : null;
        switch (event) {
            case ProcessExec e -> {
                processes.exec(h.pid(), e.path());
                Log log = translator.exec(e, c);
                emitLog(out, log);
                if (rules != null && !settings.enforcedClasses().contains(OperationClass.PROCESS)) {
                    String[] args = e.argv().size() > 1 ? e.argv().subList(1, e.argv().size()).toArray(String[]::new) : new String[0];
                    decide(out, log, rules.matcher().process(e.path(), emptyToNull(e.parentExe()), false, h.uid(), -1, args),
                            h.cgroupId());
                }
            }
            case FileOpen e -> {
                String path = absolute(e, h.pid());
                String exe = processes.exe(h.pid());
                Log log = translator.open(e, path, exe, processes.exe(h.ppid()), c);
                emitLog(out, log);
                if (rules != null && !settings.enforcedClasses().contains(OperationClass.FILE)) {
                    decide(out, log, rules.matcher().file(path, emptyToNull(exe), OpenFlags.writes(e.flags()), false,
                            h.uid(), -1), h.cgroupId());
                }
            }
            case SocketEvent e -> {
                String exe = processes.exe(h.pid());
                Log log = translator.socket(e, exe, processes.exe(h.ppid()), c);
                emitLog(out, log);
                if (rules != null && !settings.enforcedClasses().contains(OperationClass.NETWORK)) {
                    decide(out, log, rules.matcher().network(emptyToNull(exe), e.family(), e.type(), e.protocol(), false),
                            h.cgroupId());
                }
            }
            case ProcessExit e -> processes.exit(h.pid());
            default -> { }
        }
    }

    private void emitLog(List<Telemetry> out, Log log) {
        if (!settings.emitLogs()) return;
        out.add(log);
        counters.logs.incrementAndGet();
    }

    private void decide(List<Telemetry> out, Log log, Verdict v, long workload) {
        if (!v.alert()) return;
        switch (throttle.admit(workload, v.defaultPosture(), monotonicNanos.getAsLong())) {
            case DROP -> {
                counters.throttled.incrementAndGet();
                return;
            }
            case FIRST_DROP -> {
                counters.throttled.incrementAndGet();
                out.add(thresholdAlert(log, v.defaultPosture()));
                counters.alerts.incrementAndGet();
                return;
            }
            case PASS -> { }
        }
        // Nothing was denied here: a Block verdict for a class the kernel does not enforce is reported as such.
        String action = v.action() == RuleAction.BLOCK ? "Audit (Block)" : v.actionText();
        out.add(log.toAlert()
                .policyName(v.policyName()).severity(v.severity()).tags(v.tags()).atags(v.atags())
                .message(v.message()).type(v.alertType()).enforcer(settings.enforcerName())
                .action(action).build());
        counters.alerts.incrementAndGet();
    }

    private Alert thresholdAlert(Log log, boolean posture) {
        return log.toAlert()
                .type(TelemetryTypes.SYSTEM_EVENT)
                .operation(TelemetryTypes.OP_ALERT_THRESHOLD)
                .resource("").data("").source("")
                .message((posture ? "DefaultPosture" : "Policy") + " alerts of this container exceed "
                        + throttle.maxPerSecond() + " per second; dropping them for " + throttle.throttleSeconds()
                        + " s (the other kind keeps its own budget)")
                .maxAlertsPerSec(throttle.maxPerSecond())
                .droppingAlertsInterval((int) throttle.throttleSeconds())
                .result("Passed")
                .build();
    }

    /** The path the call meant: relative paths resolved against the working directory (or dirfd) of the task. */
    private static String absolute(FileOpen e, int pid) {
        String p = e.path();
        if (p.startsWith("/")) return normalize(p);
        String base = e.dirfd() == FileOpen.AT_FDCWD ? ProcessTable.cwd(pid) : fdPath(pid, e.dirfd());
        return base.isEmpty() ? p : normalize(base + "/" + p);
    }

    private static String fdPath(int pid, int fd) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc", Integer.toString(pid), "fd",
                    Integer.toString(fd))).toString();
        } catch (java.io.IOException | UnsupportedOperationException ex) {
            return "";
        }
    }

    /** Removes "." and "//" and resolves ".." lexically. */
    static String normalize(String path) {
        if (!path.contains("/.") && !path.contains("//")) return path;
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(s);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
