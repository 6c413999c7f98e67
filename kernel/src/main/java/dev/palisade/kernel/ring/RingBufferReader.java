package dev.palisade.kernel.ring;

import dev.palisade.kernel.bpf.BpfMap;
import dev.palisade.kernel.bpf.BpfMapType;
import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one BPF ring buffer through a direct mapping, zero copy: each committed record is handed to a
 * {@link RingRecordHandler} as a slice (segment, offset, length) of the mapped data area, and the consumer
 * position is released to the kernel once per drain pass. One platform thread per ring ({@link #start});
 * it blocks in epoll_wait only when the ring is empty and then for at most the poll interval, because
 * records submitted with BPF_RB_NO_WAKEUP (batched wake-ups) never make the ring's fd readable.
 *
 * <p>Counters ({@link #stats}) are published once per pass; {@code lost} is read from the kernel-side loss
 * counter when asked.
 */
public final class RingBufferReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingBufferReader.class);
    private static final int EPOLL_EVENT_SIZE = 12;

    /**
     * @param pollInterval longest wait in epoll_wait before looking at the positions again: the latency bound
     *                     for records submitted without a wake-up
     * @param spinsBeforeWait empty passes (with Thread.onSpinWait) before blocking
     * @param maxBatchBytes ring bytes consumed before the position is released mid-pass (0: a quarter ring)
     */
    public record Options(Duration pollInterval, int spinsBeforeWait, long maxBatchBytes) {
        public Options {
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.isNegative() || pollInterval.isZero()) throw new IllegalArgumentException("pollInterval must be positive");
            if (spinsBeforeWait < 0 || maxBatchBytes < 0) throw new IllegalArgumentException("negative spinsBeforeWait or maxBatchBytes");
        }

        public static Options defaults() {
            return new Options(Duration.ofMillis(10), 64, 0);
        }
    }

    private final String name;
    private final Arena arena;
    private final int ringFd;
    private final int epollFd;
    private final int wakeFd;
    private final MemorySegment epollEvents;
    private final MappedRing ring;
    private final MemorySegment records;
    private final LossCounter lossCounter;
    private final long maxBatchBytes;
    private final int pollMillis;
    private final int spins;

    // the drain thread's own state
    private long consumerPosition;

    // published once per pass
    private volatile long recordCount;
    private volatile long byteCount;
    private volatile long discardedCount;
    private volatile long batchCount;
    private volatile long handlerErrorCount;
    private volatile long wakeupCount;

    private volatile boolean running;
    private volatile Thread thread;
    private volatile Throwable failure;
    private boolean closed;

    private RingBufferReader(String name, Arena arena, int ringFd, long size, LossCounter lossCounter, Options options) {
        this.name = name;
        this.arena = arena;
        this.ringFd = ringFd;
        this.lossCounter = lossCounter;
        this.ring = MappedRing.map(ringFd, size, name, arena);
        this.records = ring.data;
        this.maxBatchBytes = options.maxBatchBytes() > 0 ? options.maxBatchBytes() : Math.max(size / 4, 4096);
        this.pollMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.pollInterval().toMillis()));
        this.spins = options.spinsBeforeWait();
        this.consumerPosition = ring.consumerPosition();
        this.epollFd = Libc.epollCreate();
        int wake = -1;
        try {
            wake = Libc.eventfd(Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            this.epollEvents = arena.allocate(2L * EPOLL_EVENT_SIZE, 8);
            Libc.epollAdd(epollFd, ringFd, epollEvents, "ring " + name);
            Libc.epollAdd(epollFd, wake, epollEvents, "wake-up eventfd");
        } catch (RuntimeException e) {
            if (wake >= 0) Libc.close(wake);
            Libc.close(epollFd);
            throw e;
        }
        this.wakeFd = wake;
    }

    /**
     * Maps the ring of a loaded BPF_MAP_TYPE_RINGBUF map. The reader keeps its own duplicate of the map's
     * fd, so it stays valid if the object closes first (close the reader first all the same).
     */
    public static RingBufferReader open(String name, BpfMap ringMap, LossCounter lossCounter, Options options) {
        if (ringMap.type() != BpfMapType.RINGBUF) {
            throw new IllegalArgumentException("map " + ringMap.name() + " is a " + ringMap.type() + ", not a ring buffer");
        }
        int fd = Libc.dup(ringMap.fd(), "ring " + name);
        Arena arena = Arena.ofShared();
        try {
            return new RingBufferReader(name, arena, fd, ringMap.maxEntries() & 0xffffffffL, lossCounter, options);
        } catch (RuntimeException e) {
            arena.close();
            Libc.close(fd);
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** Size of the data area in bytes. */
    public long capacity() {
        return ring.size;
    }

    /** Bytes the producer has written that this reader has not released yet. */
    public long pendingBytes() {
        return ring.producerPosition() - ring.consumerPosition();
    }

    /** Starts the drain thread; the handler is then called on that thread only. */
    public synchronized void start(RingRecordHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (closed) throw new IllegalStateException("ring reader " + name + " is closed");
        if (thread != null) throw new IllegalStateException("ring reader " + name + " is already started");
        running = true;
        thread = Thread.ofPlatform().name("ring-" + name).daemon(true).start(() -> run(handler));
    }

    /**
     * One drain pass on the calling thread (for readers driven by their caller, e.g. benchmarks):
     * delivers the committed records, then releases them. Returns the records consumed (discarded ones included).
     */
    public int drain(RingRecordHandler handler) {
        if (thread != null) throw new IllegalStateException("ring reader " + name + " is drained by its own thread");
        if (closed) throw new IllegalStateException("ring reader " + name + " is closed");
        return drainPass(handler);
    }

    public RingBufferStats stats() {
        return new RingBufferStats(recordCount, byteCount, discardedCount, lossCounter.lost(), batchCount,
                handlerErrorCount, wakeupCount);
    }

    /** Why the drain thread stopped, if it stopped on an error. */
    public Throwable failure() {
        return failure;
    }

    private void run(RingRecordHandler handler) {
        int idle = 0;
        try {
            while (running) {
                if (drainPass(handler) > 0) {
                    idle = 0;
                    continue;
                }
                if (idle < spins) {
                    idle++;
                    Thread.onSpinWait();
                    continue;
                }
                idle = 0;
                if (Libc.epollWait(epollFd, epollEvents, 2, pollMillis) > 0) wakeupCount = wakeupCount + 1;
            }
            drainPass(handler);   // what was committed before close
        } catch (Throwable t) {
            failure = t;
            LOG.error("ring {}: drain thread stopped", name, t);
        }
    }

    private int drainPass(RingRecordHandler handler) {
        final MemorySegment data = records;
        final long mask = ring.mask;
        long cons = consumerPosition;
        long prod = ring.producerPosition();
        if (cons >= prod) return 0;
        final long limit = cons + maxBatchBytes;
        int consumed = 0;
        long delivered = 0;
        long bytes = 0;
        long errors = 0;
        while (cons < prod) {
            long offset = cons & mask;
            int header = (int) MappedRing.RECORD_HEADER.getAcquire(data, offset);
            if ((header & MappedRing.BUSY_BIT) != 0) break;   // reserved, not committed yet
            int length = header & MappedRing.LENGTH_MASK;
            if ((header & MappedRing.DISCARD_BIT) == 0) {
                try {
                    handler.onRecord(data, offset + MappedRing.HEADER_SIZE, length);
                } catch (Throwable t) {
                    errors++;
                    handlerFailed(t);
                }
                delivered++;
                bytes += length;
            }
            consumed++;
            cons += (length + MappedRing.HEADER_SIZE + 7) & ~7L;
            if (cons >= limit) break;
            if (cons >= prod) prod = ring.producerPosition();
        }
        if (consumed == 0) return 0;
        try {
            handler.onBatchEnd();
        } catch (Throwable t) {
            errors++;
            handlerFailed(t);
        }
        ring.releaseConsumerPosition(cons);
        consumerPosition = cons;
        recordCount = recordCount + delivered;
        byteCount = byteCount + bytes;
        discardedCount = discardedCount + (consumed - delivered);
        batchCount = batchCount + 1;
        if (errors > 0) handlerErrorCount = handlerErrorCount + errors;
        return consumed;
    }

    private void handlerFailed(Throwable t) {
        long n = handlerErrorCount;
        if (n < 10 || n % 10_000 == 0) LOG.warn("ring {}: record handler failed ({} failures so far)", name, n + 1, t);
    }

    /** Stops the drain thread (after one last pass), unmaps the ring and closes its descriptors. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        running = false;
        Thread t = thread;
        if (t != null) {
            try (Arena a = Arena.ofConfined()) {
                Libc.write(wakeFd, a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_LONG, 1L));
            }
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        Libc.close(wakeFd);
        Libc.close(epollFd);
        Libc.close(ringFd);
        arena.close();
    }
}
