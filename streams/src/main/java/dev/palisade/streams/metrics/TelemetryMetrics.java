package dev.palisade.streams.metrics;

import dev.palisade.streams.TelemetryHub;
import dev.palisade.streams.sink.DropReason;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.SinkCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Publishes the hub's and the sinks' accounting as {@code palisade_*} meters. The counters themselves live in
 * {@link SinkCounters} and {@link dev.palisade.streams.HubCounters}; meters only read them, so the hot path pays
 * for one adder increment per record and nothing for metrics.
 */
public final class TelemetryMetrics {
    private final MeterRegistry registry;

    public TelemetryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void bind(TelemetryHub hub) {
        var c = hub.counters();
        FunctionCounter.builder("palisade.hub.records.offered", c, x -> x.offered())
                .description("records offered to the telemetry hub").register(registry);
        FunctionCounter.builder("palisade.hub.records.dropped", c, x -> x.dropped())
                .description("records the hub refused because it was closed (a full sink counts its own drops)")
                .register(registry);
        for (IsolatedSink s : hub.sinks()) bind(s);
    }

    public void bind(IsolatedSink sink) {
        SinkCounters c = sink.counters();
        String name = c.sink();
        FunctionCounter.builder("palisade.sink.records.offered", c, SinkCounters::offered)
                .description("records offered to a sink").tag("sink", name).register(registry);
        FunctionCounter.builder("palisade.sink.records.delivered", c, SinkCounters::delivered)
                .description("records a sink delivered to its destination").tag("sink", name).register(registry);
        for (DropReason r : DropReason.values()) {
            FunctionCounter.builder("palisade.sink.records.dropped", c, x -> x.dropped(r))
                    .description("records a sink lost, by reason").tags("sink", name, "reason", r.tag())
                    .register(registry);
        }
        FunctionCounter.builder("palisade.sink.errors", c, SinkCounters::errors)
                .description("failed writes, requests or sends, and crashes of a sink").tag("sink", name)
                .register(registry);
        FunctionCounter.builder("palisade.sink.restarts", c, SinkCounters::restarts)
                .description("times a crashed sink was started again").tag("sink", name).register(registry);
        Gauge.builder("palisade.sink.queue.depth", c, SinkCounters::queueDepth)
                .description("records waiting in a sink's buffer: how far it lags behind the hub")
                .tag("sink", name).register(registry);
        Gauge.builder("palisade.sink.queue.capacity", sink, s -> s.settings().bufferSize())
                .description("size of a sink's buffer").tag("sink", name).register(registry);
    }
}
