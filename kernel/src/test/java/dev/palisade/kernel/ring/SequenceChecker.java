package dev.palisade.kernel.ring;

import java.lang.foreign.MemorySegment;

/** A handler for self-test records: counts them and the sequence numbers missing in between. */
final class SequenceChecker implements RingRecordHandler {
    volatile long received;
    volatile long gaps;
    volatile long outOfOrder;
    volatile long batches;
    private long next;

    @Override
    public void onRecord(MemorySegment segment, long offset, int length) {
        long seq = RingSelftest.sequence(segment, offset);
        if (seq < next) {
            outOfOrder++;
        } else {
            gaps += seq - next;
            next = seq + 1;
        }
        received++;
    }

    @Override
    public void onBatchEnd() {
        batches++;
    }

    /** Gaps plus the records missing after the last one seen. */
    long missing(long attempted) {
        return gaps + (attempted - next);
    }
}
