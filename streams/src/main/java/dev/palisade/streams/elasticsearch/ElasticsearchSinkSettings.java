package dev.palisade.streams.elasticsearch;

import dev.palisade.streams.TelemetryKind;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how the Elasticsearch sink indexes records.
 *
 * @param url the cluster's HTTP endpoint, e.g. {@code http://127.0.0.1:9200}
 * @param indices the index name pattern for each kind of record
 * @param maxActions records per bulk request at most
 * @param maxInterval how long a partial batch may wait before it is sent
 * @param maxConcurrentRequests bulk requests in flight at once
 * @param maxRetries retries of a request (or of the items Elasticsearch rejected with 429) before giving up
 * @param minBackoff delay before the first retry; doubles up to {@code maxBackoff}
 * @param requestTimeout how long one bulk request may take
 * @param basicAuth {@code user:password} for HTTP basic authentication, if the cluster wants it
 */
public record ElasticsearchSinkSettings(URI url, Map<TelemetryKind, IndexNamePattern> indices, int maxActions,
                                        Duration maxInterval, int maxConcurrentRequests, int maxRetries,
                                        Duration minBackoff, Duration maxBackoff, Duration requestTimeout,
                                        Optional<String> basicAuth) {
    public ElasticsearchSinkSettings {
        if (url == null || url.getScheme() == null || !url.getScheme().startsWith("http")) {
            throw new IllegalArgumentException("url must be an http:// or https:// URL, was " + url);
        }
        if (maxActions < 1) throw new IllegalArgumentException("bulk.max-actions must be at least 1");
        if (maxConcurrentRequests < 1) throw new IllegalArgumentException("bulk.max-concurrent-requests must be at least 1");
        if (maxRetries < 0) throw new IllegalArgumentException("retry.max-retries must not be negative");
        indices = Map.copyOf(new EnumMap<>(indices));
    }

    public IndexNamePattern index(TelemetryKind kind) {
        IndexNamePattern p = indices.get(kind);
        if (p == null) throw new IllegalStateException("no Elasticsearch index configured for " + kind.configName());
        return p;
    }
}
