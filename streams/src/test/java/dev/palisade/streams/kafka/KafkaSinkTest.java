package dev.palisade.streams.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.streams.StreamsTestKit;
import dev.palisade.streams.TelemetryHub;
import dev.palisade.streams.TelemetryKind;
import dev.palisade.streams.TestRecords;
import dev.palisade.streams.config.SinksConfig;
import dev.palisade.streams.sink.DropReason;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.JsonLinesOutput;
import dev.palisade.streams.sink.SinkSettings;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.testing.servers.FreePorts;
import dev.palisade.testing.servers.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The Kafka sink against a real broker, and against a broker that is not there. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSinkTest {
    private final ActorTestKit kit = StreamsTestKit.create("kafka-test");
    private KafkaBroker broker;

    @BeforeAll
    void startBroker() {
        broker = KafkaBroker.start();
    }

    @AfterAll
    void stop() {
        kit.shutdownTestKit();
        if (broker != null) broker.close();
    }

    /** The producer properties of reference.conf, with the given overrides. */
    private static Map<String, String> producerProperties(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>(SinksConfig.from(StreamsTestKit.config(
                "palisade.sinks.kafka.enabled = true")).kafka().orElseThrow().kafka().producerProperties());
        p.putAll(overrides);
        return p;
    }

    private static Map<TelemetryKind, String> topics(String suffix) {
        Map<TelemetryKind, String> t = new EnumMap<>(TelemetryKind.class);
        for (TelemetryKind k : TelemetryKind.values()) t.put(k, "palisade-" + k.configName() + "-" + suffix);
        return t;
    }

    @Test
    void recordsLandInTheirTopicsKeyedByContainerOrHost() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        var settings = new KafkaSinkSettings(broker.bootstrapServers(), topics(suffix), 256, producerProperties(Map.of()));
        var sink = new IsolatedSink(new KafkaOutput(kit.system(), settings), SinkSettings.defaults(10_000));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink), null);
        List<Telemetry> alerts = new ArrayList<>(), logs = new ArrayList<>(), messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) alerts.add(TestRecords.alert(i));
        for (int i = 0; i < 20; i++) logs.add(i % 4 == 0 ? TestRecords.hostLog(i) : TestRecords.log(i));
        for (int i = 0; i < 3; i++) messages.add(TestRecords.message(i));
        for (var list : List.of(alerts, logs, messages)) list.forEach(hub::offer);
        StreamsTestKit.await("all delivered", Duration.ofSeconds(60), () -> sink.counters().delivered() == 53);
        hub.shutdown(Duration.ofSeconds(10)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(0, sink.counters().dropped(), sink.counters().toString());

        assertTopic(settings.topic(TelemetryKind.ALERTS), alerts);
        assertTopic(settings.topic(TelemetryKind.LOGS), logs);
        assertTopic(settings.topic(TelemetryKind.MESSAGES), messages);
    }

    private void assertTopic(String topic, List<Telemetry> expected) throws Exception {
        List<ConsumerRecord<String, String>> got = consume(topic, expected.size());
        assertEquals(expected.size(), got.size(), topic);
        Map<String, Telemetry> byValue = new HashMap<>();
        for (ConsumerRecord<String, String> r : got) {
            Telemetry t = switch (expected.getFirst()) {
                case dev.palisade.telemetry.Alert a -> TelemetryJson.readAlert(r.value());
                case dev.palisade.telemetry.Log l -> TelemetryJson.readLog(r.value());
                case AgentMessage m -> TelemetryJson.mapper().readValue(r.value(), AgentMessage.class);
            };
            assertEquals(KafkaOutput.key(t), r.key(), "key of " + r.value());
            byValue.put(r.value(), t);
        }
        assertEquals(new java.util.HashSet<>(expected), new java.util.HashSet<>(byValue.values()));
        // one container's records share a key, hence a partition, hence their order
        for (ConsumerRecord<String, String> r : got) {
            if (r.key().startsWith("container-")) assertTrue(r.value().contains("\"ContainerID\":\"" + r.key() + "\""));
            if (r.value().contains("\"HostLog\"")) assertEquals("node-1", r.key());
        }
    }

    private List<ConsumerRecord<String, String>> consume(String topic, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
            }
            // anything extra would be a duplicate
            consumer.poll(Duration.ofMillis(500)).forEach(got::add);
        }
        return got;
    }

    @Test
    void aDeadBrokerStallsNeitherStdoutNorTheHubAndEveryLossIsCounted() throws Exception {
        var settings = new KafkaSinkSettings("127.0.0.1:" + FreePorts.closed(), topics("dead"), 16,
                producerProperties(Map.of("max.block.ms", "200", "delivery.timeout.ms", "1000",
                        "request.timeout.ms", "500", "linger.ms", "0")));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, false, StandardCharsets.UTF_8));
        int n = 3000;
        IsolatedSink stdout, kafka;
        TelemetryHub hub;
        try {
            stdout = new IsolatedSink(JsonLinesOutput.stdout(Duration.ZERO), SinkSettings.defaults(10_000));
            kafka = new IsolatedSink(new KafkaOutput(kit.system(), settings), SinkSettings.defaults(100));
            hub = TelemetryHub.start(kit.system(), List.of(stdout, kafka), null);
            for (int i = 0; i < n; i++) assertTrue(hub.offer(TestRecords.alert(i)));
            IsolatedSink s = stdout;
            StreamsTestKit.await("stdout delivering everything while Kafka is down", Duration.ofSeconds(30),
                    () -> s.counters().delivered() == n);
            hub.shutdown(Duration.ofSeconds(2)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            System.setOut(original);
        }
        assertEquals(n, captured.toString(StandardCharsets.UTF_8).lines().count());
        assertEquals(0, hub.counters().dropped());
        var k = kafka.counters();
        assertEquals(n, k.offered(), k.toString());
        assertEquals(0, k.delivered(), k.toString());
        assertEquals(n, k.dropped(), "offered = delivered + dropped: " + k);
        assertTrue(k.dropped(DropReason.BUFFER_FULL) > n / 2, k.toString());
        assertTrue(k.errors() > 0, k.toString());
        assertEquals(n, stdout.counters().delivered() + stdout.counters().dropped());
    }
}
