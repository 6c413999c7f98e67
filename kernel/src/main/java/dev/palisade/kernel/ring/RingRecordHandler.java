package dev.palisade.kernel.ring;

import java.lang.foreign.MemorySegment;

/**
 * Receives the records of a ring buffer on its drain thread. The segment is the ring's read-only data
 * area and is valid only during the call: copy what must outlive it. Never block: the kernel drops
 * records (and counts them) while the ring is full. A thrown exception is counted and logged, and the
 * drain goes on with the next record.
 */
public interface RingRecordHandler {

    /** One committed record of {@code length} bytes at {@code offset} of {@code segment}. */
    void onRecord(MemorySegment segment, long offset, int length);

    /** The end of a drain pass: the records seen so far are released to the kernel right after this. */
    default void onBatchEnd() {}
}
