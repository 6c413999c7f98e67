package dev.palisade.streams.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import dev.palisade.streams.StreamsTestKit;
import dev.palisade.streams.TelemetryKind;
import dev.palisade.streams.metrics.MetricsSettings;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SinksConfigTest {
    @Test
    void referenceDefaultsEnableStdoutAndGrpcOnKubeArmorsPorts() {
        SinksConfig c = SinksConfig.from(StreamsTestKit.config(""));
        assertTrue(c.stdout().isPresent());
        assertTrue(c.file().isEmpty() && c.kafka().isEmpty() && c.elasticsearch().isEmpty());
        var grpc = c.grpc().orElseThrow().feeder();
        assertEquals(32767, grpc.port());
        assertEquals(32766, grpc.healthPort());
        assertEquals(1000, grpc.clientBufferSize());
        assertEquals(9464, MetricsSettings.from(StreamsTestKit.config("")).port());
    }

    @Test
    void everySinkReadsItsKeysAndFallsBackToDefaults() {
        SinksConfig c = SinksConfig.from(StreamsTestKit.config("""
                palisade.sinks {
                  defaults.buffer-size = 77
                  file { enabled = true, path = "/tmp/x.jsonl", append = false, kinds = [alerts] }
                  kafka { enabled = true, bootstrap-servers = "k:9092", topics.alerts = "a", producer { "linger.ms" = 7, acks = "1" } }
                  elasticsearch { enabled = true, url = "http://es:9200", indices.logs = "l-%{yyyy.MM}", bulk.max-actions = 5 }
                }
                """));
        var file = c.file().orElseThrow();
        assertEquals(77, file.sink().bufferSize());
        assertEquals(Set.of(TelemetryKind.ALERTS), file.sink().kinds());
        assertEquals(false, file.append());
        assertEquals(Duration.ofSeconds(1), file.flushInterval());
        var kafka = c.kafka().orElseThrow().kafka();
        assertEquals("a", kafka.topic(TelemetryKind.ALERTS));
        assertEquals("palisade-logs", kafka.topic(TelemetryKind.LOGS));
        assertEquals("7", kafka.producerProperties().get("linger.ms"));
        assertEquals("1", kafka.producerProperties().get("acks"));
        assertEquals("lz4", kafka.producerProperties().get("compression.type"));
        var es = c.elasticsearch().orElseThrow().elasticsearch();
        assertEquals(5, es.maxActions());
        assertEquals("l-2026.11", es.index(TelemetryKind.LOGS).resolve(1_795_000_000L));
    }

    @Test
    void badValuesNameTheKeyAndTheReason() {
        var kinds = assertThrows(IllegalArgumentException.class, () -> SinksConfig.from(StreamsTestKit.config(
                "palisade.sinks.stdout.kinds = [alerts, traces]")));
        assertTrue(kinds.getMessage().contains("palisade.sinks.stdout.kinds") && kinds.getMessage().contains("traces"),
                kinds.getMessage());
        var index = assertThrows(IllegalArgumentException.class, () -> SinksConfig.from(StreamsTestKit.config(
                "palisade.sinks.elasticsearch { enabled = true, indices.alerts = \"Alerts\" }")));
        assertTrue(index.getMessage().startsWith("palisade.sinks.elasticsearch.indices.alerts"), index.getMessage());
        var buffer = assertThrows(IllegalArgumentException.class, () -> SinksConfig.from(StreamsTestKit.config(
                "palisade.sinks.grpc.buffer-size = 0")));
        assertTrue(buffer.getMessage().startsWith("palisade.sinks.grpc"), buffer.getMessage());
        var type = assertThrows(IllegalArgumentException.class, () -> SinksConfig.from(StreamsTestKit.config(
                "palisade.sinks.kafka { enabled = true, max-in-flight = lots }")));
        assertTrue(type.getMessage().startsWith("palisade.sinks.kafka: ") && type.getMessage().contains("max-in-flight")
                && type.getMessage().contains("STRING rather than NUMBER"), type.getMessage());
        assertTrue(type.getCause() instanceof ConfigException.WrongType);
        var gone = assertThrows(IllegalArgumentException.class, () -> SinksConfig.from(StreamsTestKit.config(
                "palisade.sinks.hub-buffer-size = 16384")));
        assertTrue(gone.getMessage().startsWith("palisade.sinks.hub-buffer-size: no longer exists"), gone.getMessage());
    }
}
