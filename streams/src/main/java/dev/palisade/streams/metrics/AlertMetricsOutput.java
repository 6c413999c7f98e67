package dev.palisade.streams.metrics;

import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * {@code palisade_alerts_total{policy, action, enforcer, type}}: every alert the agent sends, by the policy that
 * decided it ({@code DefaultPosture} for posture misses, {@code none} for system events), its action ({@code Block},
 * {@code Audit}, {@code Audit (Block)}, ...), who decided it ({@code BPFLSM}, {@code fanotify}, the monitor) and its
 * type. A hub sink taking alerts only, so counting costs the pipeline nothing; if it ever falls behind, its drops are
 * counted like any sink's.
 */
public final class AlertMetricsOutput implements TelemetryOutput {
    public static final String ALERTS = "palisade.alerts";

    private final MeterRegistry registry;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

    private record Key(String policy, String action, String enforcer, String type) {}

    public AlertMetricsOutput(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "alert-metrics";
    }

    @Override
    public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
        return Flow.<Telemetry>create().map(r -> {
            if (r instanceof Alert a) count(a);
            return Delivery.ONE;
        });
    }

    private void count(Alert a) {
        Key k = new Key(orNone(a.policyName()), orNone(a.action()), orNone(a.enforcer()), orNone(a.type()));
        counters.computeIfAbsent(k, key -> Counter.builder(ALERTS)
                .description("alerts sent, by deciding policy, action, enforcer and type")
                .tag("policy", key.policy()).tag("action", key.action()).tag("enforcer", key.enforcer())
                .tag("type", key.type()).register(registry)).increment();
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? "none" : s;
    }
}
