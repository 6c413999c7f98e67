package dev.palisade.streams;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A bounded queue of batches into a stream, its capacity counted in items rather than batches: how the ring's drain
 * thread hands events to the pipeline and how the hub hands records to each sink. An offer never waits; a batch
 * is taken whole or refused whole ({@link QueueOfferResult#dropped()} when it does not fit).
 */
public final class BatchQueue<T> {
    private final BoundedSourceQueue<List<T>> queue;
    private final int capacity;
    private final AtomicInteger queued; // items in the queue; the stream takes them off
    private final IntConsumer depthChanged;

    private BatchQueue(BoundedSourceQueue<List<T>> queue, int capacity, AtomicInteger queued, IntConsumer depthChanged) {
        this.queue = queue;
        this.capacity = capacity;
        this.queued = queued;
        this.depthChanged = depthChanged;
    }

    /**
     * @param capacity     items the queue holds before it refuses batches
     * @param depthChanged told the new depth after every offer taken and every batch the stream takes off
     */
    public static <T> Source<List<T>, BatchQueue<T>> source(int capacity, IntConsumer depthChanged) {
        AtomicInteger queued = new AtomicInteger();
        return Source.<List<T>>queue(capacity)
                .map(batch -> {
                    depthChanged.accept(queued.addAndGet(-batch.size()));
                    return batch;
                })
                .mapMaterializedValue(q -> new BatchQueue<>(q, capacity, queued, depthChanged));
    }

    /** Takes the whole batch (which must not change afterwards) or none of it, without waiting. */
    public QueueOfferResult offer(List<T> batch) {
        int n = batch.size();
        if (queued.addAndGet(n) > capacity) {
            queued.addAndGet(-n);
            return QueueOfferResult.dropped();
        }
        QueueOfferResult result = queue.offer(batch);
        if (result == QueueOfferResult.enqueued()) {
            depthChanged.accept(queued.get());
        } else {
            queued.addAndGet(-n);
        }
        return result;
    }

    /** Items waiting in the queue. */
    public int depth() {
        return Math.max(0, queued.get());
    }

    public int capacity() {
        return capacity;
    }

    /** No more batches: the stream takes what is queued and completes. */
    public void complete() {
        queue.complete();
    }

    /** Fails the stream; what is queued is lost. False when the queue was completed or failed already. */
    public boolean fail(Throwable cause) {
        try {
            queue.fail(cause);
            return true;
        } catch (IllegalStateException alreadyEnded) {
            return false;
        }
    }
}
