package dev.palisade.loadtest.streams;

import com.typesafe.config.ConfigFactory;
import dev.palisade.streams.TelemetryHub;
import dev.palisade.streams.TelemetryKind;
import dev.palisade.streams.config.SinksConfig;
import dev.palisade.streams.elasticsearch.ElasticsearchOutput;
import dev.palisade.streams.elasticsearch.ElasticsearchSinkSettings;
import dev.palisade.streams.elasticsearch.IndexNamePattern;
import dev.palisade.streams.kafka.KafkaOutput;
import dev.palisade.streams.kafka.KafkaSinkSettings;
import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.JsonLinesOutput;
import dev.palisade.streams.sink.SinkSettings;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryTypes;
import dev.palisade.testing.servers.ElasticsearchNode;
import dev.palisade.testing.servers.KafkaBroker;
import java.io.FileOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Throughput of the telemetry hub's fan-out into one sink: a null sink (the baseline, measured in the same run),
 * stdout-style JSON lines into /dev/null, a real Kafka broker and a real Elasticsearch node. One producer thread
 * offers records, waiting while the sink's buffer is more than half full (sustained mode; flood mode
 * offers blindly and shows what gets dropped); the figure is records delivered per second until every record is
 * settled, with the drops of the hub and the sink beside it and the ratio to the baseline.
 *
 * <p>Run: {@code java -cp ... dev.palisade.loadtest.streams.HubThroughputBenchmark [null,devnull,kafka,elasticsearch]}
 */
public final class HubThroughputBenchmark {
    private record Result(String name, long offered, long delivered, long hubDropped, long sinkDropped, double seconds) {
        double perSecond() {
            return delivered / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> which = List.of((args.length > 0 ? args[0] : "null,devnull,kafka,elasticsearch").split(","));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hub-benchmark",
                ConfigFactory.load().resolve());
        try {
            run(system, "null (warm-up)", 2_000_000, HubThroughputBenchmark::nullOutput);
            Result baseline = run(system, "null", 5_000_000, HubThroughputBenchmark::nullOutput);
            print(baseline, baseline);
            print(run(system, "null, flood", 5_000_000, HubThroughputBenchmark::nullOutput, true), baseline);
            if (which.contains("devnull")) {
                run(system, "json (warm-up)", 500_000, () -> new JsonLinesOutput("devnull",
                        first -> new FileOutputStream("/dev/null"), Duration.ZERO));
                print(run(system, "json->/dev/null", 2_000_000, () -> new JsonLinesOutput("devnull",
                        first -> new FileOutputStream("/dev/null"), Duration.ZERO)), baseline);
            }
            if (which.contains("kafka")) {
                try (KafkaBroker broker = KafkaBroker.start()) {
                    var defaults = SinksConfig.from(ConfigFactory.parseString(
                            "palisade.sinks.kafka.enabled = true").withFallback(ConfigFactory.load()).resolve())
                            .kafka().orElseThrow().kafka();
                    Map<String, String> props = defaults.producerProperties();
                    Map<TelemetryKind, String> topics = new EnumMap<>(TelemetryKind.class);
                    for (TelemetryKind k : TelemetryKind.values()) topics.put(k, "bench-" + k.configName());
                    var settings = new KafkaSinkSettings(broker.bootstrapServers(), topics, defaults.maxInFlight(), props);
                    run(system, "kafka (warm-up)", 50_000, () -> new KafkaOutput(system, settings));
                    print(run(system, "kafka", 1_000_000, () -> new KafkaOutput(system, settings)), baseline);
                }
            }
            if (which.contains("elasticsearch")) {
                try (ElasticsearchNode node = ElasticsearchNode.start()) {
                    Map<TelemetryKind, IndexNamePattern> indices = new EnumMap<>(TelemetryKind.class);
                    for (TelemetryKind k : TelemetryKind.values()) {
                        indices.put(k, IndexNamePattern.parse("bench-" + k.configName() + "-%{yyyy.MM.dd}"));
                    }
                    var settings = new ElasticsearchSinkSettings(URI.create(node.url()), indices, 1000,
                            Duration.ofMillis(200), 2, 5, Duration.ofMillis(200), Duration.ofSeconds(5),
                            Duration.ofSeconds(30), Optional.empty());
                    run(system, "elasticsearch (warm-up)", 20_000, () -> new ElasticsearchOutput(settings));
                    print(run(system, "elasticsearch", 100_000, () -> new ElasticsearchOutput(settings)), baseline);
                }
            }
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static TelemetryOutput nullOutput() {
        return new TelemetryOutput() {
            @Override
            public String name() {
                return "null";
            }

            @Override
            public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
                return Flow.<Telemetry>create().map(r -> Delivery.ONE);
            }
        };
    }

