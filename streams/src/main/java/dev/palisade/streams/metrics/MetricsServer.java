package dev.palisade.streams.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The agent's HTTP endpoint for operators: {@code /metrics} (Prometheus text format), {@code /readyz} (200 once the
 * agent is ready, else 503) and {@code /healthz} (200 while alive).
 */
public final class MetricsServer {
    /** Prometheus' text exposition format, version 0.0.4. */
    private static final ContentType PROMETHEUS_TEXT = ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

    private final PrometheusMeterRegistry registry;
    private final Readiness readiness;
    private final ServerBinding binding;

    private MetricsServer(PrometheusMeterRegistry registry, Readiness readiness, ServerBinding binding) {
        this.registry = registry;
        this.readiness = readiness;
        this.binding = binding;
    }

    /** Binds {@code iface:port} (port 0 picks a free one). */
    public static CompletionStage<MetricsServer> start(ActorSystem<?> system, String iface, int port,
                                                       PrometheusMeterRegistry registry, Readiness readiness) {
        return Http.get(system).newServerAt(iface, port).bind(routes(registry, readiness))
                .thenApply(b -> new MetricsServer(registry, readiness, b));
    }

    static Route routes(PrometheusMeterRegistry registry, Readiness readiness) {
        var d = new AllDirectives() {};
        return d.get(() -> d.concat(
                d.path("metrics", () -> d.complete(HttpResponse.create()
                        .withEntity(HttpEntities.create(PROMETHEUS_TEXT,
                                registry.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8))))),
                d.path("readyz", () -> d.complete(readiness.isReady()
                        ? HttpResponse.create().withStatus(StatusCodes.OK).withEntity(ContentTypes.TEXT_PLAIN_UTF8, "ready\n")
                        : HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                                .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "not ready\n"))),
                d.path("healthz", () -> d.complete(readiness.isLive()
                        ? HttpResponse.create().withStatus(StatusCodes.OK).withEntity(ContentTypes.TEXT_PLAIN_UTF8, "ok\n")
                        : HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                                .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "unhealthy\n")))));
    }

    public int port() {
        return binding.localAddress().getPort();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public Readiness readiness() {
        return readiness;
    }

    public CompletionStage<Done> stop(Duration grace) {
        return binding.terminate(grace).thenApply(t -> Done.getInstance());
    }
}
