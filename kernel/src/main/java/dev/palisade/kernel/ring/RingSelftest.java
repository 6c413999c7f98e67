package dev.palisade.kernel.ring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.palisade.bpf.BpfObjectResource;
import dev.palisade.kernel.bpf.BpfMap;
import dev.palisade.kernel.bpf.BpfObject;
import dev.palisade.kernel.bpf.PerCpuCounter;
import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The synthetic ring producer (ring_selftest.bpf.o) for tests and benchmarks: getpid() calls of one chosen
 * thread each emit N sequenced records (palisade_selftest.h). Sequence numbers are taken before the reserve,
 * so a reader that sees a gap of k saw k reserve failures, which the object also counts in {@code ring_lost}.
 * Only the chosen thread produces; everything else pays one array lookup per getpid().
 */
public final class RingSelftest implements AutoCloseable {
    public static final int MAX_RECORDS_PER_CALL = 256;

    /** struct palisade_selftest_record */
    public static final StructLayout RECORD = MemoryLayout.structLayout(
            JAVA_LONG.withName("seq"),
            JAVA_LONG.withName("timestamp_ns"),
            JAVA_INT.withName("tid"),
            JAVA_INT.withName("reserved"),
            JAVA_LONG.withName("reserved2"))
            .withName("palisade_selftest_record");

    /** struct palisade_selftest_config */
    public static final StructLayout CONFIG = MemoryLayout.structLayout(
            JAVA_INT.withName("target_tid"),
            JAVA_INT.withName("records_per_call"),
            JAVA_LONG.withName("wakeup_threshold"))
            .withName("palisade_selftest_config");

    private static final long SEQ = RECORD.byteOffset(groupElement("seq"));

    private final BpfObject object;
    private final PerCpuCounter lost;

    private RingSelftest(BpfObject object) {
        this.object = object;
        this.lost = new PerCpuCounter(object.map("ring_lost"), 0);
    }

    /** Loads and attaches the producer with a ring of ringBytes; it stays idle until {@link #produceFrom}. */
    public static RingSelftest load(int ringBytes) {
        BpfObject object = BpfObject.open(BpfObjectResource.RING_SELFTEST);
        try {
            object.map("ring").setMaxEntries(ringBytes);
            object.load();
            object.attachAll();
            return new RingSelftest(object);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /**
     * Makes getpid() of thread tid emit recordsPerCall records; wakeupThreshold as in the monitor (0: the
     * kernel's default wake-up, else BPF_RB_NO_WAKEUP until that many bytes wait).
     */
    public void produceFrom(int tid, int recordsPerCall, long wakeupThreshold) {
        if (recordsPerCall < 1 || recordsPerCall > MAX_RECORDS_PER_CALL) {
            throw new IllegalArgumentException("recordsPerCall must be 1.." + MAX_RECORDS_PER_CALL);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(CONFIG);
            value.set(JAVA_INT, CONFIG.byteOffset(groupElement("target_tid")), tid);
            value.set(JAVA_INT, CONFIG.byteOffset(groupElement("records_per_call")), recordsPerCall);
            value.set(JAVA_LONG, CONFIG.byteOffset(groupElement("wakeup_threshold")), wakeupThreshold);
            object.map("selftest_config").update(arena.allocateFrom(JAVA_INT, 0), value, BpfMap.ANY);
        }
    }

    /** Stops producing. */
    public void stop() {
        produceFrom(0, 1, 0);
    }

    /** Records attempted so far (the next sequence number): delivered + lost. */
    public long attempted() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            object.map("selftest_seq").lookup(arena.allocateFrom(JAVA_INT, 0), value);
            return value.get(JAVA_LONG, 0);
        }
    }

    /** Reserve failures counted in the kernel. */
    public long lost() {
        return lost.sum();
    }

    public LossCounter lossCounter() {
        return lost::sum;
    }

    public BpfMap ring() {
        return object.map("ring");
    }

    public BpfObject object() {
        return object;
    }

    public RingBufferReader openReader(RingBufferReader.Options options) {
        return RingBufferReader.open("selftest", ring(), lossCounter(), options);
    }

    /** Calls getpid() n times on the calling thread (each a real system call). */
    public static void callGetpid(long n) {
        for (long i = 0; i < n; i++) Libc.getpid();
    }

    /** The sequence number of a record handed to a {@link RingRecordHandler}. */
    public static long sequence(MemorySegment segment, long offset) {
        return segment.get(JAVA_LONG, offset + SEQ);
    }

    @Override
    public void close() {
        object.close();
    }
}
