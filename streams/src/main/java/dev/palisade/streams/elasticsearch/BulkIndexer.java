package dev.palisade.streams.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.streams.TelemetryKind;
import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.JsonLineEncoder;
import dev.palisade.streams.sink.TelemetryOutput.ErrorReport;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sends batches of records to Elasticsearch's {@code _bulk} API as NDJSON over the JDK's HTTP client. A request
 * that fails as a whole (connection refused or reset, timeout, 429, 5xx) is retried with exponential backoff; so
 * are the items Elasticsearch rejected with 429. Other rejected items, and whatever is left when the retries are
 * used up, are reported as failed deliveries.
 */
final class BulkIndexer {
    private static final byte[] ACTION_PREFIX = "{\"index\":{\"_index\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ACTION_SUFFIX = "\"}}\n".getBytes(StandardCharsets.UTF_8);

    private final ElasticsearchSinkSettings settings;
    private final HttpClient http;
    private final URI bulkUri;
    private final String authorization;
    private final ErrorReport errors;

    BulkIndexer(ElasticsearchSinkSettings settings, HttpClient http, ErrorReport errors) {
        this.settings = settings;
        this.http = http;
        String base = settings.url().toString();
        this.bulkUri = URI.create((base.endsWith("/") ? base : base + "/") + "_bulk");
        this.authorization = settings.basicAuth()
                .map(up -> "Basic " + Base64.getEncoder().encodeToString(up.getBytes(StandardCharsets.UTF_8)))
                .orElse(null);
        this.errors = errors;
    }

    /** Indexes a batch; the result counts every record of it once. */
    CompletionStage<Delivery> index(List<Telemetry> batch) {
        List<Item> items = new ArrayList<>(batch.size());
        int unencodable = 0;
        for (Telemetry r : batch) {
            try {
                String index = settings.index(TelemetryKind.of(r)).resolve(r.timestamp());
                items.add(new Item(index.getBytes(StandardCharsets.UTF_8), JsonLineEncoder.encode(r)));
            } catch (RuntimeException e) {
                unencodable++;
                errors.error("cannot encode a record", e);
            }
        }
        int failedUpFront = unencodable;
        return attempt(items, 0, 0).thenApply(d -> Delivery.of(d.delivered(), d.failed() + failedUpFront));
    }

    private record Item(byte[] index, byte[] source) {}

    private CompletableFuture<Delivery> attempt(List<Item> items, int retry, int deliveredSoFar) {
        if (items.isEmpty()) return CompletableFuture.completedFuture(Delivery.of(deliveredSoFar, 0));
        HttpRequest.Builder req = HttpRequest.newBuilder(bulkUri)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(items)));
        if (authorization != null) req.header("Authorization", authorization);
        return http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray())
                .handle((resp, ex) -> {
                    if (ex != null) {
                        errors.error("bulk request to " + bulkUri + " failed", ex);
                        return retryOrFail(items, items, retry, deliveredSoFar);
                    }
                    int status = resp.statusCode();
                    if (status == 429 || status >= 500) {
                        errors.error("bulk request answered " + status, null);
                        return retryOrFail(items, items, retry, deliveredSoFar);
                    }
                    if (status >= 300) {
                        errors.error("bulk request refused with " + status + ": " + snippet(resp.body()), null);
                        return CompletableFuture.completedFuture(Delivery.of(deliveredSoFar, items.size()));
                    }
                    return itemResults(items, resp.body(), retry, deliveredSoFar);
                })
                .thenCompose(f -> f);
    }

    /** Reads the per-item outcome: 2xx delivered, 429 retried, anything else failed. */
    private CompletableFuture<Delivery> itemResults(List<Item> items, byte[] body, int retry, int deliveredSoFar) {
        JsonNode root;
        try {
            root = TelemetryJson.mapper().readTree(body);
        } catch (IOException e) {
            errors.error("unreadable bulk response", e);
            return CompletableFuture.completedFuture(Delivery.of(deliveredSoFar, items.size()));
        }
        if (!root.path("errors").asBoolean(false)) {
            return CompletableFuture.completedFuture(Delivery.of(deliveredSoFar + items.size(), 0));
        }
        JsonNode results = root.path("items");
        int delivered = 0, failed = 0;
        List<Item> again = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode r = results.path(i).path("index");
            int status = r.path("status").asInt(0);
            if (status >= 200 && status < 300) {
                delivered++;
            } else if (status == 429) {
                again.add(items.get(i));
            } else {
                failed++;
                errors.error("document refused with " + status + ": " + r.path("error").path("reason").asText(""), null);
            }
        }
        int total = deliveredSoFar + delivered;
        if (again.isEmpty()) return CompletableFuture.completedFuture(Delivery.of(total, failed));
        int failedNow = failed;
        return retryOrFail(again, again, retry, total)
                .thenApply(d -> Delivery.of(d.delivered(), d.failed() + failedNow));
    }

    private CompletableFuture<Delivery> retryOrFail(List<Item> items, List<Item> toRetry, int retry, int deliveredSoFar) {
        if (retry >= settings.maxRetries()) {
            return CompletableFuture.completedFuture(Delivery.of(deliveredSoFar, items.size()));
        }
        long delay = backoffMillis(retry);
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
                .thenCompose(x -> attempt(toRetry, retry + 1, deliveredSoFar));
    }

    private long backoffMillis(int retry) {
        long min = settings.minBackoff().toMillis();
        long max = Math.max(min, settings.maxBackoff().toMillis());
        long d = Math.min(max, min << Math.min(retry, 20));
        return d + (long) (d * 0.2 * ThreadLocalRandom.current().nextDouble());
    }

    private static byte[] body(List<Item> items) {
        int size = 0;
        for (Item it : items) size += ACTION_PREFIX.length + it.index.length + ACTION_SUFFIX.length + it.source.length + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        for (Item it : items) {
            out.writeBytes(ACTION_PREFIX);
            out.writeBytes(it.index);
            out.writeBytes(ACTION_SUFFIX);
            out.writeBytes(it.source);
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static String snippet(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
