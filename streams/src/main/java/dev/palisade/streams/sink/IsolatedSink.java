package dev.palisade.streams.sink;

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
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.RestartFlow;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a {@link TelemetryOutput} so that it can neither stall nor lose records silently: a bounded
 * {@link CountingDropBuffer} in front (drop-and-count when full, never backpressure), an asynchronous boundary so
 * the output runs on its own, a restart with backoff when the output crashes, and {@link SinkCounters} that account
 * for every record offered to it.
 */
public final class IsolatedSink {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatedSink.class);

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

    /** A running sink: its completion, and a switch that abandons whatever it still holds (counted as aborted). */
    public record Running(String name, UniqueKillSwitch killSwitch, CompletionStage<Done> done) {}

    /**
     * The sink to attach to the hub's fan-out; may be materialized once. It takes batches: the hub hands over what
     * one pass of the pipeline produced, so the asynchronous boundary is crossed once per batch, not per record.
     */
    public Sink<List<Telemetry>, Running> sink() {
        var kinds = settings.kinds();
        boolean everyKind = kinds.containsAll(EnumSet.allOf(TelemetryKind.class));
        var restarting = RestartFlow.onFailuresWithBackoff(settings.restartSettings(), this::incarnation);
        return Flow.<List<Telemetry>>create()
                .map(batch -> everyKind ? batch : ofKinds(batch, kinds))
                .filter(batch -> !batch.isEmpty())
                .via(new CountingDropBuffer<List<Telemetry>>(settings.bufferSize(), counters, List::size))
                .viaMat(KillSwitches.single(), (nu, ks) -> ks)
                .async()
                .via(restarting)
                .toMat(Sink.ignore(), (ks, done) -> new Running(name(), ks, done.whenComplete((d, ex) -> reconcile(ex))));
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

    /** When the sink has stopped, anything still unaccounted for was lost with it. */
    private void reconcile(Throwable ex) {
        long unaccounted = counters.inFlight();
        counters.countDropped(DropReason.ABORTED, unaccounted);
        counters.setQueueDepth(0);
        if (ex != null) LOG.warn("sink {} stopped: {}", name(), ex.toString());
        LOG.debug("sink {} finished: {}", name(), counters);
    }
}
