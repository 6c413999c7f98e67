package dev.palisade.streams.pipeline;

import dev.palisade.kernel.event.MonitorEvent;
import dev.palisade.telemetry.Telemetry;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The running pipeline: ring source, processing, and the hub's non-blocking sink. Give {@link #handle()} to the
 * ring reader; everything downstream of the source buffer is asynchronous from the drain thread.
 */
public final class EventPipeline {
    private final RingBufferSource.Handle handle;
    private final CompletionStage<Done> done;
    private final PipelineCounters counters;

    private EventPipeline(RingBufferSource.Handle handle, CompletionStage<Done> done, PipelineCounters counters) {
        this.handle = handle;
        this.done = done;
        this.counters = counters;
    }

    /**
     * @param output where batches of records go; must never backpressure (the hub's {@code batchSink()} offers
     *               and counts drops)
     */
    public static EventPipeline start(ActorSystem<?> system, EventProcessor processor, PipelineCounters counters,
                                      int bufferSize, Sink<List<Telemetry>, ?> output) {
        Pair<RingBufferSource.Handle, CompletionStage<Done>> mat = RingBufferSource.create(bufferSize)
                .map(processor::processAll)
                .alsoTo(output)
                .toMat(Sink.ignore(), Keep.both())
                .run(system);
        return new EventPipeline(mat.first(), mat.second(), counters);
    }

    public RingBufferSource.Handle handle() {
        return handle;
    }

    public PipelineCounters counters() {
        return counters;
    }

    /** Stops accepting events; completes when what was buffered has been processed. */
    public CompletionStage<Done> stop() {
        handle.complete();
        return done;
    }

    /** For tests and replay: feed an event as the ring would. */
    public boolean offer(MonitorEvent e) {
        return handle.offer(e);
    }
}
