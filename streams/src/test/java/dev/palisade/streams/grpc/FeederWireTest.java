package dev.palisade.streams.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.testing.servers.BufCli;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Our feeder.LogService, called by an independent client (buf) that only knows KubeArmor's own .proto. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class FeederWireTest {
    /** KubeArmor's wire contract, beside the repository. */
    static final Path KUBEARMOR_PROTO = Path.of("../../shared/reference/kubearmor.proto").toAbsolutePath().normalize();
    static final Path HEALTH_PROTO = Path.of("src/main/proto/grpc_health_v1.proto").toAbsolutePath();

    ActorSystem<Void> system;
    FeederSubscribers subscribers;
    FeederServer server;
    BufCli buf;

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.exists(KUBEARMOR_PROTO), "KubeArmor's proto at " + KUBEARMOR_PROTO);
        system = ActorSystem.create(Behaviors.empty(), "feeder-wire",
                ConfigFactory.parseString("pekko.http.server.enable-http2 = on").withFallback(ConfigFactory.load()));
        subscribers = new FeederSubscribers(100, new SimpleMeterRegistry());
        server = FeederServer.start(system, new FeederSettings("127.0.0.1", 0, 0, 100), subscribers)
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
        buf = BufCli.get();
    }

    @AfterAll
    void stop() throws Exception {
        server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        system.terminate();
    }

    String url(String method) {
        return "http://127.0.0.1:" + server.port() + "/feeder.LogService/" + method;
    }

    /** Reads one pretty-printed JSON message from buf's output. */
    static JsonNode nextMessage(BufCli.Stream s) throws Exception {
        StringBuilder b = new StringBuilder();
        int depth = 0;
        do {
            String line = s.next(Duration.ofSeconds(20));
            if (line == null) throw new AssertionError("no message from buf; stderr: " + s.stderr());
            b.append(line).append('\n');
            for (char c : line.toCharArray()) {
                if (c == '{') depth++;
                if (c == '}') depth--;
            }
        } while (depth > 0);
        return TelemetryJson.mapper().readTree(b.toString());
    }

    void awaitSubscribed(FeederSubscribers.Method m, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (subscribers.connected(m) < n) {
            if (System.nanoTime() > end) throw new AssertionError("buf did not subscribe to " + m);
            Thread.sleep(20);
        }
    }

    @Test
    void watchAlertsStreamsEveryFieldKubeArmorsProtoKnows() throws Exception {
        Alert a = Alert.builder().timestamp(1692813948).updatedTime("2023-08-23T18:05:48.301798Z").clusterName("default")
                .hostName("node-1").namespaceName("default").owner(new PodOwner("Deployment", "nginx", "default"))
                .podName("nginx-1").labels("app=nginx").containerId("3f2c").containerName("nginx")
                .containerImage("nginx:latest").hostPpid(10).hostPid(11).ppid(1).pid(7).uid(1000)
                .parentProcessName("/usr/bin/bash").processName("/usr/sbin/chroot").policyName("DefaultPosture")
                .severity("5").tags("NIST,CM-7").atags(List.of("NIST", "CM-7")).message("denied").type("MatchedPolicy")
                .source("/usr/bin/bash").operation("Process").resource("/usr/sbin/chroot").data("syscall=SYS_EXECVE")
                .eventData(Map.of("k", "v")).enforcer("fanotify").action("Block").result("Operation not permitted")
                .cwd("/").tty("pts0").build();
        try (BufCli.Stream s = buf.curlStream(KUBEARMOR_PROTO, url("WatchAlerts"), "{\"Filter\":\"policy\"}")) {
            awaitSubscribed(FeederSubscribers.Method.WATCH_ALERTS, 1);
            subscribers.publish(a);
            JsonNode m = nextMessage(s);
            assertEquals(1692813948L, m.get("Timestamp").asLong());
            for (String f : List.of("UpdatedTime", "ClusterName", "HostName", "NamespaceName", "PodName", "Labels",
                    "ContainerID", "ContainerName", "ContainerImage", "ParentProcessName", "ProcessName", "PolicyName",
                    "Severity", "Tags", "Message", "Type", "Source", "Operation", "Resource", "Data", "Enforcer", "Action",
                    "Result", "Cwd", "TTY")) {
                JsonNode ours = TelemetryJson.mapper().valueToTree(a).get(f);
                assertEquals(ours.asText(), m.path(f).asText(), f);
            }
            assertEquals(7, m.get("PID").asInt());
            assertEquals(11, m.get("HostPID").asInt());
            assertEquals(1000, m.get("UID").asInt());
            assertEquals("Deployment", m.get("Owner").get("Ref").asText());
            assertEquals("CM-7", m.get("ATags").get(1).asText());
            assertEquals("v", m.get("EventData").get("k").asText());
        }
    }

    @Test
    void watchLogsCarriesLogsAndWatchMessagesMessages() throws Exception {
        try (BufCli.Stream logs = buf.curlStream(KUBEARMOR_PROTO, url("WatchLogs"), "{\"Filter\":\"system\"}");
             BufCli.Stream messages = buf.curlStream(KUBEARMOR_PROTO, url("WatchMessages"), "{\"Filter\":\"all\"}")) {
            awaitSubscribed(FeederSubscribers.Method.WATCH_LOGS, 1);
            awaitSubscribed(FeederSubscribers.Method.WATCH_MESSAGES, 1);
            subscribers.publish(Log.builder().type("ContainerLog").operation("File").resource("/etc/passwd")
                    .namespaceName("default").result("Passed").build());
            subscribers.publish(new dev.palisade.telemetry.AgentMessage(1L, "t", "c", "node-1", "", "Message", "Info", "hello"));
            JsonNode log = nextMessage(logs);
            assertEquals("/etc/passwd", log.get("Resource").asText());
            assertEquals("ContainerLog", log.get("Type").asText());
            assertEquals("hello", nextMessage(messages).get("Message").asText());
        }
    }

    @Test
    void healthChecksAnswerTheKubeArmorWayAndTheStandardWay() {
        var hc = buf.curl(KUBEARMOR_PROTO, url("HealthCheck"), "{\"nonce\": 4242}");
        assertEquals(0, hc.exitCode(), hc::toString);
        assertTrue(hc.stdout().contains("4242"), hc.stdout());
        var standard = buf.curl(HEALTH_PROTO, "http://127.0.0.1:" + server.healthPort() + "/grpc.health.v1.Health/Check", "{}");
        assertEquals(0, standard.exitCode(), standard::toString);
        assertTrue(standard.stdout().contains("SERVING"), standard.stdout());
    }

    @Test
    void anUnknownFilterEndsTheStreamLikeKubeArmor() throws Exception {
        var r = buf.curl(KUBEARMOR_PROTO, url("WatchAlerts"), "{\"Filter\":\"everything\"}");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.stdout().strip());
    }
}
