package dev.palisade.agent.run;

import static dev.palisade.agent.run.SeedWalkthroughTest.await;
import static dev.palisade.agent.run.SeedWalkthroughTest.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.RuncContainer;
import dev.palisade.testing.servers.BufCli;
import dev.palisade.testing.servers.ElasticsearchNode;
import dev.palisade.testing.servers.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One denial, every sink: {@code palisade run} as a user starts it (its own process, its stdout and stderr) with the
 * seed walkthrough's block posture, and the DefaultPosture / Block alert reaches its stdout as a JSON line, a real
 * Kafka topic, a real Elasticsearch index and a gRPC client that knows nothing of Palisade (buf curl reading
 * KubeArmor's own kubearmor.proto); {@code palisade logs}, another process, prints it readably. The servers start once
 * for the class.
 */
@Requires({Need.RUNC, Need.FANOTIFY, Need.BPF})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class AlertToEverySinkTest {
    private KafkaBroker kafka;
    private ElasticsearchNode es;
    private BufCli buf;

    @BeforeAll
    void startServers() {
        kafka = KafkaBroker.start();
        es = ElasticsearchNode.start();
        buf = BufCli.find();
    }

    @AfterAll
    void stopServers() {
        if (es != null) es.close();
        if (kafka != null) kafka.close();
    }

    static Path kubearmorProto() {
        for (Path p : new Path[] {Path.of("").toAbsolutePath().getParent().resolve("../shared/reference/kubearmor.proto").normalize(),
                Path.of("/work/shared/reference/kubearmor.proto")}) {
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalStateException("KubeArmor's kubearmor.proto not found in ../shared/reference");
    }

    static boolean isTheDenial(JsonNode a) {
        return "/usr/sbin/chroot".equals(a.path("Resource").asText()) && "DefaultPosture".equals(a.path("PolicyName").asText())
                && "Block".equals(a.path("Action").asText());
    }

    /** {@code palisade ARGS} in its own JVM, as ./palisade starts it, stdout and stderr to files {@code NAME.out/.err}. */
    static Process palisade(Path dir, String name, String... args) throws IOException {
        return palisade(dir, name, java.util.Map.of(), args);
    }

    /** As {@link #palisade(Path, String, String...)}, with these environment variables set. */
    static Process palisade(Path dir, String name, java.util.Map<String, String> env, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.palisade.agent.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("PALISADE_LOG_LEVEL", "INFO");
        pb.environment().putAll(env);
        return pb.start();
    }

    static java.net.http.HttpResponse<String> http(int port, String path) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static Optional<JsonNode> denialOnStdout(Path dir) {
        String out = read(dir.resolve("run.out"));
        out = out.substring(0, out.lastIndexOf('\n') + 1); // a line being written is not complete yet
        for (String line : out.lines().toList()) {
            if (line.isBlank()) continue;
            try {
                JsonNode a = TelemetryJson.mapper().readTree(line);
                if (isTheDenial(a)) return Optional.of(a);
            } catch (IOException e) {
                throw new AssertionError("stdout carries a line that is not JSON: " + line, e);
            }
        }
        return Optional.empty();
    }

    @Test
    void theBlockAlertReachesStdoutKafkaElasticsearchAndAKubeArmorGrpcClient(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.copy(SeedWalkthroughTest.SEED, dir.resolve("policies/only-allow-nginx-exec.yaml"));
        int nginxPort = freePort(), grpcPort = freePort(), healthPort = freePort();
        String topic = "alerts-" + UUID.randomUUID();
        String index = "walkthrough-" + UUID.randomUUID().toString().substring(0, 8);
        Path config = Files.writeString(dir.resolve("palisade.conf"), """
                palisade {
                  discovery.state-roots = ["%s"]
                  discovery.reconcile-interval = 500ms
                  metrics.port = 0
                  sinks {
                    kafka { enabled = true, bootstrap-servers = "%s", topics.alerts = "%s" }
                    elasticsearch { enabled = true, url = "%s", indices.alerts = "%s-alerts-%%{yyyy.MM.dd}", bulk.max-interval = 200ms }
                    grpc { port = %d, health-port = %d }
                  }
                }
                """.formatted(SeedWalkthroughTest.runcRoot(dir), kafka.bootstrapServers(), topic, es.url(), index,
                grpcPort, healthPort));
        List<Process> stack = new ArrayList<>();
        Process agent = palisade(dir, "run", "run", "--config", config.toString(), "--mode", "standalone",
                "--policies", dir.resolve("policies").toString(), "--posture", "file=block");
        try {
            Pattern started = Pattern.compile("Palisade started in (\\d+) ms.*metrics on :(\\d+)");
            await("palisade run started", Duration.ofSeconds(60), () -> {
                assertTrue(agent.isAlive(), () -> "palisade run exited " + agent.exitValue() + ": " + read(dir.resolve("run.err")));
                return started.matcher(read(dir.resolve("run.err"))).find();
            });
            Matcher m = started.matcher(read(dir.resolve("run.err")));
            assertTrue(m.find());
            System.out.println("palisade run ready in " + m.group(1) + " ms");
            int metricsPort = Integer.parseInt(m.group(2));
            assertEquals(200, http(metricsPort, "/readyz").statusCode());

            try (RuncContainer c = SeedWalkthroughTest.nginx(dir, nginxPort);
                 var grpc = buf.curl(kubearmorProto(), "http://127.0.0.1:" + grpcPort + "/feeder.LogService/WatchAlerts",
                         "{\"Filter\":\"policy\"}")) {
                // and `palisade logs`, readable lines, narrowed as a user would
                Process logs = palisade(dir, "logs", "logs", "--server", "127.0.0.1:" + grpcPort, "--namespace", "default",
                        "--operation", "Process");
                stack.add(logs);
                await("buf and palisade logs watching", Duration.ofSeconds(30), () -> {
                    try {
                        return http(metricsPort, "/metrics").body().contains("palisade_grpc_clients_connected{method=\"WatchAlerts\"} 2.0");
                    } catch (Exception e) {
                        return false;
                    }
                });
                // protected: bash's exec of chroot is denied once the container's rules are in force
                await("chroot denied", Duration.ofSeconds(10), () -> c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode() == 126);

                // gRPC, KubeArmor's schema as buf decodes it
                boolean seen = false;
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!seen && System.nanoTime() < end) {
                    List<String> msgs = grpc.messages(1, Duration.ofNanos(Math.max(1, end - System.nanoTime())));
                    if (msgs.isEmpty()) break;
                    JsonNode a = TelemetryJson.mapper().readTree(msgs.getFirst());
                    seen = isTheDenial(a) && "default".equals(a.path("NamespaceName").asText())
                            && "nginx".equals(a.path("ContainerName").asText());
                }
                assertTrue(seen, "buf curl never received the denial: " + grpc.output());

                await("palisade logs printed it", Duration.ofSeconds(10), () -> read(dir.resolve("logs.out")).lines().anyMatch(l ->
                        l.contains("  ALERT  default/nginx-7c5b8d65b8-x2x9z/nginx  Process  /usr/sbin/chroot  Block (Operation not permitted)"
                                + "  policy=DefaultPosture")));
                logs.destroy(); // as Ctrl-C: the follow stops, what arrived has been printed
                assertTrue(logs.waitFor(15, TimeUnit.SECONDS), "palisade logs did not stop: " + read(dir.resolve("logs.err")));

                // stdout: KubeArmor JSON lines, nothing else on it (the agent's log is on stderr)
                await("the JSON line on stdout", Duration.ofSeconds(5), () -> denialOnStdout(dir).isPresent());
                JsonNode line = denialOnStdout(dir).orElseThrow();
                assertEquals("Operation not permitted", line.path("Result").asText());
                assertEquals("MatchedPolicy", line.path("Type").asText());
                assertEquals("nginx-7c5b8d65b8-x2x9z", line.path("PodName").asText());
                assertEquals("fanotify", line.path("Enforcer").asText());
                assertEquals(c.id(), line.path("ContainerID").asText());

                // the metrics count it by policy, action and enforcer
                await("the alert in palisade_alerts_total", Duration.ofSeconds(10), () -> {
                    try {
                        return http(metricsPort, "/metrics").body().lines().anyMatch(l -> l.startsWith(
                                "palisade_alerts_total{action=\"Block\",enforcer=\"fanotify\",policy=\"DefaultPosture\",type=\"MatchedPolicy\"}"));
                    } catch (Exception e) {
                        return false;
                    }
                });
                String metrics = http(metricsPort, "/metrics").body();
                assertTrue(metrics.contains("palisade_ring_capacity_bytes"));
                // the fanotify enforcer's own counters: the denial was one of its decisions; its caches are exposed
                double decisions = metrics.lines().filter(l -> l.startsWith("palisade_enforcer_decisions_total{enforcer=\"fanotify\"}"))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
                assertTrue(decisions >= 1, "fanotify decisions in the metrics: " + decisions);
                for (String counter : List.of("palisade_enforcer_opens_cached_total", "palisade_enforcer_execs_recalled_total")) {
                    assertTrue(metrics.contains(counter + "{enforcer=\"fanotify\"}"), counter);
                }

                // Kafka, keyed by container id
                Properties p = new Properties();
                p.put("bootstrap.servers", kafka.bootstrapServers());
                p.put("group.id", "walkthrough-" + UUID.randomUUID());
                p.put("auto.offset.reset", "earliest");
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    ConsumerRecord<String, String> found = null;
                    end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (found == null && System.nanoTime() < end) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                            if (isTheDenial(TelemetryJson.mapper().readTree(r.value()))) found = r;
                        }
                    }
                    assertTrue(found != null, "no denial on Kafka topic " + topic);
                    assertEquals(c.id(), found.key(), "keyed by container id");
                }

                // Elasticsearch, in the day's alerts index, searchable by KubeArmor's field names
                await("the Elasticsearch document", Duration.ofSeconds(30), () -> {
                    try {
                        es.post("/" + index + "-alerts-*/_refresh", "{}");
                        var r = es.post("/" + index + "-alerts-*/_search",
                                "{\"query\":{\"match_phrase\":{\"Resource\":\"/usr/sbin/chroot\"}}}");
                        JsonNode hits = TelemetryJson.mapper().readTree(r.body()).path("hits").path("hits");
                        for (JsonNode h : hits) {
                            if (isTheDenial(h.path("_source")) && c.id().equals(h.path("_source").path("ContainerID").asText())) return true;
                        }
                        return false;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        } finally {
            for (Process p : stack) p.destroyForcibly();
            agent.destroy(); // SIGTERM: the agent's shutdown hook detaches and unmarks
            if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("palisade run did not stop within 30 s of SIGTERM: " + read(dir.resolve("run.err")));
            }
        }
        assertTrue(!read(dir.resolve("run.err")).contains(" ERROR "), read(dir.resolve("run.err")));
    }
}
