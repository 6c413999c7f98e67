package dev.palisade.streams;

import dev.palisade.streams.metrics.TelemetryMetrics;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.telemetry.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single entry point of the output side: the pipeline pushes every alert, log and agent message here and the
 * hub fans it out to all sinks.
 *
 * <p>{@link #offer} never blocks: the hub hands the records to each sink's own bounded queue, where they are taken
 * or dropped and counted by that sink alone, so a slow or dead sink stalls neither the others nor the producer. The
 * hub has no buffer and no thread of its own: a record changes threads once between the producer and a sink.
 *
 * <p>It takes batches ({@link #offerAll}): the event pipeline hands over everything one drain pass produced at
 * once, so each sink's queue is crossed once per batch. Counts are in records.
 */
public final class TelemetryHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryHub.class);
    private static final Duration DEFAULT_SHUTDOWN = Duration.ofSeconds(10);
    /** After an abort, how long a sink gets to stop before it is abandoned (its write blocks for good). */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(2);

    private final List<IsolatedSink> sinks;
    private final List<IsolatedSink.Running> running;
    private final HubCounters counters = new HubCounters();
    private volatile boolean closed;

    private TelemetryHub(List<IsolatedSink> sinks, List<IsolatedSink.Running> running) {
        this.sinks = List.copyOf(sinks);
        this.running = List.copyOf(running);
    }

    /**
     * Starts the hub and its sinks.
     *
     * @param metrics where to publish the hub's and the sinks' meters; null for none
     */
    public static TelemetryHub start(ActorSystem<?> system, List<IsolatedSink> sinks, TelemetryMetrics metrics) {
        List<IsolatedSink.Running> running = new ArrayList<>();
        for (IsolatedSink s : sinks) running.add(s.start(system));
        TelemetryHub hub = new TelemetryHub(sinks, running);
        if (metrics != null) metrics.bind(hub);
        return hub;
    }

    /** Hands a record to every sink without blocking. False when the hub is closed. */
    public boolean offer(Telemetry record) {
        return offerAll(List.of(record));
    }

    /**
     * Hands a batch of records to every sink without blocking; the batch must not change afterwards. False (and
     * every record counted as dropped) when the hub is closed. Each sink takes the batch whole or drops it whole.
     */
    public boolean offerAll(List<Telemetry> batch) {
        int n = batch.size();
        if (n == 0) return true;
        counters.countOffered(n);
        if (closed) {
            counters.countDropped(n);
            return false;
        }
        for (IsolatedSink.Running r : running) r.offer(batch);
        return true;
    }

    /** A sink for a stream upstream of the hub: it never backpressures, it offers (and counts drops) instead. */
    public Sink<Telemetry, NotUsed> sink() {
        return Sink.<Telemetry>foreach(this::offer).mapMaterializedValue(done -> NotUsed.getInstance());
    }

    /** As {@link #sink()}, for a stream of batches. */
    public Sink<List<Telemetry>, NotUsed> batchSink() {
        return Sink.<List<Telemetry>>foreach(this::offerAll).mapMaterializedValue(done -> NotUsed.getInstance());
    }

    public HubCounters counters() {
        return counters;
    }

    public List<IsolatedSink> sinks() {
        return sinks;
    }

    /**
     * Stops taking records, lets every sink deliver what it holds for up to {@code timeout}, then abandons what is
     * left (counted as aborted). Completes when every sink has stopped or been given up on.
     */
    public CompletionStage<Done> shutdown(Duration timeout) {
        closed = true;
        List<CompletableFuture<Done>> all = new ArrayList<>();
        for (IsolatedSink.Running r : running) {
            r.complete();
            CompletableFuture<Done> done = r.done().toCompletableFuture();
            // copy(): completeOnTimeout completes the future it is called on, and done must stay the sink's own.
            all.add(done.copy().completeOnTimeout(Done.getInstance(), timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .thenCompose(d -> {
                        if (done.isDone()) return done.exceptionally(ex -> Done.getInstance());
                        LOG.warn("sink {} did not finish within {}; abandoning what it still holds", r.name(), timeout);
                        r.abort(new TimeoutException("shutdown of sink " + r.name() + " timed out"));
                        return done.copy().exceptionally(ex -> Done.getInstance())
                                .completeOnTimeout(null, ABORT_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                                .thenApply(stopped -> {
                                    if (stopped == null) {
                                        LOG.warn("sink {} is blocked in a write; giving up on it", r.name());
                                        r.abandon();
                                    }
                                    return Done.getInstance();
                                });
                    }));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
    }

    @Override
    public void close() {
        shutdown(DEFAULT_SHUTDOWN).toCompletableFuture().join();
    }
}
