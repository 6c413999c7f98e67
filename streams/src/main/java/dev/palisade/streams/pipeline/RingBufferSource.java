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
 * counted, and the ring keeps draining. A full queue is seen before the record is decoded, so an overloaded pipeline
 * does not spend its drain thread decoding what it is about to drop.
 */
public final class RingBufferSource {
    private RingBufferSource() {}

    /** What the source materializes to: the handler to give the ring reader, and its counters. */
    public static final class Handle implements RingRecordHandler {
        private final BoundedSourceQueue<MonitorEvent> queue;
        private final int capacity;
        private final MonitorEventDecoder decoder = new MonitorEventDecoder(4096);
        private final AtomicLong offered = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong malformed = new AtomicLong();

        Handle(BoundedSourceQueue<MonitorEvent> queue, int capacity) {
            this.queue = queue;
            this.capacity = capacity;
        }

        @Override
        public void onRecord(MemorySegment segment, long offset, int length) {
            if (queue.size() >= capacity) {
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
        return Source.<MonitorEvent>queue(bufferSize).mapMaterializedValue(q -> new Handle(q, bufferSize));
    }
}
