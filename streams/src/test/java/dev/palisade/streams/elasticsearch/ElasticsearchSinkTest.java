package dev.palisade.streams.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.streams.StreamsTestKit;
import dev.palisade.streams.TelemetryHub;
import dev.palisade.streams.TelemetryKind;
import dev.palisade.streams.TestRecords;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.JsonLinesOutput;
import dev.palisade.streams.sink.SinkSettings;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.testing.servers.ElasticsearchNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Elasticsearch sink against a real node, and a node that stops in the middle of the stream. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ElasticsearchSinkTest {
    private final ActorTestKit kit = StreamsTestKit.create("es-test");
    private ElasticsearchNode node;

    @BeforeAll
    void startNode() {
        node = ElasticsearchNode.start();
    }

    @AfterAll
    void stop() {
        kit.shutdownTestKit();
        if (node != null) node.close();
    }

    private static ElasticsearchSinkSettings settings(String url, String prefix, int maxRetries) {
        Map<TelemetryKind, IndexNamePattern> indices = new EnumMap<>(TelemetryKind.class);
        for (TelemetryKind k : TelemetryKind.values()) {
            indices.put(k, IndexNamePattern.parse(prefix + "-" + k.configName() + "-%{yyyy.MM.dd}"));
        }
        return new ElasticsearchSinkSettings(URI.create(url), indices, 100, Duration.ofMillis(200), 2, maxRetries,
                Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(10), Optional.empty());
    }

    @Test
    void documentsAreSearchableInTheirDatedIndex() throws Exception {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        var sink = new IsolatedSink(new ElasticsearchOutput(settings(node.url(), prefix, 3)), SinkSettings.defaults(10_000));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink), null);
        for (int i = 0; i < 250; i++) hub.offer(TestRecords.alert(i));
        for (int i = 0; i < 40; i++) hub.offer(TestRecords.log(i));
        hub.offer(TestRecords.message(1));
        StreamsTestKit.await("all indexed", Duration.ofSeconds(60), () -> sink.counters().delivered() == 291);
        hub.shutdown(Duration.ofSeconds(10)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(0, sink.counters().dropped(), sink.counters().toString());

        // TestRecords stamp 2026-11-18 (UTC): the date pattern picks the index from the record's Timestamp
        String alertsIndex = prefix + "-alerts-2026.11.18";
        assertEquals(200, node.get("/" + prefix + "-*/_refresh").statusCode());
        assertEquals(250, count(alertsIndex, "{\"query\":{\"match_all\":{}}}"));
        assertEquals(40, count(prefix + "-logs-2026.11.18", "{\"query\":{\"match_all\":{}}}"));
        assertEquals(1, count(prefix + "-messages-2026.11.18", "{\"query\":{\"match_all\":{}}}"));
        // searchable by KubeArmor's field names
        var hit = node.post("/" + alertsIndex + "/_search",
                "{\"query\":{\"match_phrase\":{\"Message\":\"shell denied #42\"}}}");
        JsonNode source = TelemetryJson.mapper().readTree(hit.body()).path("hits").path("hits").path(0).path("_source");
        assertEquals(TestRecords.alert(42), TelemetryJson.mapper().treeToValue(source, dev.palisade.telemetry.Alert.class));
    }

    private long count(String index, String query) throws Exception {
        var r = node.post("/" + index + "/_count", query);
        assertEquals(200, r.statusCode(), r.body());
        return TelemetryJson.mapper().readTree(r.body()).path("count").asLong();
    }

    @Test
    void aNodeStoppedMidStreamStallsNeitherTheFileSinkNorTheHubAndLossesAreCountedExactly(@TempDir Path dir)
            throws Exception {
        ElasticsearchNode doomed = ElasticsearchNode.start();
        try {
            String prefix = "d" + UUID.randomUUID().toString().substring(0, 8);
            var es = new IsolatedSink(new ElasticsearchOutput(settings(doomed.url(), prefix, 2)), SinkSettings.defaults(500));
            var file = new IsolatedSink(JsonLinesOutput.file(dir.resolve("t.jsonl"), true, Duration.ofMillis(100)),
                    SinkSettings.defaults(100_000));
            TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(es, file), null);
            for (int i = 0; i < 500; i++) hub.offer(TestRecords.alert(i));
            StreamsTestKit.await("first records indexed", Duration.ofSeconds(60), () -> es.counters().delivered() >= 500);
            doomed.stop();
            int n = 20_000;
            for (int i = 500; i < n; i++) assertTrue(hub.offer(TestRecords.alert(i)));
            StreamsTestKit.await("file sink delivering everything", Duration.ofSeconds(30),
                    () -> file.counters().delivered() == n);
            hub.shutdown(Duration.ofSeconds(3)).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(0, hub.counters().dropped());
            var c = es.counters();
            assertEquals(n, c.offered(), c.toString());
            assertEquals(c.offered(), c.delivered() + c.dropped(), "offered = delivered + dropped: " + c);
            assertTrue(c.delivered() >= 500, c.toString());
            assertTrue(c.dropped() > n / 2, c.toString());
            assertTrue(c.errors() > 0, c.toString());
            assertEquals(n, file.counters().delivered());
        } finally {
            doomed.close();
        }
    }

    @Test
    void indexPatternsAreCheckedUpFront() {
        assertEquals("palisade-alerts-2026.11.18", IndexNamePattern.parse("palisade-alerts-%{yyyy.MM.dd}").resolve(TestRecords.TIMESTAMP));
        assertEquals("fixed", IndexNamePattern.parse("fixed").resolve(0));
        var upper = assertThrows(IllegalArgumentException.class, () -> IndexNamePattern.parse("Palisade-%{yyyy}"));
        assertTrue(upper.getMessage().contains("'P'"), upper.getMessage());
        var fine = assertThrows(IllegalArgumentException.class, () -> IndexNamePattern.parse("p-%{yyyy.MM.dd.HH.mm}"));
        assertTrue(fine.getMessage().contains("finer than an hour"), fine.getMessage());
    }
}
