package dev.palisade.streams.kafka;

import dev.palisade.streams.TelemetryKind;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where the Kafka sink sends records.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param topics the topic for each kind of record
 * @param maxInFlight sends awaiting the broker's answer before the sink stops taking records (they then wait in, and
 *     drop from, the sink's buffer)
 * @param producerProperties kafka-clients producer properties (acks, linger.ms, batch.size, compression.type, ...)
 */
public record KafkaSinkSettings(String bootstrapServers, Map<TelemetryKind, String> topics, int maxInFlight,
                                Map<String, String> producerProperties) {
    public KafkaSinkSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap-servers must name at least one broker (host:port)");
        }
        if (maxInFlight < 1) throw new IllegalArgumentException("max-in-flight must be at least 1, was " + maxInFlight);
        topics = Map.copyOf(new EnumMap<>(topics));
        producerProperties = Map.copyOf(producerProperties);
    }

    public String topic(TelemetryKind kind) {
        String t = topics.get(kind);
        if (t == null) throw new IllegalStateException("no Kafka topic configured for " + kind.configName());
        return t;
    }
}
