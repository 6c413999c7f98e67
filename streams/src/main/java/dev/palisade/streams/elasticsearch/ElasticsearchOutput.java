package dev.palisade.streams.elasticsearch;

import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.Telemetry;
import java.net.http.HttpClient;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Records as KubeArmor JSON documents in Elasticsearch, through the {@code _bulk} API: batched by count and time,
 * at most {@code max-concurrent-requests} requests in flight, retried with backoff (see {@link BulkIndexer}).
 * No client library: the bulk protocol is small and the JDK's HTTP client is enough.
 */
public final class ElasticsearchOutput implements TelemetryOutput {
    private final ElasticsearchSinkSettings settings;
    private final HttpClient http;

    public ElasticsearchOutput(ElasticsearchSinkSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.requestTimeout())
                .build();
    }

    @Override
    public String name() {
        return "elasticsearch";
    }

    @Override
    public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
        BulkIndexer indexer = new BulkIndexer(settings, http, errors);
        return Flow.<Telemetry>create()
                .groupedWithin(settings.maxActions(), settings.maxInterval())
                .mapAsyncUnordered(settings.maxConcurrentRequests(), indexer::index);
    }
}
