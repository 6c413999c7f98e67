package dev.palisade.streams.grpc;

import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.Telemetry;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The hub's branch to the gRPC feeder: hands each record to the connected clients' queues. A record counts as
 * delivered once it has been offered to every client watching its kind (zero clients included); what a slow client
 * loses is counted by {@link FeederSubscribers}, per client.
 */
public final class FeederOutput implements TelemetryOutput {
    private final FeederSubscribers subscribers;

    public FeederOutput(FeederSubscribers subscribers) {
        this.subscribers = subscribers;
    }

    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
        return Flow.<Telemetry>create().map(r -> {
            subscribers.publish(r);
            return Delivery.ONE;
        });
    }
}
