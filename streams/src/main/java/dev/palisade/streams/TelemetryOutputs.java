package dev.palisade.streams;

import com.typesafe.config.Config;
import dev.palisade.streams.config.SinksConfig;
import dev.palisade.streams.elasticsearch.ElasticsearchOutput;
import dev.palisade.streams.metrics.AlertMetricsOutput;
import dev.palisade.streams.metrics.ReadinessOutput;
import dev.palisade.streams.grpc.FeederOutput;
import dev.palisade.streams.grpc.FeederServer;
import dev.palisade.streams.grpc.FeederSubscribers;
import dev.palisade.streams.kafka.KafkaOutput;
import dev.palisade.streams.metrics.TelemetryMetrics;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.SinkSettings;
import dev.palisade.streams.sink.JsonLinesOutput;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The whole output side, built from {@code palisade.sinks}: the enabled sinks, the gRPC feeder server when
 * {@code grpc.enabled}, and the {@link TelemetryHub} in front of them, with their meters on a registry.
 */
public final class TelemetryOutputs {
    private final TelemetryHub hub;
    private final FeederServer feederServer;
    private final FeederSubscribers subscribers;

    private TelemetryOutputs(TelemetryHub hub, FeederServer feederServer, FeederSubscribers subscribers) {
        this.hub = hub;
        this.feederServer = feederServer;
        this.subscribers = subscribers;
    }

    public static CompletionStage<TelemetryOutputs> start(ActorSystem<?> system, Config config, MeterRegistry registry) {
        SinksConfig sc = SinksConfig.from(config);
        List<IsolatedSink> sinks = new ArrayList<>();
        sc.stdout().ifPresent(s -> sinks.add(new IsolatedSink(JsonLinesOutput.stdout(s.flushInterval()), s.sink())));
        sc.file().ifPresent(f -> sinks.add(new IsolatedSink(
                JsonLinesOutput.file(f.path(), f.append(), f.flushInterval()), f.sink())));
        sc.kafka().ifPresent(k -> sinks.add(new IsolatedSink(new KafkaOutput(system, k.kafka()), k.sink())));
        sc.elasticsearch().ifPresent(e -> sinks.add(new IsolatedSink(new ElasticsearchOutput(e.elasticsearch()), e.sink())));
        Config readiness = config.getConfig("palisade.readiness");
        if (readiness.getBoolean("enabled")) {
            sinks.add(new IsolatedSink(new ReadinessOutput(registry, readiness.getDuration("window"),
                    readiness.getDuration("min-span"), java.time.Clock.systemUTC()),
                    SinkSettings.defaults(8192).withKinds(java.util.EnumSet.of(TelemetryKind.ALERTS, TelemetryKind.LOGS))));
        }
        sinks.add(new IsolatedSink(new AlertMetricsOutput(registry),
                SinkSettings.defaults(8192).withKinds(java.util.EnumSet.of(TelemetryKind.ALERTS))));
        TelemetryMetrics metrics = new TelemetryMetrics(registry);
        if (sc.grpc().isEmpty()) {
            return CompletableFuture.completedFuture(
                    new TelemetryOutputs(TelemetryHub.start(system, sinks, metrics), null, null));
        }
        SinksConfig.Grpc g = sc.grpc().get();
        FeederSubscribers subscribers = new FeederSubscribers(g.feeder().clientBufferSize(), registry);
        return FeederServer.start(system, g.feeder(), subscribers).thenApply(server -> {
            sinks.add(new IsolatedSink(new FeederOutput(subscribers), g.sink()));
            return new TelemetryOutputs(TelemetryHub.start(system, sinks, metrics), server,
                    subscribers);
        });
    }

    public TelemetryHub hub() {
        return hub;
    }

    public Optional<FeederServer> feederServer() {
        return Optional.ofNullable(feederServer);
    }

    public Optional<FeederSubscribers> feederSubscribers() {
        return Optional.ofNullable(subscribers);
    }

    /** Stops the gRPC server first (clients see NOT_SERVING, then the end of their streams), then drains the hub. */
    public CompletionStage<Done> shutdown(Duration timeout) {
        CompletionStage<Done> grpc = feederServer == null
                ? CompletableFuture.completedFuture(Done.getInstance())
                : feederServer.stop(Duration.ofSeconds(1)).exceptionally(ex -> Done.getInstance());
        return grpc.thenCompose(d -> hub.shutdown(timeout));
    }
}
