package dev.palisade.streams.grpc;

import dev.palisade.grpc.feeder.LogService;
import dev.palisade.grpc.feeder.LogServiceHandlerFactory;
import dev.palisade.grpc.health.Health;
import dev.palisade.grpc.health.HealthHandlerFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.javadsl.ServerReflection;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server (cleartext HTTP/2, which needs {@code pekko.http.server.enable-http2 = on}): feeder.LogService,
 * grpc.health.v1.Health and server reflection on the feeder port, the health service alone on the health port.
 */
public final class FeederServer {
    private static final Logger LOG = LoggerFactory.getLogger(FeederServer.class);

    private final ServerBinding feeder;
    private final ServerBinding health;
    private final AtomicBoolean serving;

    private FeederServer(ServerBinding feeder, ServerBinding health, AtomicBoolean serving) {
        this.feeder = feeder;
        this.health = health;
        this.serving = serving;
    }

    public static CompletionStage<FeederServer> start(ActorSystem<?> system, FeederSettings settings,
                                                      FeederSubscribers subscribers) {
        AtomicBoolean serving = new AtomicBoolean(true);
        LogService logService = new FeederLogService(subscribers);
        Health healthService = new FeederHealthService(serving::get);
        Function<HttpRequest, CompletionStage<HttpResponse>> feederHandler = ServiceHandler.concatOrNotFound(
                LogServiceHandlerFactory.partial(logService, LogService.name, system),
                HealthHandlerFactory.partial(healthService, Health.name, system),
                ServerReflection.create(List.of(LogService.description, Health.description), system));
        Function<HttpRequest, CompletionStage<HttpResponse>> healthHandler =
                HealthHandlerFactory.create(healthService, system);
        Http http = Http.get(system);
        CompletionStage<ServerBinding> feederBinding =
                http.newServerAt(settings.iface(), settings.port()).bind(feederHandler);
        boolean shared = settings.healthPort() == settings.port() && settings.port() != 0;
        return feederBinding.thenCompose(fb -> {
            CompletionStage<ServerBinding> hb = shared
                    ? CompletableFuture.completedFuture(fb)
                    : http.newServerAt(settings.iface(), settings.healthPort()).bind(healthHandler)
                            .exceptionallyCompose(ex -> fb.unbind().thenCompose(d -> CompletableFuture.failedFuture(ex)));
            return hb.thenApply(h -> {
                LOG.info("gRPC feeder.LogService on {}, grpc.health.v1 on {}", fb.localAddress(), h.localAddress());
                return new FeederServer(fb, h, serving);
            });
        });
    }

    public int port() {
        return feeder.localAddress().getPort();
    }

    public int healthPort() {
        return health.localAddress().getPort();
    }

    /** Reports NOT_SERVING from now on (e.g. while the agent shuts down), then stops listening. */
    public CompletionStage<Done> stop(Duration grace) {
        serving.set(false);
        CompletionStage<?> h = health == feeder ? CompletableFuture.completedFuture(null) : health.terminate(grace);
        return feeder.terminate(grace).thenCombine(h, (a, b) -> Done.getInstance());
    }
}
