package dev.palisade.streams.sink;

import java.util.function.ToIntFunction;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * A bounded buffer that never backpressures: it always demands from upstream, and when it is full the newest
 * record is dropped and counted ({@link DropReason#BUFFER_FULL}). Keeping the oldest records preserves their order,
 * as KubeArmor's busy-channel drop does. If downstream goes away for good, later records are counted as
 * {@link DropReason#ABORTED} instead of stopping the upstream fan-out. An element may stand for several records (a
 * batch): capacity and every count are in records, given by the weight function.
 */
public final class CountingDropBuffer<T> extends GraphStage<FlowShape<T, T>> {
    private final Inlet<T> in = Inlet.create("CountingDropBuffer.in");
    private final Outlet<T> out = Outlet.create("CountingDropBuffer.out");
    private final FlowShape<T, T> shape = FlowShape.of(in, out);
    private final int capacity;
    private final SinkCounters counters;
    private final ToIntFunction<T> weight;

    /** A buffer of single records. */
    public CountingDropBuffer(int capacity, SinkCounters counters) {
        this(capacity, counters, e -> 1);
    }

    /** @param weight how many records an element stands for */
    public CountingDropBuffer(int capacity, SinkCounters counters, ToIntFunction<T> weight) {
        if (capacity < 1) throw new IllegalArgumentException("buffer capacity must be at least 1, was " + capacity);
        this.capacity = capacity;
        this.counters = counters;
        this.weight = weight;
    }

    @Override
    public FlowShape<T, T> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private final Object[] ring = new Object[capacity];
            private int head, size;
            private int records; // what the buffered elements stand for
            private boolean downstreamGone;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        T elem = grab(in);
                        int w = weight.applyAsInt(elem);
                        // A drop is counted before the offer so that a concurrent reader never sees it in flight.
                        if (downstreamGone) {
                            counters.countDropped(DropReason.ABORTED, w);
                            counters.countOffered(w);
                        } else if (size == 0 && isAvailable(out)) {
                            counters.countOffered(w);
                            push(out, elem);
                        } else if (size == capacity || records + w > capacity) {
                            counters.countDropped(DropReason.BUFFER_FULL, w);
                            counters.countOffered(w);
                        } else {
                            counters.countOffered(w);
                            ring[(head + size) % capacity] = elem;
                            size++;
                            records += w;
                            counters.setQueueDepth(records);
                        }
                        pull(in);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (size == 0 || downstreamGone) completeStage();
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (size > 0) {
                            push(out, dequeue());
                            if (size == 0 && isClosed(in)) completeStage();
                        }
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        // The sink is gone for good: account for what it will never see and keep the fan-out moving.
                        downstreamGone = true;
                        counters.countDropped(DropReason.ABORTED, records);
                        java.util.Arrays.fill(ring, null);
                        size = 0;
                        records = 0;
                        counters.setQueueDepth(0);
                        if (isClosed(in)) completeStage();
                    }
                });
            }

            @Override
            public void preStart() {
                pull(in);
            }

            @SuppressWarnings("unchecked")
            private T dequeue() {
                T elem = (T) ring[head];
                ring[head] = null;
                head = (head + 1) % capacity;
                size--;
                records -= weight.applyAsInt(elem);
                counters.setQueueDepth(records);
                return elem;
            }
        };
    }
}
