package dev.palisade.streams.sink;

import dev.palisade.streams.BatchQueue;
import dev.palisade.streams.TelemetryKind;
import dev.palisade.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartFlow;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a {@link TelemetryOutput} so that it can neither stall nor lose records silently: a bounded queue in front
 * that the producer offers to without ever waiting (drop-and-count when full), the output running in a stream of its
 * own (on a thread of its own when its writes block), a restart with backoff when the output crashes, and
 * {@link SinkCounters} that account for every record offered to it.
 *
 * <p>The queue is the only asynchronous boundary between the producer and the output: a batch offered by the event
 * pipeline's stage goes straight into it, so a record changes threads once on its way from the pipeline to the
 * destination.
 */
public final class IsolatedSink {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatedSink.class);
    /** A thread per sink whose writes block (reference.conf). */
    static final String BLOCKING_DISPATCHER = "palisade.sinks.blocking-dispatcher";

    private final TelemetryOutput output;
    private final SinkSettings settings;
    private final SinkCounters counters;

    public IsolatedSink(TelemetryOutput output, SinkSettings settings) {
        this(output, settings, new SinkCounters(output.name()));
    }

    public IsolatedSink(TelemetryOutput output, SinkSettings settings, SinkCounters counters) {
        this.output = output;
        this.settings = settings;
        this.counters = counters;
    }

    public String name() {
        return output.name();
    }

    public SinkCounters counters() {
        return counters;
    }

    public SinkSettings settings() {
        return settings;
    }

    /**
     * Starts the sink's stream; call once. The returned {@link Running} takes records from any thread.
     */
    public Running start(ActorSystem<?> system) {
        if (!started.compareAndSet(false, true)) throw new IllegalStateException("sink " + name() + " already started");
        var restarting = RestartFlow.onFailuresWithBackoff(settings.restartSettings(), this::incarnation);
        Pair<Pair<BatchQueue<Telemetry>, UniqueKillSwitch>, CompletionStage<Done>> mat =
                BatchQueue.<Telemetry>source(settings.bufferSize(), counters::setQueueDepth)
                        .viaMat(KillSwitches.single(), Keep.both())
                        .via(restarting)
                        .toMat(Sink.ignore(), Keep.both())
                        .withAttributes(output.blocking() ? ActorAttributes.dispatcher(BLOCKING_DISPATCHER) : Attributes.none())
                        .run(system);
        CompletionStage<Done> done = mat.second().whenComplete((d, ex) -> reconcile(ex));
        return new Running(mat.first().first(), mat.first().second(), done);
    }

    /** A started sink: where records go in, its completion, and a switch that abandons whatever it still holds. */
    public final class Running {
        private final BatchQueue<Telemetry> queue;
        private final UniqueKillSwitch killSwitch;
        private final CompletionStage<Done> done;
        private final Set<TelemetryKind> kinds = settings.kinds();
        private final boolean everyKind = kinds.containsAll(EnumSet.allOf(TelemetryKind.class));

        private Running(BatchQueue<Telemetry> queue, UniqueKillSwitch killSwitch, CompletionStage<Done> done) {
            this.queue = queue;
            this.killSwitch = killSwitch;
            this.done = done;
        }

        public String name() {
            return IsolatedSink.this.name();
        }

        public IsolatedSink sink() {
            return IsolatedSink.this;
        }

        /**
         * Hands the records of the kinds this sink takes to it, without waiting; the batch must not change afterwards.
         * A batch that does not fit the sink's buffer is dropped whole and counted ({@link DropReason#BUFFER_FULL});
         * one offered after the sink has stopped is counted as {@link DropReason#ABORTED}.
         */
        public void offer(List<Telemetry> batch) {
            List<Telemetry> taken = everyKind ? batch : ofKinds(batch, kinds);
            int n = taken.size();
            if (n == 0) return;
            // A refused batch is counted as dropped before it is counted as offered, and an accepted one as offered
            // only once it is queued: a concurrent reader never sees records in flight that will never settle.
            QueueOfferResult result = queue.offer(taken);
            if (result == QueueOfferResult.enqueued()) {
                counters.countOffered(n);
                return;
            }
            counters.countDropped(result == QueueOfferResult.dropped() ? DropReason.BUFFER_FULL : DropReason.ABORTED, n);
            counters.countOffered(n);
        }

        /** No more records: the sink delivers what it holds and stops. */
        public void complete() {
            queue.complete();
        }

        /** Abandons what the sink still holds (counted as aborted) and stops it. */
        public void abort(Throwable reason) {
            killSwitch.abort(reason);
        }

        /**
         * Gives up on a sink that did not stop even when aborted (its destination blocks a write forever): what it
         * holds is counted as aborted now, and later offers are refused.
         */
        public void abandon() {
            queue.fail(new IllegalStateException("sink " + name() + " abandoned")); // if not completed by the shutdown already
            reconcile(null);
        }

        public CompletionStage<Done> done() {
            return done;
        }
    }

    private static List<Telemetry> ofKinds(List<Telemetry> batch, Set<TelemetryKind> kinds) {
        List<Telemetry> taken = new ArrayList<>(batch.size());
        for (Telemetry r : batch) if (kinds.contains(TelemetryKind.of(r))) taken.add(r);
        return taken;
    }

    private Flow<List<Telemetry>, Delivery, NotUsed> incarnation() {
        if (!firstIncarnation.compareAndSet(true, false)) counters.countRestart();
        var entered = new LongAdder();
        var settled = new LongAdder();
        return Flow.<List<Telemetry>>create()
                .map(batch -> {
                    entered.add(batch.size());
                    return batch;
                })
                .via(output.batchDeliveryFlow(errorLog))
                .map(d -> {
                    counters.countSettled(d);
                    settled.add(d.settled());
                    return d;
                })
                .watchTermination((mat, done) -> {
                    done.whenComplete((ok, ex) -> {
                        long lost = entered.sum() - settled.sum();
                        counters.countDropped(DropReason.ABORTED, lost);
                        if (ex != null) {
                            counters.countError();
                            LOG.warn("sink {} crashed with {} record(s) inside; restarting after backoff", name(), lost, ex);
                        }
                    });
                    return mat;
                });
    }

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean reconciled = new AtomicBoolean();
    private final AtomicBoolean firstIncarnation = new AtomicBoolean(true);
    private final RateLimitedErrorLog errorLog = new RateLimitedErrorLog();

    /** Counts every error; logs the first one and then at most one line per period with how many came since. */
    private final class RateLimitedErrorLog implements TelemetryOutput.ErrorReport {
        private static final long PERIOD_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        private final java.util.concurrent.atomic.AtomicLong nextLogAt = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        private final LongAdder suppressed = new LongAdder();

        @Override
        public void error(String what, Throwable cause) {
            counters.countError();
            long now = System.nanoTime();
            long due = nextLogAt.get();
            if (now - due >= 0 && nextLogAt.compareAndSet(due, now + PERIOD_NANOS)) {
                long more = suppressed.sumThenReset();
                LOG.warn("sink {}: {}: {}{}", name(), what, cause == null ? "" : cause.toString(),
                        more > 0 ? " (" + more + " more errors since the last report)" : "");
            } else {
                suppressed.increment();
            }
        }
    }

    /** When the sink has stopped (or been abandoned), anything still unaccounted for was lost with it; once. */
    private void reconcile(Throwable ex) {
        if (!reconciled.compareAndSet(false, true)) return;
        long unaccounted = counters.inFlight();
        counters.countDropped(DropReason.ABORTED, unaccounted);
        counters.setQueueDepth(0);
        if (ex != null) LOG.warn("sink {} stopped: {}", name(), ex.toString());
        LOG.debug("sink {} finished: {}", name(), counters);
    }
}
