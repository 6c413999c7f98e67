package dev.palisade.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.palisade.policy.simulate.LogLines;
import dev.palisade.streams.TelemetryOutputs;
import dev.palisade.streams.grpc.FeederSubscribers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** discover and readiness learn from a running agent's gRPC log stream exactly as from a recorded file. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class LiveRecordingCliTest {
    private ActorSystem<Void> system;
    private TelemetryOutputs outputs;

    @BeforeAll
    void start() throws Exception {
        var config = ConfigFactory.parseString("""
                palisade.sinks.stdout.enabled = false
                palisade.sinks.grpc { port = 0, health-port = 0 }
                """).withFallback(ConfigFactory.load()).resolve();
        system = ActorSystem.create(Behaviors.empty(), "live-recording-test", config);
        outputs = TelemetryOutputs.start(system, config, new SimpleMeterRegistry()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        outputs.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static List<String> recording() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(DiscoverCliTest.exec("web", "nginx", "/usr/sbin/nginx").replace("{", "{\"Timestamp\":" + (1_700_000_000L + i * 1000) + ","));
            lines.add(DiscoverCliTest.exec("db", "redis", "/usr/bin/redis-server").replace("{", "{\"Timestamp\":" + (1_700_000_000L + i * 1000) + ","));
        }
        lines.add(DiscoverCliTest.exec("web", "nginx", "/usr/bin/bash"));
        return lines;
    }

    /** Runs the command, and once it watches the feeder, plays the recording into the agent's hub. */
    private CliTest.Result runLive(List<String> recording, String... args) throws Exception {
        var subs = outputs.feederSubscribers().orElseThrow();
        long before = subs.subscribed(FeederSubscribers.Method.WATCH_LOGS);
        CompletableFuture<CliTest.Result> run = CompletableFuture.supplyAsync(() -> CliTest.run(args));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (subs.subscribed(FeederSubscribers.Method.WATCH_LOGS) <= before) {
            assertTrue(System.nanoTime() < deadline && !run.isDone(), () -> "never connected: " + (run.isDone() ? run.join() : ""));
            Thread.sleep(20);
        }
        LogLines.read(new BufferedReader(new StringReader(String.join("\n", recording))),
                e -> assertTrue(outputs.hub().offer(e.log())), m -> { throw new AssertionError(m.toString()); });
        return run.get(60, TimeUnit.SECONDS);
    }

    private static String withoutComments(String yaml) {
        return yaml.lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void discoverFromTheAgentLearnsWhatTheSameRecordingTeaches(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("rec.jsonl"), recording());
        CliTest.Result fromFile = CliTest.run("discover", "-e", file.toString());
        assertEquals(0, fromFile.exit(), fromFile::toString);

        int port = outputs.feederServer().orElseThrow().port();
        CliTest.Result live = runLive(recording(), "discover", "--server", "127.0.0.1:" + port, "--duration", "4s");
        assertEquals(0, live.exit(), live::toString);
        assertTrue(live.out().contains("name: nginx-least-permissive") && live.out().contains("name: redis-least-permissive"), live.out());
        assertEquals(withoutComments(fromFile.out()), withoutComments(live.out()));
        assertTrue(live.out().contains("the agent at 127.0.0.1:" + port), "the header says where it was learned: " + live.out());
    }

    @Test
    void readinessFromTheAgentJudgesTheLiveWorkloads(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("rec.jsonl"), recording());
        Path policies = dir.resolve("p");
        assertEquals(0, CliTest.run("discover", "-e", file.toString(), "-d", policies.toString()).exit());
        Files.delete(policies.resolve("web_nginx-least-permissive.yaml"));
        Files.writeString(policies.resolve("web.yaml"), """
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: { name: nginx-only, namespace: web }
                spec:
                  selector: { matchLabels: { app: nginx } }
                  process: { matchPaths: [ { path: /usr/sbin/nginx } ] }
                  action: Allow
                """);
        int port = outputs.feederServer().orElseThrow().port();
        CliTest.Result live = runLive(recording(), "readiness", "-p", policies.toString(), "--server", "127.0.0.1:" + port,
                "--duration", "4s", "--min-events", "3", "--min-span", "1h", "-o", "json");
        assertEquals(1, live.exit(), "web is not ready yet: " + live);
        assertTrue(live.err().contains("recorded 11 logs"), live.err());
        assertTrue(live.out().matches("(?s).*\"namespace\"\\s*:\\s*\"db\".*?\"safe\"\\s*:\\s*true.*"), live.out());
        assertTrue(live.out().matches("(?s).*\"namespace\"\\s*:\\s*\"web\".*?\"safe\"\\s*:\\s*false.*"), live.out());
        assertTrue(live.out().contains("/usr/bin/bash"), "the would-be denial is named: " + live.out());
    }

    @Test
    void anUnreachableAgentIsAnErrorNamingIt() {
        CliTest.Result r = CliTest.run("discover", "--server", "127.0.0.1:1", "--duration", "2s");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("127.0.0.1:1"), r.err());
        CliTest.Result bad = CliTest.run("discover", "--server", "nowhere", "--duration", "2s");
        assertEquals(2, bad.exit(), bad::toString);
        assertTrue(bad.err().contains("--server \"nowhere\" is not HOST:PORT"), bad.err());
    }

    @Test
    void logsFollowsTheAgentNarrowedByNamespaceAsJsonOrReadableLines() throws Exception {
        int port = outputs.feederServer().orElseThrow().port();
        CliTest.Result json = runLive(recording(), "logs", "--server", "127.0.0.1:" + port, "--filter", "system",
                "--namespace", "db", "--json", "--duration", "3s");
        assertEquals(0, json.exit(), json::toString);
        List<String> lines = json.out().lines().toList();
        assertEquals(5, lines.size(), json.out());
        for (String l : lines) {
            assertTrue(l.startsWith("{") && l.contains("\"NamespaceName\":\"db\"") && l.contains("/usr/bin/redis-server"), l);
        }
        CliTest.Result text = runLive(recording(), "logs", "--server", "127.0.0.1:" + port, "--filter", "system",
                "--pod", "nginx-1", "--duration", "3s");
        assertEquals(0, text.exit(), text::toString);
        List<String> readable = text.out().lines().toList();
        assertEquals(6, readable.size(), text.out());
        assertTrue(readable.get(5).contains("web/nginx-1/nginx") && readable.get(5).contains("/usr/bin/bash"), readable.get(5));
    }
}
