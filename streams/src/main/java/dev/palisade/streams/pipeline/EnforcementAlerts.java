package dev.palisade.streams.pipeline;

import dev.palisade.kernel.enforce.EnforcementEvent;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.telemetry.UpdatedTimeText;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryTypes;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadView;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Turns the enforcer's decisions into KubeArmor alerts, enriched from the published view and throttled like the
 * monitor's (its own budgets). Single-threaded: one instance per stream.
 */
public final class EnforcementAlerts {
    private final WorkloadView view;
    private final NodeIdentity node;
    private final AlertThrottle throttle;
    private final PipelineCounters counters;
    private final LongSupplier monotonicNanos;

    public EnforcementAlerts(WorkloadView view, NodeIdentity node, PipelineSettings settings, PipelineCounters counters,
                             LongSupplier monotonicNanos) {
        this.view = view;
        this.node = node;
        this.throttle = new AlertThrottle(settings.maxAlertsPerSecond(), settings.throttleSeconds());
        this.counters = counters;
        this.monotonicNanos = monotonicNanos;
    }

    public List<Telemetry> alert(EnforcementEvent e) {
        Verdict v = e.verdict();
        ProtectedWorkload w = view.current().byCgroupId(e.cgroupId());
        ContainerInfo c = w == null ? null : w.container();
        Alert.Builder b = Alert.builder()
                .timestamp(e.time().getEpochSecond()).updatedTime(UpdatedTimeText.of(e.time()))
                .clusterName(node.clusterName()).hostName(node.hostName())
                .hostPid(e.pid()).uid(e.uid())
                .processName(e.operation() == OperationClass.PROCESS ? e.resource() : e.source())
                .parentProcessName(e.operation() == OperationClass.PROCESS ? e.source() : "")
                .source(e.source()).operation(e.operation().operation()).resource(e.resource())
                .data(switch (e.operation()) {
                    case PROCESS -> "syscall=SYS_EXECVE";
                    case FILE -> "syscall=SYS_OPENAT";
                    default -> "";
                })
                .enforcer(e.enforcer().alertName()).result(e.result());
        if (c != null) {
            b.namespaceName(c.namespace()).podName(c.podName()).labels(c.identity().labelsText()).owner(c.owner())
                    .containerId(c.containerId()).containerName(c.containerName()).containerImage(c.image());
        }
        switch (throttle.admit(e.cgroupId(), v.defaultPosture(), monotonicNanos.getAsLong())) {
            case DROP -> {
                counters.throttled.incrementAndGet();
                return List.of();
            }
            case FIRST_DROP -> {
                counters.throttled.incrementAndGet();
                counters.alerts.incrementAndGet();
                return List.of(b.type(TelemetryTypes.SYSTEM_EVENT).operation(TelemetryTypes.OP_ALERT_THRESHOLD)
                        .resource("").source("").data("")
                        .message("Alerts of this container exceed " + throttle.maxPerSecond() + " per second; dropping them for "
                                + throttle.throttleSeconds() + " s")
                        .maxAlertsPerSec(throttle.maxPerSecond()).droppingAlertsInterval((int) throttle.throttleSeconds())
                        .result("Passed").build());
            }
            case PASS -> { }
        }
        counters.alerts.incrementAndGet();
        return List.of(b.policyName(v.policyName()).severity(v.severity()).tags(v.tags()).atags(v.atags())
                .message(v.message()).type(v.alertType()).action(v.actionText()).build());
    }
}
