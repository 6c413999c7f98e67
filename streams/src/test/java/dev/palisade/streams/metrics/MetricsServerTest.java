package dev.palisade.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.streams.StreamsTestKit;
import dev.palisade.streams.TelemetryHub;
import dev.palisade.streams.TestRecords;
import dev.palisade.streams.grpc.FeederSubscribers;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.JsonLinesOutput;
import dev.palisade.streams.sink.SinkSettings;
import dev.palisade.testing.MachineCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsServerTest {
    private final ActorTestKit kit = StreamsTestKit.create("metrics-test");
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsThatPromtoolAcceptsAndReadinessAsTheAgentSetsIt(@TempDir Path dir) throws Exception {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var readiness = new Readiness();
        var file = new IsolatedSink(JsonLinesOutput.file(dir.resolve("t.jsonl"), true, Duration.ZERO),
                SinkSettings.defaults(1000));
        var alertMetrics = new IsolatedSink(new AlertMetricsOutput(registry), SinkSettings.defaults(1000));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(file, alertMetrics), new TelemetryMetrics(registry));
        new FeederSubscribers(10, registry);
        for (int i = 0; i < 25; i++) hub.offer(TestRecords.alert(i));
        StreamsTestKit.await("delivered", Duration.ofSeconds(10),
                () -> file.counters().delivered() == 25 && alertMetrics.counters().delivered() == 25);
        MetricsServer server = MetricsServer.start(kit.system(), "127.0.0.1", 0, registry, readiness)
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
        try {
            assertEquals(503, get(server.port(), "/readyz").statusCode());
            readiness.setReady(true);
            assertEquals(200, get(server.port(), "/readyz").statusCode());
            assertEquals(200, get(server.port(), "/healthz").statusCode());
            readiness.setLive(false);
            assertEquals(503, get(server.port(), "/healthz").statusCode());
            assertEquals(404, get(server.port(), "/nothing").statusCode());

            HttpResponse<String> metrics = get(server.port(), "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String body = metrics.body();
            assertTrue(body.contains("palisade_hub_records_offered_total 25.0"), body);
            assertTrue(body.contains("palisade_sink_records_delivered_total{sink=\"file\"} 25.0"), body);
            assertTrue(body.contains("palisade_sink_records_dropped_total{reason=\"buffer_full\",sink=\"file\"} 0.0"), body);
            assertTrue(body.contains("palisade_sink_queue_depth{sink=\"file\"}"), body);
            assertTrue(body.contains("palisade_grpc_clients_connected{method=\"WatchAlerts\"} 0.0"), body);
            var a = TestRecords.alert(0);
            String alerts = "palisade_alerts_total{action=\"" + a.action() + "\",enforcer=\"" + a.enforcer()
                    + "\",policy=\"" + a.policyName() + "\",type=\"" + a.type() + "\"} 25.0";
            assertTrue(body.contains(alerts), alerts + " in\n" + body);
            promtoolCheck(body);
        } finally {
            server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            hub.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void promtoolCheck(String exposition) throws Exception {
        var promtool = MachineCheck.which("promtool");
        if (promtool.isEmpty()) {
            if (MachineCheck.inCi()) throw new AssertionError("CI=true and promtool is missing (Debian package prometheus)");
            Assumptions.abort("promtool not installed (Debian package prometheus); skipped outside CI");
        }
        Process p = new ProcessBuilder(promtool.get().toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + out);
        assertEquals("", out.trim(), "promtool reported problems:\n" + out);
    }
}
