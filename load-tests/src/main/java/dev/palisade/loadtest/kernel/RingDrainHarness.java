package dev.palisade.loadtest.kernel;

import dev.palisade.kernel.ffm.Libc;
import dev.palisade.kernel.ring.RingBufferReader;
import dev.palisade.kernel.ring.RingBufferStats;
import dev.palisade.kernel.ring.RingRecordHandler;
import dev.palisade.kernel.ring.RingSelftest;
import dev.palisade.kernel.sys.KernelFilesystem;
import dev.palisade.kernel.sys.KernelFilesystems;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ring buffer benchmark, run by {@code load-tests/ring-bench} as root.
 *
 * <p>1. Drain rate: a 64 MiB ring of the self-test producer is filled (no reader woken), then drained
 * either by libbpf's C consumer ({@code ring_buffer__consume}, src/main/c/ring_consume.c, built here with gcc)
 * or by the Java mmap reader; alternating, several rounds, same ring, same run. Target: Java at least 0.8x C.
 *
 * <p>2. Live: the producer (this JVM's main thread calling getpid(), 64 records per call) runs at fixed
 * rates and flat out while the reader's own drain thread consumes; below saturation nothing may be lost,
 * above it (a consumer slowed on purpose) the sequence gaps Java sees must equal the kernel's count.
 */
public final class RingDrainHarness {
    private static final int RECORD_BYTES = 40;   // 32-byte record + 8-byte ring header
    private static final int PER_CALL = 256;

    private RingDrainHarness() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int warmup = Math.min(6, rounds - 1);
        Path repo = Path.of(System.getProperty("palisade.repo", ".")).toAbsolutePath();
        Path consumer = compileConsumer(repo);
        try (KernelFilesystems fs = KernelFilesystems.ensure(EnumSet.of(KernelFilesystem.TRACEFS, KernelFilesystem.BPFFS))) {
            if (!fs.isPresent(KernelFilesystem.BPFFS) || !fs.isPresent(KernelFilesystem.TRACEFS)) {
                throw new IllegalStateException("tracefs and bpffs are needed: " + fs.unavailable());
            }
            drainRate(consumer, rounds, warmup);
            live();
        }
    }

    // ------------------------------------------------------------------ 1. drain rate, Java vs C

    private static void drainRate(Path consumer, int rounds, int warmup) throws Exception {
        int ringBytes = 64 << 20;
        long calls = ringBytes / RECORD_BYTES / PER_CALL;
        long records = calls * PER_CALL;
        System.out.printf("== drain rate: %d MiB ring, %d records of 32 bytes per fill, %d rounds (%d warm-up)%n",
                ringBytes >> 20, records, rounds, warmup);
        List<Double> c = new ArrayList<>();
        List<Double> java = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        try (RingSelftest producer = RingSelftest.load(ringBytes)) {
            Path pinDir = Path.of("/sys/fs/bpf", "palisade-bench-" + ProcessHandle.current().pid());
            Files.createDirectories(pinDir);
            Path pin = pinDir.resolve("ring");
            producer.ring().pin(pin);
            try {
                for (int r = 0; r < rounds; r++) {
                    double cRate = 0;
                    double jRate = 0;
                    for (int leg = 0; leg < 2; leg++) {
                        boolean cFirst = r % 2 == 0;
                        boolean runC = (leg == 0) == cFirst;
                        fill(producer, calls, ringBytes);
                        if (runC) cRate = drainWithC(consumer, pin, records);
                        else jRate = drainWithJava(producer, records);
                    }
                    String tag = r < warmup ? "warm-up" : "round  ";
                    System.out.printf("%s %2d  C %7.1f M rec/s   Java %7.1f M rec/s   Java/C %.2f%n", tag, r, cRate / 1e6, jRate / 1e6, jRate / cRate);
                    if (r >= warmup) {
                        c.add(cRate);
                        java.add(jRate);
                        ratios.add(jRate / cRate);
                    }
                }
                if (producer.lost() != 0) throw new IllegalStateException("fills must not overflow: " + producer.lost() + " lost");
            } finally {
                Files.deleteIfExists(pin);
                Files.deleteIfExists(pinDir);
            }
        }
        double cMed = median(c);
        double jMed = median(java);
        // a busy machine slows single legs: the ratio of the two legs of one round (run back to back) is steadier
        System.out.printf("RESULT drain: C libbpf ring_buffer__consume median %.1f M rec/s (best %.1f), Java mmap median %.1f M rec/s (best %.1f);"
                        + " Java/C of medians %.2f, median of per-round Java/C %.2f, best/best %.2f (target >= 0.80)%n",
                cMed / 1e6, Collections.max(c) / 1e6, jMed / 1e6, Collections.max(java) / 1e6, jMed / cMed, median(ratios),
                Collections.max(java) / Collections.max(c));
    }

    /** Fills the ring without waking anyone (threshold = ring size) and without overflowing it. */
    private static void fill(RingSelftest producer, long calls, int ringBytes) {
        producer.produceFrom(Libc.gettid(), PER_CALL, ringBytes);
        RingSelftest.callGetpid(calls);
        producer.stop();
    }

    private static double drainWithC(Path consumer, Path pin, long records) throws Exception {
        Process p = new ProcessBuilder(consumer.toString(), pin.toString(), Long.toString(records)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("C consumer failed: " + out);
        long got = field(out, "records");
        long ns = field(out, "ns");
        if (got != records || field(out, "gaps") != 0 || field(out, "out_of_order") != 0) {
            throw new IllegalStateException("C consumer saw a damaged ring: " + out);
        }
        return got * 1e9 / ns;
    }

    private static double drainWithJava(RingSelftest producer, long records) {
        // a reader per round: the C consumer moved the shared consumer position in between
        try (RingBufferReader reader = producer.openReader(RingBufferReader.Options.defaults())) {
            SequenceCounter counter = new SequenceCounter();
            long t0 = System.nanoTime();
            while (counter.count < records) reader.drain(counter);
            long ns = System.nanoTime() - t0;
            if (counter.count != records || counter.gaps != 0 || counter.outOfOrder != 0) {
                throw new IllegalStateException("Java reader saw a damaged ring: " + counter);
            }
            return records * 1e9 / ns;
        }
    }

    // ------------------------------------------------------------------ 2. live

    private static void live() throws Exception {
        System.out.println("== live: producer = getpid() of one thread, 64 records per call; reader = its own drain thread");
        System.out.printf("%-34s %12s %12s %12s %12s %10s %8s%n", "case", "offered/s", "received/s", "received", "lost(kernel)", "gaps(Java)", "exact");
        liveCase("paced 1 M/s, wake-up per 256 KiB", 1_000_000, 8 << 20, 256 << 10, 0);
        liveCase("paced 4 M/s, wake-up per 256 KiB", 4_000_000, 8 << 20, 256 << 10, 0);
        liveCase("flat out, wake-up per 256 KiB", 0, 8 << 20, 256 << 10, 0);
        liveCase("flat out, wake-up per record", 0, 8 << 20, 0, 0);
        liveCase("flat out, consumer 20 us/record", 0, 256 << 10, 64 << 10, 20_000);
    }

    private static void liveCase(String name, long ratePerSecond, int ringBytes, long wakeupThreshold, long handlerNanos) throws Exception {
        int perCall = 64;
        Duration duration = Duration.ofSeconds(2);
        try (RingSelftest producer = RingSelftest.load(ringBytes);
             RingBufferReader reader = producer.openReader(RingBufferReader.Options.defaults())) {
            SequenceCounter counter = new SequenceCounter();
            RingRecordHandler handler = handlerNanos == 0 ? counter : new SlowHandler(counter, handlerNanos);
            reader.start(handler);
            producer.produceFrom(Libc.gettid(), perCall, wakeupThreshold);
            long t0 = System.nanoTime();
            long end = t0 + duration.toNanos();
            long calls = 0;
            long now;
            while ((now = System.nanoTime()) < end) {
                if (ratePerSecond > 0) {
                    long due = t0 + (long) ((double) calls * perCall * 1e9 / ratePerSecond);
                    if (now < due) {
                        Thread.onSpinWait();
                        continue;
                    }
                }
                Libc.getpid();
                calls++;
            }
            producer.stop();
            long produceNs = System.nanoTime() - t0;
            long attempted = producer.attempted();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (reader.pendingBytes() > 0 && System.nanoTime() < deadline) Thread.sleep(1);
            Thread.sleep(20);
            long drainedNs = System.nanoTime() - t0;
            RingBufferStats stats = reader.stats();
            long lost = stats.lost();
            long missing = counter.gaps + (attempted - counter.next);
            boolean exact = missing == lost && counter.count + lost == attempted && counter.outOfOrder == 0;
            System.out.printf("%-34s %12.0f %12.0f %12d %12d %10d %8s%n", name, attempted * 1e9 / produceNs,
                    counter.count * 1e9 / drainedNs, counter.count, lost, missing, exact ? "yes" : "NO");
            if (!exact) throw new IllegalStateException(name + ": accounting is off: " + counter + " lost=" + lost + " attempted=" + attempted);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Counts self-test records and the sequence numbers missing between them. */
    static final class SequenceCounter implements RingRecordHandler {
        long count;
        long next;
        long gaps;
        long outOfOrder;
        private boolean started;

        @Override
        public void onRecord(MemorySegment segment, long offset, int length) {
            long seq = RingSelftest.sequence(segment, offset);
            if (!started) {
                started = true;
                next = seq;
            }
            if (seq < next) {
                outOfOrder++;
            } else {
                gaps += seq - next;
                next = seq + 1;
            }
            count++;
        }

        @Override
        public String toString() {
            return "count=" + count + " next=" + next + " gaps=" + gaps + " outOfOrder=" + outOfOrder;
        }
    }

    /** A consumer slowed on purpose, to push the ring past saturation. */
    private record SlowHandler(SequenceCounter counter, long nanosPerRecord) implements RingRecordHandler {
        @Override
        public void onRecord(MemorySegment segment, long offset, int length) {
            long until = System.nanoTime() + nanosPerRecord;
            while (System.nanoTime() < until) Thread.onSpinWait();
            counter.onRecord(segment, offset, length);
        }
    }

    private static Path compileConsumer(Path repo) throws IOException, InterruptedException {
        Path source = repo.resolve("load-tests/src/main/c/ring_consume.c");
        Path include = repo.resolve("bpf/src/main/bpf/include");
        Path binary = repo.resolve("load-tests/target/ring_consume");
        if (!Files.exists(source)) throw new IllegalStateException("C consumer source not found at " + source + " (set -Dpalisade.repo)");
        Files.createDirectories(binary.getParent());
        Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-I" + include, "-o", binary.toString(), source.toString(), "-lbpf")
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) throw new IllegalStateException("gcc failed (Debian packages gcc libbpf-dev):\n" + out);
        return binary;
    }

    private static long field(String line, String name) {
        for (String part : line.split("\\s+")) {
            if (part.startsWith(name + "=")) return Long.parseLong(part.substring(name.length() + 1));
        }
        throw new IllegalStateException("no " + name + "= in: " + line);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
