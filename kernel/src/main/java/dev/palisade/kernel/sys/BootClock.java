package dev.palisade.kernel.sys;

import dev.palisade.kernel.ffm.Libc;
import java.time.Instant;

/**
 * Converts the CLOCK_BOOTTIME nanoseconds of event headers (bpf_ktime_get_boot_ns) to wall-clock time,
 * with the offset between the two clocks taken once (re-take it if the wall clock is stepped).
 */
public final class BootClock {
    private final long wallMinusBootNanos;

    private BootClock(long wallMinusBootNanos) {
        this.wallMinusBootNanos = wallMinusBootNanos;
    }

    public static BootClock now() {
        long boot1 = Libc.clockNanos(Libc.CLOCK_BOOTTIME);
        long wall = Libc.clockNanos(Libc.CLOCK_REALTIME);
        long boot2 = Libc.clockNanos(Libc.CLOCK_BOOTTIME);
        return new BootClock(wall - (boot1 + (boot2 - boot1) / 2));
    }

    public static long bootNanos() {
        return Libc.clockNanos(Libc.CLOCK_BOOTTIME);
    }

    public Instant toInstant(long bootNanos) {
        long epochNanos = bootNanos + wallMinusBootNanos;
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }
}
