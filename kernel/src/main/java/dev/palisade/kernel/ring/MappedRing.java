package dev.palisade.kernel.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A BPF ring buffer map mapped into this process, laid out as the kernel exposes it: the consumer page
 * (read-write, offset 0) holds consumer_pos; the producer page (read-only, offset pagesize) holds
 * producer_pos and is followed by the data area mapped twice, so a record that wraps around the end is
 * still contiguous. Records: an 8-byte header (u32 length with BUSY and DISCARD bits, u32 page offset),
 * then the payload, padded to 8 bytes. The mappings are unmapped when the arena they live in is closed.
 */
final class MappedRing {
    static final int BUSY_BIT = 1 << 31;
    static final int DISCARD_BIT = 1 << 30;
    static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    static final int HEADER_SIZE = 8;

    static final VarHandle POSITION = JAVA_LONG.varHandle();
    static final VarHandle RECORD_HEADER = JAVA_INT.varHandle();

    final MemorySegment consumer;
    final MemorySegment producer;
    /** The data area (twice its size: the double mapping), read-only. */
    final MemorySegment data;
    final long size;
    final long mask;

    private MappedRing(MemorySegment consumer, MemorySegment producer, MemorySegment data, long size) {
        this.consumer = consumer;
        this.producer = producer;
        this.data = data;
        this.size = size;
        this.mask = size - 1;
    }

    /** Maps the ring of fd, whose data area is {@code size} bytes (the map's max_entries). */
    static MappedRing map(int fd, long size, String name, Arena arena) {
        long page = Libc.pageSize();
        if (Long.bitCount(size) != 1 || size % page != 0) {
            throw new IllegalArgumentException("ring " + name + ": size " + size + " is not a power of two multiple of the page size");
        }
        MemorySegment consumer = mapped(page, Libc.PROT_READ | Libc.PROT_WRITE, fd, 0, name + " consumer page", arena);
        MemorySegment producerAndData = mapped(page + 2 * size, Libc.PROT_READ, fd, page, name + " producer page and data", arena);
        MemorySegment producer = producerAndData.asSlice(0, page).asReadOnly();
        MemorySegment data = producerAndData.asSlice(page, 2 * size).asReadOnly();
        return new MappedRing(consumer, producer, data, size);
    }

    private static MemorySegment mapped(long length, int prot, int fd, long offset, String what, Arena arena) {
        MemorySegment raw = Libc.mmap(length, prot, Libc.MAP_SHARED, fd, offset, what);
        long address = raw.address();
        return raw.reinterpret(length, arena, unused -> Libc.munmap(MemorySegment.ofAddress(address).reinterpret(length)));
    }

    long consumerPosition() {
        return (long) POSITION.getAcquire(consumer, 0L);
    }

    long producerPosition() {
        return (long) POSITION.getAcquire(producer, 0L);
    }

    void releaseConsumerPosition(long position) {
        POSITION.setRelease(consumer, 0L, position);
    }
}
