package dev.palisade.streams.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.palisade.streams.StreamsTestKit;
import dev.palisade.streams.TelemetryOutputs;
import dev.palisade.streams.TestRecords;
import dev.palisade.streams.grpc.FeederSubscribers;
import dev.palisade.telemetry.TelemetryJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** palisade logs' core against the real feeder, built from configuration as the agent builds it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsClientTest {
    private final ActorTestKit kit = StreamsTestKit.create("logs-test");
    private TelemetryOutputs outputs;

    @BeforeAll
    void start() throws Exception {
        var config = ConfigFactory.parseString("""
                palisade.sinks.stdout.enabled = false
                palisade.sinks.grpc { port = 0, health-port = 0 }
                """).withFallback(ConfigFactory.load()).resolve();
        outputs = TelemetryOutputs.start(kit.system(), config, new SimpleMeterRegistry())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        outputs.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        kit.shutdownTestKit();
    }

    private List<String> follow(LogFilter filter, boolean messages, RecordSelector selector, RecordRenderer.Format format,
                                int expected, Runnable offer) throws Exception {
        var subs = outputs.feederSubscribers().orElseThrow();
        int port = outputs.feederServer().orElseThrow().port();
        // Clients ever subscribed, not those connected: the previous test's client may still be on its way out.
        long before = subs.subscribed(FeederSubscribers.Method.WATCH_ALERTS) + subs.subscribed(FeederSubscribers.Method.WATCH_LOGS)
                + subs.subscribed(FeederSubscribers.Method.WATCH_MESSAGES);
        int streams = (filter.alerts() ? 1 : 0) + (filter.logs() ? 1 : 0) + (messages ? 1 : 0);
        List<String> lines = new CopyOnWriteArrayList<>();
        try (var client = new LogsClient(kit.system(), new LogsClient.Options("127.0.0.1", port, filter, messages,
                selector, format))) {
            var following = client.follow(lines::add);
            StreamsTestKit.await("client watching", Duration.ofSeconds(30), () ->
                    subs.subscribed(FeederSubscribers.Method.WATCH_ALERTS) + subs.subscribed(FeederSubscribers.Method.WATCH_LOGS)
                            + subs.subscribed(FeederSubscribers.Method.WATCH_MESSAGES) >= before + streams);
            offer.run();
            StreamsTestKit.await(expected + " lines", Duration.ofSeconds(20), () -> lines.size() >= expected);
            Thread.sleep(300); // nothing more may come
            following.stop();
            following.done().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return lines;
    }

    @Test
    void policyFilterFollowsAlertsNarrowedByNamespaceAndPod() throws Exception {
        var hub = outputs.hub();
        List<String> lines = follow(LogFilter.POLICY, false, new RecordSelector("prod", "api-1", null, "process"),
                RecordRenderer.Format.TEXT, 2, () -> {
                    hub.offer(TestRecords.log(1));
                    hub.offer(TestRecords.alert(1, "prod", "api-1", "c1"));
                    hub.offer(TestRecords.alert(2, "prod", "api-2", "c2"));
                    hub.offer(TestRecords.alert(3, "dev", "api-1", "c3"));
                    hub.offer(TestRecords.alert(4, "prod", "api-1", "c1"));
                    hub.offer(TestRecords.message(1));
                });
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("2026-11-18T10:00:00.1Z  ALERT  prod/api-1/nginx  Process  /bin/sh -c id  Block (Permission denied)"
                + "  policy=ksp-block-sh severity=5  process=/bin/sh", lines.get(0));
        assertTrue(lines.get(1).contains("2026-11-18T10:00:00.4Z"), lines.get(1));
    }

    @Test
    void allWithMessagesFollowsEverythingAsJsonLines() throws Exception {
        var hub = outputs.hub();
        List<String> lines = follow(LogFilter.ALL, true, RecordSelector.ANY, RecordRenderer.Format.JSON, 4, () -> {
            hub.offer(TestRecords.alert(5));
            hub.offer(TestRecords.log(6));
            hub.offer(TestRecords.hostLog(7));
            hub.offer(TestRecords.message(8));
        });
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.contains(TelemetryJson.write(TestRecords.alert(5))), lines.toString());
        assertTrue(lines.contains(TelemetryJson.write(TestRecords.log(6))), lines.toString());
        assertTrue(lines.contains(TelemetryJson.write(TestRecords.hostLog(7))), lines.toString());
        assertTrue(lines.contains(TelemetryJson.write(TestRecords.message(8))), lines.toString());
    }

    @Test
    void systemFilterFollowsLogsOnly() throws Exception {
        var hub = outputs.hub();
        List<String> lines = follow(LogFilter.SYSTEM, false, RecordSelector.ANY, RecordRenderer.Format.TEXT, 1, () -> {
            hub.offer(TestRecords.alert(5));
            hub.offer(TestRecords.hostLog(7));
        });
        assertEquals(List.of("1795000007  LOG  host:node-1  Process  /usr/bin/ls  Passed  process=/usr/bin/ls"
                .replace("1795000007", java.time.Instant.ofEpochSecond(TestRecords.TIMESTAMP + 7).toString())), lines);
    }
}
