package dev.palisade.streams.grpc;

import dev.palisade.grpc.feeder.LogService;
import dev.palisade.grpc.health.Health;
import dev.palisade.grpc.health.HealthCheckRequest;
import dev.palisade.grpc.health.HealthCheckResponse;
import dev.palisade.grpc.health.HealthCheckResponse.ServingStatus;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The standard grpc.health.v1 service: the overall server ({@code ""}) and feeder.LogService are SERVING while the
 * feeder runs; an unknown service name gets NOT_FOUND from Check and SERVICE_UNKNOWN from Watch, as the protocol asks.
 * Watch sends the status once and keeps the stream open.
 */
public final class FeederHealthService implements Health {
    private static final Set<String> KNOWN = Set.of("", LogService.name, Health.name);
    private final BooleanSupplier serving;

    public FeederHealthService(BooleanSupplier serving) {
        this.serving = serving;
    }

    @Override
    public CompletionStage<HealthCheckResponse> check(HealthCheckRequest in) {
        if (!KNOWN.contains(in.getService())) {
            return CompletableFuture.failedFuture(new GrpcServiceException(
                    Status.NOT_FOUND.withDescription("unknown service " + in.getService())));
        }
        return CompletableFuture.completedFuture(response(status()));
    }

    @Override
    public Source<HealthCheckResponse, NotUsed> watch(HealthCheckRequest in) {
        ServingStatus s = KNOWN.contains(in.getService()) ? status() : ServingStatus.SERVICE_UNKNOWN;
        return Source.single(response(s)).concat(Source.never());
    }

    private ServingStatus status() {
        return serving.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    }

    private static HealthCheckResponse response(ServingStatus s) {
        return HealthCheckResponse.newBuilder().setStatus(s).build();
    }
}
