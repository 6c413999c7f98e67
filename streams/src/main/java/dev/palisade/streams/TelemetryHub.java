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
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Broadcast;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single entry point of the output side: the pipeline pushes every alert, log and agent message here and the
 * hub fans it out to all sinks.
 *
 * <p>{@link #offer} never blocks: the record goes into the hub's bounded queue or is refused and counted. One stream
 * drains the queue into a broadcast whose every branch starts with the sink's own drop-and-count buffer, so the
 * broadcast always has demand and a slow or dead sink stalls neither the others nor the producer.
 *
 * <p>The queue carries batches ({@link #offerAll}): the event pipeline hands over everything one drain pass produced
 * at once, so the asynchronous boundaries between the pipeline, the hub and each sink are crossed once per batch.
 * Capacity and counts are in records.
 */
public final class TelemetryHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryHub.class);
    private static final Duration DEFAULT_SHUTDOWN = Duration.ofSeconds(10);

    private final BoundedSourceQueue<List<Telemetry>> queue;
    private final AtomicInteger sharedQueued; // records in the queue; the hub's stream takes them off
    private final List<IsolatedSink> sinks;
    private final List<IsolatedSink.Running> running;
    private final HubCounters counters = new HubCounters();
    private final int capacity;
    private volatile boolean closed;

    private TelemetryHub(int capacity, BoundedSourceQueue<List<Telemetry>> queue, AtomicInteger queuedRecords,
                         List<IsolatedSink> sinks, List<IsolatedSink.Running> running) {
        this.capacity = capacity;
        this.queue = queue;
        this.sharedQueued = queuedRecords;
        this.sinks = List.copyOf(sinks);
        this.running = List.copyOf(running);
    }

    /**
     * Starts the hub and its sinks.
     *
     * @param capacity records the hub buffers before it refuses new ones
     * @param metrics where to publish the hub's and the sinks' meters; null for none
     */
    public static TelemetryHub start(ActorSystem<?> system, int capacity, List<IsolatedSink> sinks,
                                     TelemetryMetrics metrics) {
        if (capacity < 1) throw new IllegalArgumentException("hub buffer-size must be at least 1, was " + capacity);
        List<Sink<List<Telemetry>, IsolatedSink.Running>> branches = new ArrayList<>();
        for (IsolatedSink s : sinks) branches.add(s.sink());
        AtomicInteger queued = new AtomicInteger();
        Pair<BoundedSourceQueue<List<Telemetry>>, List<IsolatedSink.Running>> mat = Source.<List<Telemetry>>queue(capacity)
                .map(batch -> {
                    queued.addAndGet(-batch.size());
                    return batch;
                })
                .toMat(fanOut(branches), Keep.both())
                .run(system);
        TelemetryHub hub = new TelemetryHub(capacity, mat.first(), queued, sinks, mat.second());
        if (metrics != null) metrics.bind(hub);
        return hub;
    }

    private static Sink<List<Telemetry>, List<IsolatedSink.Running>> fanOut(
            List<Sink<List<Telemetry>, IsolatedSink.Running>> branches) {
        if (branches.isEmpty()) return Sink.<List<Telemetry>>ignore().mapMaterializedValue(done -> List.of());
        if (branches.size() == 1) return branches.getFirst().mapMaterializedValue(List::of);
        // eagerCancel = false: a branch that has stopped for good does not stop the others.
        return Sink.combine(branches, n -> Broadcast.create(n, false));
    }

    /** Hands a record to the hub without blocking. False when the hub's buffer is full or the hub is closed. */
    public boolean offer(Telemetry record) {
        return offerAll(List.of(record));
    }

    /**
     * Hands a batch of records to the hub without blocking; the batch must not change afterwards. All or nothing:
     * false (and every record counted as dropped) when the batch does not fit or the hub is closed.
     */
    public boolean offerAll(List<Telemetry> batch) {
        int n = batch.size();
        if (n == 0) return true;
        counters.countOffered(n);
        if (!closed) {
            if (sharedQueued.addAndGet(n) <= capacity) {
                if (queue.offer(batch) == QueueOfferResult.enqueued()) return true;
            }
            sharedQueued.addAndGet(-n);
        }
        counters.countDropped(n);
        return false;
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

    /** Records waiting in the hub's own buffer. */
    public int queueDepth() {
        return Math.max(0, sharedQueued.get());
    }

    public int capacity() {
        return capacity;
    }

    public List<IsolatedSink> sinks() {
        return sinks;
    }

    /**
     * Stops taking records, lets every sink deliver what it holds for up to {@code timeout}, then abandons what is
     * left (counted as aborted). Completes when every sink has stopped.
     */
    public CompletionStage<Done> shutdown(Duration timeout) {
        closed = true;
        queue.complete();
        List<CompletableFuture<Done>> all = new ArrayList<>();
        for (IsolatedSink.Running r : running) {
            CompletableFuture<Done> done = r.done().toCompletableFuture();
            // copy(): completeOnTimeout completes the future it is called on, and done must stay the sink's own.
            all.add(done.copy().completeOnTimeout(Done.getInstance(), timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .thenCompose(d -> {
                        if (done.isDone()) return done.exceptionally(ex -> Done.getInstance());
                        LOG.warn("sink {} did not finish within {}; abandoning what it still holds", r.name(), timeout);
                        r.killSwitch().abort(new TimeoutException("shutdown of sink " + r.name() + " timed out"));
                        return done.exceptionally(ex -> Done.getInstance());
                    }));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
    }

    @Override
    public void close() {
        shutdown(DEFAULT_SHUTDOWN).toCompletableFuture().join();
    }
}
