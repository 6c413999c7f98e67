package dev.palisade.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.palisade.streams.TelemetryOutputs;
import dev.palisade.streams.grpc.FeederSubscribers;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * {@code palisade logs} in-process against the agent's real gRPC feeder (the outputs {@code palisade run} starts, fed
 * through their hub): alerts narrowed by container and operation, readable by default, and the agent found from
 * its configuration when no {@code --server} is given.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class LogsCliTest {
    private ActorSystem<Void> system;
    private TelemetryOutputs outputs;

    @BeforeAll
    void start() throws Exception {
        var config = ConfigFactory.parseString("""
                palisade.sinks.stdout.enabled = false
                palisade.sinks.grpc { port = 0, health-port = 0 }
                """).withFallback(ConfigFactory.load()).resolve();
        system = ActorSystem.create(Behaviors.empty(), "logs-cli-test", config);
        outputs = TelemetryOutputs.start(system, config, new SimpleMeterRegistry()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        outputs.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static Alert alert(int seq, String pod, String container, String operation, String resource, String action, String result) {
        try {
            return TelemetryJson.readAlert("""
                    {"Timestamp":%d,"UpdatedTime":"2026-11-22T10:00:0%d.000000Z","ClusterName":"default","HostName":"node-1",
                     "NamespaceName":"default","PodName":"%s","Labels":"app=nginx","ContainerID":"c0ffee%d",
                     "ContainerName":"%s","HostPID":4242,"PID":42,"ProcessName":"%s","ParentProcessName":"/usr/bin/bash",
                     "PolicyName":"DefaultPosture","Type":"MatchedPolicy","Source":"/usr/bin/bash","Operation":"%s",
                     "Resource":"%s","Data":"syscall=SYS_EXECVE","Enforcer":"fanotify","Action":"%s","Result":"%s"}
                    """.formatted(1_795_000_000L + seq, seq, pod, seq, container, resource, operation, resource, action, result));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Runs the command and, once it watches the feeder's alerts, offers the records into the agent's hub. */
    private CliTest.Result runWhileOffering(List<Telemetry> records, String... args) throws Exception {
        var subs = outputs.feederSubscribers().orElseThrow();
        long before = subs.subscribed(FeederSubscribers.Method.WATCH_ALERTS);
        CompletableFuture<CliTest.Result> run = CompletableFuture.supplyAsync(() -> CliTest.run(args));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (subs.subscribed(FeederSubscribers.Method.WATCH_ALERTS) <= before) {
            assertTrue(System.nanoTime() < deadline && !run.isDone(), () -> "never connected: " + (run.isDone() ? run.join() : ""));
            Thread.sleep(20);
        }
        for (Telemetry r : records) assertTrue(outputs.hub().offer(r));
        return run.get(60, TimeUnit.SECONDS);
    }

    List<Telemetry> walkthrough() {
        return List.of(
                alert(1, "nginx-1", "nginx", "Process", "/usr/sbin/chroot", "Block", "Operation not permitted"),
                alert(2, "nginx-1", "sidecar", "Process", "/usr/bin/curl", "Block", "Operation not permitted"),
                alert(3, "nginx-1", "nginx", "File", "/etc/shadow", "Audit", "Passed"),
                alert(4, "nginx-2", "nginx", "Process", "/usr/bin/id", "Audit", "Passed"));
    }

    @Test
    void policyAlertsNarrowedByContainerAndOperationAreReadableLines() throws Exception {
        int port = outputs.feederServer().orElseThrow().port();
        CliTest.Result r = runWhileOffering(walkthrough(), "logs", "--server", "127.0.0.1:" + port,
                "--container", "nginx", "--operation", "process", "--duration", "3s");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(List.of(
                "2026-11-22T10:00:01.000000Z  ALERT  default/nginx-1/nginx  Process  /usr/sbin/chroot  Block (Operation not permitted)"
                        + "  policy=DefaultPosture  process=/usr/sbin/chroot",
                "2026-11-22T10:00:04.000000Z  ALERT  default/nginx-2/nginx  Process  /usr/bin/id  Audit (Passed)"
                        + "  policy=DefaultPosture  process=/usr/bin/id"), r.out().lines().toList());
    }

    @Test
    void withoutServerTheAgentOfTheConfigurationIsFollowed(@TempDir Path dir) throws Exception {
        int port = outputs.feederServer().orElseThrow().port();
        Path conf = Files.writeString(dir.resolve("agent.conf"), "palisade.sinks.grpc.port = " + port + "\n");
        CliTest.Result r = runWhileOffering(walkthrough(), "logs", "--config", conf.toString(), "--pod", "nginx-1",
                "--json", "--duration", "3s");
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertEquals(TelemetryJson.write(walkthrough().getFirst()), lines.getFirst());
    }

    @Test
    void aConfigurationWithoutTheGrpcServiceIsAUsageErrorSayingSo(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("agent.conf"), "palisade.sinks.grpc.enabled = false\n");
        CliTest.Result r = CliTest.run("logs", "--config", conf.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("palisade.sinks.grpc.enabled = false") && r.err().contains("--server"), r.err());
    }
}
