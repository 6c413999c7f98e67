package dev.palisade.streams.kafka;

import dev.palisade.streams.TelemetryKind;
import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.JsonLineEncoder;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.javadsl.SendProducer;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Records as KubeArmor JSON to Kafka, one topic per kind, keyed by container id (host name for host records and
 * agent messages) so that one container's records stay in order on one partition.
 *
 * <p>Sends go through pekko-connectors-kafka's {@link SendProducer}, which calls the Kafka producer on the
 * {@code pekko.kafka.default-dispatcher}: when the broker is down, the producer's own blocking (max.block.ms) and
 * retries (retries, retry.backoff.ms, delivery.timeout.ms) stay off the stream threads, at most
 * {@code max-in-flight} sends wait, and every send that finally fails is counted as a failed delivery.
 */
public final class KafkaOutput implements TelemetryOutput {
    private final ActorSystem<?> system;
    private final KafkaSinkSettings settings;
    private final ProducerSettings<String, byte[]> producerSettings;

    public KafkaOutput(ActorSystem<?> system, KafkaSinkSettings settings) {
        this.system = system;
        this.settings = settings;
        this.producerSettings = ProducerSettings
                .create(system.settings().config().getConfig("pekko.kafka.producer"), new StringSerializer(),
                        new ByteArraySerializer())
                .withBootstrapServers(settings.bootstrapServers())
                .withProperties(settings.producerProperties());
    }

    public ProducerSettings<String, byte[]> producerSettings() {
        return producerSettings;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
        return Flow.lazyFlow(() -> {
            SendProducer<String, byte[]> producer = new SendProducer<>(producerSettings, system);
            return Flow.<Telemetry>create()
                    .mapAsyncUnordered(settings.maxInFlight(), r -> producer.send(toRecord(r)).handle((md, ex) -> {
                        if (ex == null) return Delivery.ONE;
                        errors.error("send failed", ex);
                        return Delivery.FAILED_ONE;
                    }))
                    .watchTermination((mat, done) -> {
                        done.whenComplete((ok, ex) -> producer.close());
                        return mat;
                    });
        }).mapMaterializedValue(f -> NotUsed.getInstance());
    }

    ProducerRecord<String, byte[]> toRecord(Telemetry r) {
        return new ProducerRecord<>(settings.topic(TelemetryKind.of(r)), key(r), JsonLineEncoder.encode(r));
    }

    /** The partitioning key: the container id, or the host name for host records and agent messages. */
    public static String key(Telemetry r) {
        String container = switch (r) {
            case Alert a -> a.containerId();
            case Log l -> l.containerId();
            case AgentMessage m -> null;
        };
        if (container != null && !container.isEmpty()) return container;
        return r.hostName() == null ? "" : r.hostName();
    }
}
