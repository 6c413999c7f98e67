package dev.palisade.streams.pipeline;

import dev.palisade.kernel.event.MonitorEvent;
import dev.palisade.kernel.event.MonitorEventDecoder;
import dev.palisade.kernel.ring.RingRecordHandler;
import dev.palisade.streams.BatchQueue;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The source of the event pipeline: a ring buffer's drain thread decodes records and offers them to a bounded queue
 * in batches, one per drain pass (at most {@link #MAX_BATCH} events), so the stream crosses its asynchronous boundary
 * once per batch rather than once per event. The kernel cannot wait, so neither does the drain thread: when the
 * queue is full the events are dropped and counted, and the ring keeps draining. A full queue is seen before a record
 * is decoded, so an overloaded pipeline does not spend its drain thread decoding what it is about to drop.
 */
public final class RingBufferSource {
    /** Events per batch at most: a pass over a full ring is cut into batches of this size. */
    public static final int MAX_BATCH = 256;

    private RingBufferSource() {}

    /** What the source materializes to: the handler to give the ring reader, and its counters. */
    public static final class Handle implements RingRecordHandler {
        private final BatchQueue<MonitorEvent> queue;
        private final MonitorEventDecoder decoder = new MonitorEventDecoder(4096);
        private final AtomicLong offered = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong malformed = new AtomicLong();
        private List<MonitorEvent> batch = new ArrayList<>(MAX_BATCH); // the drain thread's own

        Handle(BatchQueue<MonitorEvent> queue) {
            this.queue = queue;
        }

        @Override
        public void onRecord(MemorySegment segment, long offset, int length) {
            if (queue.depth() + batch.size() >= queue.capacity()) {
                offered.incrementAndGet();
                dropped.incrementAndGet();
                return;
            }
            MonitorEvent e;
            try {
                e = decoder.read(segment, offset, length);
            } catch (RuntimeException ex) {
                malformed.incrementAndGet();
                return;
            }
            batch.add(e);
            if (batch.size() == MAX_BATCH) onBatchEnd();
        }

        @Override
        public void onBatchEnd() {
            if (batch.isEmpty()) return;
            List<MonitorEvent> full = batch;
            batch = new ArrayList<>(MAX_BATCH);
            offerAll(full);
        }

        /** Offers an event without blocking; false (and counted) when the pipeline is behind or stopped. */
        public boolean offer(MonitorEvent e) {
            return offerAll(List.of(e));
        }

        private boolean offerAll(List<MonitorEvent> events) {
            int n = events.size();
            offered.addAndGet(n);
            if (queue.offer(events) == QueueOfferResult.enqueued()) return true;
            dropped.addAndGet(n);
            return false;
        }

        public long offered() {
            return offered.get();
        }

        /** Events decoded but refused because the pipeline's buffer was full. */
        public long dropped() {
            return dropped.get();
        }

        /** Records that could not be decoded. */
        public long malformed() {
            return malformed.get();
        }

        /** Events waiting in the queue. */
        public int depth() {
            return queue.depth();
        }

        public void complete() {
            queue.complete();
        }
    }

    /** @param bufferSize events the queue holds before it drops */
    public static Source<List<MonitorEvent>, Handle> create(int bufferSize) {
        return BatchQueue.<MonitorEvent>source(bufferSize, depth -> { })
                .mapMaterializedValue(Handle::new);
    }
}
