package dev.palisade.streams.metrics;

import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The live side of {@code palisade readiness}: watches the agent's own alerts and logs and says, per namespace, what a
 * block posture would deny and whether switching to it is safe now. It is a hub sink like any other, so a burst of
 * alerts costs it buffer space, never the pipeline's time.
 *
 * <p>Counters are by namespace, workload (the pod's owner) and deciding policy; resources stay out of labels (their
 * number is unbounded) and are what {@code palisade readiness} lists. A would-be denial is an audited posture miss ({@code DefaultPosture}, {@code Audit}: least-permissive mode under
 * an audit posture) or a dry-run policy's {@code Audit (Block)}. A namespace is safe once it has been watched for
 * {@code minSpan} and nothing would have been denied within {@code window}.
 */
public final class ReadinessOutput implements TelemetryOutput {
    public static final String WOULD_BLOCK = "palisade_readiness_would_block";
    public static final String BLOCK_SAFE = "palisade_readiness_block_safe";

    private final MeterRegistry registry;
    private final Duration window;
    private final Duration minSpan;
    private final Clock clock;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final Map<String, Counter> wouldBlock = new ConcurrentHashMap<>();

    public ReadinessOutput(MeterRegistry registry, Duration window, Duration minSpan, Clock clock) {
        this.registry = registry;
        this.window = window;
        this.minSpan = minSpan;
        this.clock = clock;
    }

    /** What is known of one namespace; written by the one delivery stage, read by scrapes. */
    private final class Namespace {
        final long firstSeenMillis = clock.millis();
        volatile long lastWouldBlockMillis = Long.MIN_VALUE;

        double safe() {
            long now = clock.millis();
            boolean watchedLongEnough = now - firstSeenMillis >= minSpan.toMillis();
            boolean quiet = lastWouldBlockMillis == Long.MIN_VALUE || now - lastWouldBlockMillis > window.toMillis();
            return watchedLongEnough && quiet ? 1 : 0;
        }
    }

    @Override
    public String name() {
        return "readiness";
    }

    @Override
    public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
        return Flow.<Telemetry>create().map(List::of).via(batchDeliveryFlow(errors));
    }

    @Override
    public Flow<List<Telemetry>, Delivery, NotUsed> batchDeliveryFlow(ErrorReport errors) {
        return Flow.<List<Telemetry>>create().map(batch -> {
            for (Telemetry r : batch) observe(r);
            return Delivery.of(batch.size(), 0);
        });
    }

    void observe(Telemetry r) {
        switch (r) {
            case Log l -> namespace(l.namespaceName());
            case Alert a -> {
                Namespace ns = namespace(a.namespaceName());
                if (ns != null && wouldBeDenied(a)) {
                    ns.lastWouldBlockMillis = clock.millis();
                    String workload = workload(a);
                    wouldBlock.computeIfAbsent(a.namespaceName() + '\0' + workload + '\0' + a.policyName(), k -> Counter.builder(WOULD_BLOCK)
                            .description("operations a block posture would have denied (audited posture misses, dry-run blocks)")
                            .tag("namespace", a.namespaceName()).tag("workload", workload).tag("policy", a.policyName())
                            .register(registry)).increment();
                }
            }
            default -> { }
        }
    }

    /** The workload: the pod's owner (Deployment, DaemonSet, ...) when known, else the pod, else the container. */
    static String workload(Alert a) {
        if (a.owner() != null && a.owner().name() != null && !a.owner().name().isEmpty()) return a.owner().name();
        if (a.podName() != null && !a.podName().isEmpty()) return a.podName();
        return a.containerName() == null ? "" : a.containerName();
    }

    static boolean wouldBeDenied(Alert a) {
        String action = a.action();
        return "Audit (Block)".equals(action)
                || ("Audit".equals(action) && TelemetryTypes.DEFAULT_POSTURE.equals(a.policyName()));
    }

    private Namespace namespace(String name) {
        if (name == null || name.isEmpty()) return null; // the host has no namespace posture to switch
        Namespace ns = namespaces.get(name);
        if (ns != null) return ns;
        return namespaces.computeIfAbsent(name, n -> {
            Namespace created = new Namespace();
            Gauge.builder(BLOCK_SAFE, created, Namespace::safe)
                    .description("1 when switching this namespace's posture to block would have denied nothing within the window")
                    .tag("namespace", n).register(registry);
            return created;
        });
    }
}
