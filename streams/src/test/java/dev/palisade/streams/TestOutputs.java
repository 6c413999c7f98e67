package dev.palisade.streams;

import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.Telemetry;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/** Outputs the sink tests share. */
public final class TestOutputs {
    private TestOutputs() {}

    /** Takes one record and never finishes delivering it: a destination that hangs. */
    public static TelemetryOutput hanging() {
        return new TelemetryOutput() {
            @Override
            public String name() {
                return "hanging";
            }

            @Override
            public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
                return Flow.<Telemetry>create().mapAsync(1, r -> new CompletableFuture<Delivery>());
            }
        };
    }
}