    /** Offers n records from this thread as fast as the hub takes them, then waits until all are settled. */
    private static Result run(ActorSystem<?> system, String name, int n, Supplier<TelemetryOutput> output) throws Exception {
        return run(system, name, n, output, false);
    }

    private static Result run(ActorSystem<?> system, String name, int n, Supplier<TelemetryOutput> output,
                              boolean flood) throws Exception {
        Telemetry[] records = new Telemetry[1024];
        for (int i = 0; i < records.length; i++) records[i] = alert(i);
        IsolatedSink sink = new IsolatedSink(output.get(), SinkSettings.defaults(8192));
        TelemetryHub hub = TelemetryHub.start(system, List.of(sink), null);
        long t0 = System.nanoTime();
        int sinkHalf = sink.settings().bufferSize() / 2;
        // Batches of 256 like the event pipeline's passes (RingBufferSource.MAX_BATCH).
        List<List<Telemetry>> batches = new ArrayList<>();
        for (int i = 0; i < records.length; i += 256) batches.add(List.of(records).subList(i, i + 256));
        for (int i = 0; i < n; i += 256) {
            // Sustained mode: the producer waits while the buffers are half full, so the figure is the fan-out's
            // and the sink's throughput, not how fast a flood is dropped. Flood mode offers blindly.
            if (!flood) while (sink.counters().queueDepth() > sinkHalf) Thread.onSpinWait();
            hub.offerAll(batches.get((i >> 8) & 3));
        }
        long accepted = n - hub.counters().dropped();
        while (sink.counters().offered() < accepted || sink.counters().inFlight() > 0) Thread.sleep(1);
        double seconds = (System.nanoTime() - t0) / 1e9;
        hub.shutdown(Duration.ofSeconds(30)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        var c = sink.counters();
        return new Result(name, n, c.delivered(), hub.counters().dropped(), c.dropped(), seconds);
    }

    private static void print(Result r, Result baseline) {
        System.out.printf("%-18s offered=%,10d delivered=%,10d hub-dropped=%,9d sink-dropped=%,9d  %6.2f s  %,12.0f delivered/s  (%.3f x null)%n",
                r.name, r.offered, r.delivered, r.hubDropped, r.sinkDropped, r.seconds, r.perSecond(),
                r.perSecond() / baseline.perSecond());
    }

    private static Alert alert(int i) {
        return Alert.builder().timestamp(1_795_000_000L + i).updatedTime("2026-11-18T10:00:00Z")
                .clusterName("bench").hostName("node-1").namespaceName("default")
                .owner(new PodOwner("Deployment", "nginx", "default")).podName("nginx-" + (i % 16))
                .containerId("container-" + (i % 16)).containerName("nginx").containerImage("nginx:1.27")
                .hostPid(1000 + i).pid(7).uid(1000).processName("/bin/sh").policyName("ksp-block-sh").severity("5")
                .type(TelemetryTypes.MATCHED_POLICY).operation(TelemetryTypes.OP_PROCESS).resource("/bin/sh -c id")
                .data("lsm=SECURITY_BPRM_CHECK").enforcer(TelemetryTypes.ENFORCER_BPF_LSM).action("Block")
                .result(TelemetryTypes.PERMISSION_DENIED).build();
    }
}
