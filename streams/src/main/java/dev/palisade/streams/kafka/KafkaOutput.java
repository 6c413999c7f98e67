package dev.palisade.streams.kafka;

import dev.palisade.streams.TelemetryKind;
import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.JsonLineEncoder;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** Groups of sends in flight at once; each group holds at most max-in-flight / GROUPS records. */
    private static final int GROUPS = 8;

    @Override
    public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
        return Flow.<Telemetry>create().map(List::of).via(batchDeliveryFlow(errors));
    }

    /**
     * Sends a group of records at once and reports the group when the broker has answered for all of them. Small
     * batches join while the groups in flight are full and large ones are split, so at most max-in-flight records
     * await the broker and the producer gets enough of them at once to fill its own batches.
     */
    @Override
    public Flow<List<Telemetry>, Delivery, NotUsed> batchDeliveryFlow(ErrorReport errors) {
        int group = Math.max(1, settings.maxInFlight() / GROUPS);
        return Flow.lazyFlow(() -> {
            SendProducer<String, byte[]> producer = new SendProducer<>(producerSettings, system);
            return Flow.<List<Telemetry>>create()
                    .mapConcat(batch -> batch.size() <= group ? List.of(batch) : split(batch, group))
                    .batchWeighted(group, batch -> (long) batch.size(), KafkaOutput::newGroup, KafkaOutput::addToGroup)
                    .mapAsyncUnordered(GROUPS, records -> sendAll(producer, records, errors))
                    .watchTermination((mat, done) -> {
                        done.whenComplete((ok, ex) -> producer.close());
                        return mat;
                    });
        }).mapMaterializedValue(f -> NotUsed.getInstance());
    }

    private CompletableFuture<Delivery> sendAll(SendProducer<String, byte[]> producer, List<Telemetry> records,
                                                ErrorReport errors) {
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<?>[] sends = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < sends.length; i++) {
            sends[i] = producer.send(toRecord(records.get(i))).toCompletableFuture().handle((md, ex) -> {
                if (ex != null) {
                    failed.incrementAndGet();
                    errors.error("send failed", ex);
                }
                return null;
            });
        }
        return CompletableFuture.allOf(sends).thenApply(v -> Delivery.of(sends.length - failed.get(), failed.get()));
    }

    private static List<List<Telemetry>> split(List<Telemetry> batch, int size) {
        List<List<Telemetry>> parts = new ArrayList<>((batch.size() + size - 1) / size);
        for (int from = 0; from < batch.size(); from += size) {
            parts.add(batch.subList(from, Math.min(batch.size(), from + size)));
        }
        return parts;
    }

    private static List<Telemetry> newGroup(List<Telemetry> first) {
        return new ArrayList<>(first);
    }

    private static List<Telemetry> addToGroup(List<Telemetry> group, List<Telemetry> next) {
        group.addAll(next);
        return group;
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
