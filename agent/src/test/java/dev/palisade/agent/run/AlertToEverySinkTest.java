package dev.palisade.agent.run;

import static dev.palisade.agent.run.SeedWalkthroughTest.await;
import static dev.palisade.agent.run.SeedWalkthroughTest.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.RuncContainer;
import dev.palisade.testing.servers.BufCli;
import dev.palisade.testing.servers.ElasticsearchNode;
import dev.palisade.testing.servers.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One denial, every sink: the seed walkthrough's DefaultPosture / Block alert reaches stdout-style JSON lines, a real
 * Kafka broker, a real Elasticsearch node and a gRPC client that knows nothing of Palisade (buf curl reading
 * KubeArmor's own kubearmor.proto).
 */
@Requires({Need.RUNC, Need.FANOTIFY, Need.BPF})
@Timeout(300)
class AlertToEverySinkTest {
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

    @Test
    void theBlockAlertReachesJsonLinesKafkaElasticsearchAndAKubeArmorGrpcClient(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.copy(SeedWalkthroughTest.SEED, dir.resolve("policies/only-allow-nginx-exec.yaml"));
        int nginxPort = freePort(), grpcPort = freePort(), healthPort = freePort();
        String topic = "alerts-" + UUID.randomUUID();
        try (KafkaBroker kafka = KafkaBroker.start(); ElasticsearchNode es = ElasticsearchNode.start()) {
            Config config = SeedWalkthroughTest.config(dir, "block").withFallback(com.typesafe.config.ConfigFactory.empty());
            config = com.typesafe.config.ConfigFactory.parseMap(Map.ofEntries(
                    Map.entry("palisade.sinks.kafka.enabled", true),
                    Map.entry("palisade.sinks.kafka.bootstrap-servers", kafka.bootstrapServers()),
                    Map.entry("palisade.sinks.kafka.topics.alerts", topic),
                    Map.entry("palisade.sinks.elasticsearch.enabled", true),
                    Map.entry("palisade.sinks.elasticsearch.url", es.url()),
                    Map.entry("palisade.sinks.elasticsearch.bulk.max-interval", "200ms"),
                    Map.entry("palisade.sinks.grpc.enabled", true),
                    Map.entry("palisade.sinks.grpc.port", grpcPort),
                    Map.entry("palisade.sinks.grpc.health-port", healthPort))).withFallback(config).resolve();
            try (Agent agent = Agent.start(config);
                 RuncContainer c = SeedWalkthroughTest.nginx(dir, nginxPort);
                 var grpc = BufCli.find().curl(kubearmorProto(), "http://127.0.0.1:" + grpcPort + "/feeder.LogService/WatchAlerts",
                         "{\"Filter\":\"policy\"}")) {
                await("container protected", Duration.ofSeconds(3), () -> agent.node().view().current().byCgroupId(c.cgroupId()) != null);
                await("buf watching", Duration.ofSeconds(30), () -> agent.outputs().feederSubscribers().orElseThrow()
                        .connected(dev.palisade.streams.grpc.FeederSubscribers.Method.WATCH_ALERTS) >= 1);

                assertEquals(126, c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode());

                // JSON lines (the file sink, the same writer as stdout)
                await("the JSON line", Duration.ofSeconds(5), () -> {
                    try {
                        return SeedWalkthroughTest.alerts(dir).stream().anyMatch(a -> a.resource().equals("/usr/sbin/chroot")
                                && a.action().equals("Block"));
                    } catch (Exception e) {
                        return false;
                    }
                });
                // gRPC, KubeArmor's schema as buf decodes it
                boolean seen = false;
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!seen && System.nanoTime() < end) {
                    List<String> msgs = grpc.messages(1, Duration.ofNanos(Math.max(1, end - System.nanoTime())));
                    if (msgs.isEmpty()) break;
                    JsonNode a = TelemetryJson.mapper().readTree(msgs.getFirst());
                    seen = isTheDenial(a) && "default".equals(a.path("NamespaceName").asText());
                }
                assertTrue(seen, "buf curl never received the denial: " + grpc.output());

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

                // Elasticsearch, in the day's alerts index
                await("the Elasticsearch document", Duration.ofSeconds(30), () -> {
                    try {
                        es.post("/palisade-alerts-*/_refresh", "{}");
                        var r = es.post("/palisade-alerts-*/_search", "{\"query\":{\"match_phrase\":{\"Resource\":\"/usr/sbin/chroot\"}}}");
                        JsonNode hits = TelemetryJson.mapper().readTree(r.body()).path("hits").path("hits");
                        for (JsonNode h : hits) if (isTheDenial(h.path("_source"))) return true;
                        return false;
                    } catch (Exception e) {
                        return false;
                    }
                });
                Alert any = SeedWalkthroughTest.alerts(dir).getFirst();
                assertEquals("fanotify", any.enforcer());
            }
        }
    }
}
