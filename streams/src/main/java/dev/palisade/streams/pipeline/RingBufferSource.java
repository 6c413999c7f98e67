package dev.palisade.streams.pipeline;

import dev.palisade.kernel.event.MonitorEvent;
import dev.palisade.kernel.event.MonitorEventDecoder;
import dev.palisade.kernel.ring.RingRecordHandler;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The source of the event pipeline: a ring buffer's drain thread decodes each record and offers it to a bounded
 * queue. The kernel cannot wait, so neither does the drain thread: when the queue is full the event is dropped and
 * counted, and the ring keeps draining.
 */
public final class RingBufferSource {
    private RingBufferSource() {}

    /** What the source materializes to: the handler to give the ring reader, and its counters. */
    public static final class Handle implements RingRecordHandler {
        private final BoundedSourceQueue<MonitorEvent> queue;
        private final AtomicLong offered = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong malformed = new AtomicLong();

        Handle(BoundedSourceQueue<MonitorEvent> queue) {
            this.queue = queue;
        }

        @Override
        public void onRecord(MemorySegment segment, long offset, int length) {
            MonitorEvent e;
            try {
                e = MonitorEventDecoder.decode(segment, offset, length);
            } catch (RuntimeException ex) {
                malformed.incrementAndGet();
                return;
            }
            offer(e);
        }

        /** Offers an event without blocking; false (and counted) when the pipeline is behind or stopped. */
        public boolean offer(MonitorEvent e) {
            offered.incrementAndGet();
            if (queue.offer(e) == QueueOfferResult.enqueued()) return true;
            dropped.incrementAndGet();
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

        public int depth() {
            return queue.size();
        }

        public void complete() {
            queue.complete();
        }
    }

    public static Source<MonitorEvent, Handle> create(int bufferSize) {
        return Source.<MonitorEvent>queue(bufferSize).mapMaterializedValue(Handle::new);
    }
}
