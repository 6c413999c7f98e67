package dev.palisade.kernel.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.kernel.TestFilesystems;
import dev.palisade.kernel.ffm.Libc;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mmap ring reader against a real ring filled by a real BPF program (ring_selftest.bpf.o on
 * sys_enter_getpid, producing only for this test's own thread): no record lost or reordered below
 * saturation, and above it the reader's sequence gaps equal the kernel's reserve-failure count exactly.
 */
@Requires(Need.BPF)
class RingBufferReaderTest {
    private static final int RECORD_BYTES = 40;   // 32-byte record + 8-byte ring header

    @BeforeAll
    static void filesystems() {
        TestFilesystems.ensure();
    }

    @Test
    void deliversEverySequencedRecordInOrderBelowSaturation() throws Exception {
        try (RingSelftest producer = RingSelftest.load(1 << 20);
             RingBufferReader reader = producer.openReader(RingBufferReader.Options.defaults())) {
            SequenceChecker checker = new SequenceChecker();
            reader.start(checker);
            producer.produceFrom(Libc.gettid(), 16, 0);
            long calls = 20_000;
            for (long i = 0; i < calls; i++) {
                // stay below saturation by construction: never let more than half the ring wait
                while (reader.pendingBytes() > reader.capacity() / 2) Thread.onSpinWait();
                Libc.getpid();
            }
            producer.stop();
            long attempted = producer.attempted();
            assertEquals(calls * 16, attempted);
            await(() -> checker.received == attempted, "all records delivered");
            assertEquals(0, producer.lost(), "reserve failures");
            assertEquals(0, checker.gaps);
            assertEquals(0, checker.outOfOrder);
            RingBufferStats stats = reader.stats();
            assertEquals(attempted, stats.records());
            assertEquals(attempted * 32, stats.bytes());
            assertEquals(0, stats.lost());
            assertEquals(0, stats.discarded());
            assertTrue(stats.batches() >= 1 && stats.batches() <= attempted, stats.toString());
            assertNull(reader.failure());
        }
    }

    @Test
    void lossAboveSaturationEqualsTheKernelCountExactly() {
        int ringBytes = 64 << 10;
        try (RingSelftest producer = RingSelftest.load(ringBytes);
             RingBufferReader reader = producer.openReader(RingBufferReader.Options.defaults())) {
            // nobody drains while the producer writes 4x what the ring holds
            producer.produceFrom(Libc.gettid(), 64, 0);
            long calls = 4L * ringBytes / RECORD_BYTES / 64;
            RingSelftest.callGetpid(calls);
            producer.stop();
            SequenceChecker checker = new SequenceChecker();
            while (reader.drain(checker) > 0) { /* drain what fit */ }
            long attempted = producer.attempted();
            long lost = producer.lost();
            assertEquals(calls * 64, attempted);
            assertTrue(lost > 0, "the ring must have overflowed");
            assertEquals(ringBytes / RECORD_BYTES, checker.received, "a full ring holds size/record bytes");
            assertEquals(lost, checker.missing(attempted), "sequence gaps seen by Java == reserve failures counted in the kernel");
            assertEquals(attempted, checker.received + lost);
            assertEquals(0, checker.outOfOrder);
            assertEquals(lost, reader.stats().lost());
        }
    }

    @Test
    void lossWhileDrainingConcurrentlyIsAccountedExactly() throws Exception {
        try (RingSelftest producer = RingSelftest.load(64 << 10);
             RingBufferReader reader = producer.openReader(RingBufferReader.Options.defaults())) {
            SequenceChecker counting = new SequenceChecker();
            // a deliberately slow consumer (about 2 us per record) against a producer running flat out
            RingRecordHandler slow = new RingRecordHandler() {
                @Override
                public void onRecord(MemorySegment segment, long offset, int length) {
                    long until = System.nanoTime() + 2_000;
                    while (System.nanoTime() < until) Thread.onSpinWait();
                    counting.onRecord(segment, offset, length);
                }
            };
            reader.start(slow);
            producer.produceFrom(Libc.gettid(), 64, 0);
            RingSelftest.callGetpid(5_000);
            producer.stop();
            long attempted = producer.attempted();
            await(() -> reader.pendingBytes() == 0, "ring drained");
            long lost = producer.lost();
            assertTrue(lost > 0, "the slow consumer must have lost records");
            assertTrue(counting.received > 0);
            assertEquals(attempted, counting.received + lost);
            assertEquals(lost, counting.missing(attempted));
            assertEquals(0, counting.outOfOrder);
        }
    }

    @Test
    void recordsSubmittedWithoutWakeupAreReadByPollingPositions() throws Exception {
        try (RingSelftest producer = RingSelftest.load(1 << 20);
             RingBufferReader reader = producer.openReader(new RingBufferReader.Options(Duration.ofMillis(5), 0, 0))) {
            SequenceChecker checker = new SequenceChecker();
            reader.start(checker);
            // threshold above everything produced: every record goes in with BPF_RB_NO_WAKEUP
            producer.produceFrom(Libc.gettid(), 8, 1 << 19);
            for (int i = 0; i < 200; i++) {
                Libc.getpid();
                if (i % 50 == 0) Thread.sleep(20);   // let the reader block in epoll_wait in between
            }
            producer.stop();
            await(() -> checker.received == 1600, "records delivered without any wake-up");
            assertEquals(0, reader.stats().wakeups(), "no record may have woken the reader");

            // with a small threshold the producer does wake it
            producer.produceFrom(Libc.gettid(), 8, 4096);
            Thread.sleep(50);
            RingSelftest.callGetpid(200);
            producer.stop();
            await(() -> checker.received == 3200, "second round delivered");
            assertTrue(reader.stats().wakeups() > 0, "forced wake-ups past the threshold");
            assertEquals(0, checker.gaps);
        }
    }

    @Test
    void closeStopsTheDrainThreadAndRejectsFurtherUse() throws Exception {
        RingSelftest producer = RingSelftest.load(1 << 16);
        RingBufferReader reader = producer.openReader(new RingBufferReader.Options(Duration.ofSeconds(30), 0, 0));
        SequenceChecker checker = new SequenceChecker();
        reader.start(checker);
        Thread.sleep(50);   // blocked in a 30 s epoll_wait now: close must wake it
        long t0 = System.nanoTime();
        reader.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "close woke the drain thread");
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("ring-selftest") && t.isAlive()));
        assertThrows(IllegalStateException.class, () -> reader.drain(checker));
        reader.close();   // idempotent
        producer.close();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }
}
