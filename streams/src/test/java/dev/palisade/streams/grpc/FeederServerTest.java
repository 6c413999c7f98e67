package dev.palisade.streams.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.grpc.feeder.LogServiceClient;
import dev.palisade.grpc.feeder.RequestMessage;
import dev.palisade.streams.StreamsTestKit;
import dev.palisade.streams.TelemetryHub;
import dev.palisade.streams.TestRecords;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.SinkSettings;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.testing.servers.BufCli;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The feeder against independent clients: buf curl with KubeArmor's own proto, and Pekko gRPC clients. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeederServerTest {
    private final ActorTestKit kit = StreamsTestKit.create("feeder-test");
    private final BufCli buf = BufCli.find();
    private final Path kubearmorProto = SharedReference.kubearmorProto();
    private FeederSubscribers subscribers;
    private FeederServer server;
    private TelemetryHub hub;

    @BeforeAll
    void start() throws Exception {
        subscribers = new FeederSubscribers(200, new SimpleMeterRegistry());
        server = FeederServer.start(kit.system(), new FeederSettings("127.0.0.1", 0, 0, 200), subscribers)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        hub = TelemetryHub.start(kit.system(),
                List.of(new IsolatedSink(new FeederOutput(subscribers), SinkSettings.defaults(100_000))), null);
    }

    @AfterAll
    void stop() throws Exception {
        hub.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        kit.shutdownTestKit();
    }

    private String url(String method) {
        return "http://127.0.0.1:" + server.port() + "/feeder.LogService/" + method;
    }

    @Test
    void watchAlertsStreamsAlertsInKubeArmorsSchemaAndNotLogs() throws Exception {
        try (var call = buf.curl(kubearmorProto, url("WatchAlerts"), "{\"Filter\":\"policy\"}")) {
            StreamsTestKit.await("buf connected", Duration.ofSeconds(30),
                    () -> subscribers.connected(FeederSubscribers.Method.WATCH_ALERTS) == 1);
            hub.offer(TestRecords.log(1));
            for (int i = 0; i < 3; i++) hub.offer(TestRecords.alert(i));
            List<String> got = call.messages(3, Duration.ofSeconds(20));
            assertEquals(3, got.size(), call.output());
            for (int i = 0; i < 3; i++) {
                JsonNode a = TelemetryJson.mapper().readTree(got.get(i));
                var want = TestRecords.alert(i);
                assertEquals(want.policyName(), a.path("PolicyName").asText());
                assertEquals(want.containerId(), a.path("ContainerID").asText());
                assertEquals(want.message(), a.path("Message").asText());
                assertEquals(want.hostPid(), a.path("HostPID").asInt());
                assertEquals(Long.toString(want.timestamp()), a.path("Timestamp").asText());
                assertEquals("Deployment", a.path("Owner").path("Ref").asText());
                assertEquals("T1059", a.path("ATags").path(1).asText());
                assertEquals(Integer.toString(i), a.path("EventData").path("seq").asText());
                assertEquals("MatchedPolicy", a.path("Type").asText());
                assertEquals("Permission denied", a.path("Result").asText());
            }
        }
        // The server learns that a client went away when the next record for it cannot be sent.
        StreamsTestKit.await("client gone", Duration.ofSeconds(10),
                () -> { hub.offer(TestRecords.alert(99)); return subscribers.connected(FeederSubscribers.Method.WATCH_ALERTS) == 0; });
    }

    @Test
    void watchLogsWithSystemFilterStreamsLogs() throws Exception {
        try (var call = buf.curl(kubearmorProto, url("WatchLogs"), "{\"Filter\":\"system\"}")) {
            StreamsTestKit.await("buf connected", Duration.ofSeconds(30),
                    () -> subscribers.connected(FeederSubscribers.Method.WATCH_LOGS) == 1);
            hub.offer(TestRecords.alert(9));
            hub.offer(TestRecords.log(5));
            hub.offer(TestRecords.hostLog(6));
            List<String> got = call.messages(2, Duration.ofSeconds(20));
            assertEquals(2, got.size(), call.output());
            JsonNode first = TelemetryJson.mapper().readTree(got.get(0));
            assertEquals("ContainerLog", first.path("Type").asText());
            assertEquals("/etc/passwd", first.path("Resource").asText());
            JsonNode second = TelemetryJson.mapper().readTree(got.get(1));
            assertEquals("HostLog", second.path("Type").asText());
            assertTrue(second.path("ContainerID").isMissingNode(), "a host log has no container: " + got.get(1));
        }
    }

    @Test
    void watchMessagesStreamsAgentMessages() throws Exception {
        try (var call = buf.curl(kubearmorProto, url("WatchMessages"), "{\"Filter\":\"all\"}")) {
            StreamsTestKit.await("buf connected", Duration.ofSeconds(30),
                    () -> subscribers.connected(FeederSubscribers.Method.WATCH_MESSAGES) == 1);
            hub.offer(TestRecords.message(4));
            List<String> got = call.messages(1, Duration.ofSeconds(20));
            assertEquals(1, got.size(), call.output());
            assertEquals("enforcer chosen: BPF-LSM #4", TelemetryJson.mapper().readTree(got.get(0)).path("Message").asText());
        }
    }

    @Test
    void anUnknownFilterEndsTheStreamAtOnceAsKubeArmorDoes() throws Exception {
        try (var alerts = buf.curl(kubearmorProto, url("WatchAlerts"), "{\"Filter\":\"system\"}");
             var logs = buf.curl(kubearmorProto, url("WatchLogs"), "{\"Filter\":\"policy\"}")) {
            assertEquals(0, alerts.waitFor(Duration.ofSeconds(30)), alerts.output());
            assertEquals(0, logs.waitFor(Duration.ofSeconds(30)), logs.output());
            assertEquals("", alerts.output().trim());
            assertEquals("", logs.output().trim());
        }
    }

    @Test
    void deprecatedHealthCheckEchoesTheNonce() throws Exception {
        try (var call = buf.curl(kubearmorProto, url("HealthCheck"), "{\"nonce\":4242}")) {
            assertEquals(0, call.waitFor(Duration.ofSeconds(30)), call.output());
            assertEquals(4242, TelemetryJson.mapper().readTree(call.output()).path("Retval").asInt(), call.output());
        }
    }

    @Test
    void standardHealthServiceAnswersServingOnBothPorts() throws Exception {
        Path healthProto = SharedReference.moduleFile("src/main/proto/grpc_health_v1.proto");
        for (int port : new int[] {server.healthPort(), server.port()}) {
            try (var call = buf.curl(healthProto, "http://127.0.0.1:" + port + "/grpc.health.v1.Health/Check", "{}")) {
                assertEquals(0, call.waitFor(Duration.ofSeconds(30)), call.output());
                assertEquals("SERVING", TelemetryJson.mapper().readTree(call.output()).path("status").asText(), call.output());
            }
            try (var call = buf.curl(healthProto, "http://127.0.0.1:" + port + "/grpc.health.v1.Health/Check",
                    "{\"service\":\"feeder.LogService\"}")) {
                assertEquals(0, call.waitFor(Duration.ofSeconds(30)), call.output());
                assertTrue(call.output().contains("SERVING"), call.output());
            }
        }
        try (var call = buf.curl(healthProto, "http://127.0.0.1:" + server.healthPort() + "/grpc.health.v1.Health/Check",
                "{\"service\":\"no.such.Service\"}")) {
            assertTrue(call.waitFor(Duration.ofSeconds(30)) != 0, call.output());
            assertTrue(call.output().contains("not_found"), call.output());
        }
    }

    @Test
    void aSlowClientLosesRecordsWithoutStallingAFastOne() throws Exception {
        var settings = GrpcClientSettings.connectToServiceAt("127.0.0.1", server.port(), kit.system()).withTls(false);
        LogServiceClient fastClient = LogServiceClient.create(settings, kit.system());
        LogServiceClient slowClient = LogServiceClient.create(settings, kit.system());
        RequestMessage all = RequestMessage.newBuilder().setFilter("all").build();
        long before = subscribers.subscribed(FeederSubscribers.Method.WATCH_LOGS);
        AtomicLong fast = new AtomicLong();
        AtomicLong slow = new AtomicLong();
        fastClient.watchLogs(all).runWith(Sink.foreach(l -> fast.incrementAndGet()), kit.system());
        slowClient.watchLogs(all).throttle(20, Duration.ofSeconds(1), 1, ThrottleMode.shaping())
                .runWith(Sink.foreach(l -> slow.incrementAndGet()), kit.system());
        try {
            StreamsTestKit.await("both clients connected", Duration.ofSeconds(30),
                    () -> subscribers.subscribed(FeederSubscribers.Method.WATCH_LOGS) >= before + 2);
            long droppedBefore = subscribers.dropped(FeederSubscribers.Method.WATCH_LOGS);
            int n = 5000;
            for (int i = 0; i < n; i++) {
                hub.offer(TestRecords.log(i));
                if (i % 20 == 19) Thread.sleep(20); // ~1000 records/s: a pace the fast client keeps up with
            }
            try {
                StreamsTestKit.await("fast client receiving all " + n, Duration.ofSeconds(30), () -> fast.get() == n);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": fast got " + fast.get() + ", " + subscribers.clients(), e);
            }
            List<FeederSubscribers.ClientStats> stats = new ArrayList<>(subscribers.clients());
            // HTTP/2 flow-control windows absorb a few thousand records before the slow client's queue fills.
            var slowStats = stats.stream().filter(st -> st.dropped() > 0).findFirst()
                    .orElseThrow(() -> new AssertionError("the slow client must lose records: " + stats));
            assertEquals(n, slowStats.enqueued() + slowStats.dropped(), "every record queued or counted: " + slowStats);
            assertTrue(slow.get() < n, "slow client got " + slow.get());
            assertTrue(subscribers.dropped(FeederSubscribers.Method.WATCH_LOGS) - droppedBefore >= slowStats.dropped());
            assertTrue(stats.stream().anyMatch(st -> st.dropped() == 0 && st.enqueued() == n),
                    "the fast client lost nothing: " + stats);
        } finally {
            fastClient.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            slowClient.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
