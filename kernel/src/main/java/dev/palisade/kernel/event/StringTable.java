package dev.palisade.kernel.event;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings a drain thread decoded recently, found again by their bytes: a container opens the same few hundred
 * paths and runs the same few commands over and over, so decoding them allocates nothing once they are here.
 * Direct-mapped (a newer string takes an older one's slot), confined to the one thread that drains a ring.
 */
public final class StringTable {
    private final byte[] scratch;
    private final byte[][] keys;
    private final String[] values;
    private final int mask;
    private long hits;
    private long misses;

    /** @param slots rounded up to a power of two */
    public StringTable(int slots, int maxLength) {
        int n = Integer.highestOneBit(Math.max(2, slots - 1)) << 1;
        this.keys = new byte[n][];
        this.values = new String[n];
        this.mask = n - 1;
        this.scratch = new byte[maxLength];
    }

    /** The NUL-terminated UTF-8 string in at most {@code limit} bytes at {@code at}. */
    public String read(MemorySegment s, long at, int limit) {
        int n = Math.min(limit, scratch.length);
        MemorySegment.copy(s, JAVA_BYTE, at, scratch, 0, n);
        int end = 0;
        while (end < n && scratch[end] != 0) end++;
        if (end == n && limit > scratch.length) return uncached(s, at, limit);
        int h = 0;
        for (int i = 0; i < end; i++) h = 31 * h + scratch[i];
        int slot = (h ^ (h >>> 16)) & mask;
        byte[] key = keys[slot];
        if (key != null && Arrays.equals(key, 0, key.length, scratch, 0, end)) {
            hits++;
            return values[slot];
        }
        misses++;
        String value = new String(scratch, 0, end, StandardCharsets.UTF_8);
        keys[slot] = Arrays.copyOf(scratch, end);
        values[slot] = value;
        return value;
    }

    private static String uncached(MemorySegment s, long at, int limit) {
        int end = 0;
        while (end < limit && s.get(JAVA_BYTE, at + end) != 0) end++;
        byte[] b = new byte[end];
        MemorySegment.copy(s, JAVA_BYTE, at, b, 0, end);
        return new String(b, StandardCharsets.UTF_8);
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }
}
