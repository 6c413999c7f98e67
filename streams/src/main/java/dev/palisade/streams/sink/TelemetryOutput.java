package dev.palisade.streams.sink;

import dev.palisade.telemetry.Telemetry;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * A destination for telemetry: stdout, a file, Kafka, Elasticsearch, the gRPC feeder. It only has to say how records
 * get there; {@link IsolatedSink} adds the buffer, the drop and error accounting and the restarts.
 */
public interface TelemetryOutput {
    /** Short name used in metric tags and logs ({@code stdout}, {@code kafka}, ...). */
    String name();

    /**
     * A new delivery stage. It reports every record it takes in exactly once, as delivered or failed, through the
     * {@link Delivery} values it emits (a batching stage reports a whole batch at once). Failing the stage is for
     * the unexpected: the records inside are then counted as aborted and a fresh stage is made after a backoff.
     */
    Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors);

    /**
     * The same stage taking the hub's batches as they come (one pass of the pipeline each, never empty). Outputs that
     * write in bulk override it so a record costs no stream element of its own; the default unpacks the batch.
     */
    default Flow<List<Telemetry>, Delivery, NotUsed> batchDeliveryFlow(ErrorReport errors) {
        return Flow.<List<Telemetry>>create().mapConcat(batch -> batch).via(deliveryFlow(errors));
    }

    /**
     * True when the delivery stage blocks its thread (a write to a file or a pipe): the sink's stream then runs on
     * a thread of its own instead of the shared dispatcher.
     */
    default boolean blocking() {
        return false;
    }

    /** Where a delivery stage reports a failed write, request or send (counted, and logged at a bounded rate). */
    @FunctionalInterface
    interface ErrorReport {
        void error(String what, Throwable cause);
    }
}
