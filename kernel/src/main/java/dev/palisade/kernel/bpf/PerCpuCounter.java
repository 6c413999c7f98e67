package dev.palisade.kernel.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** One u64 entry of a per-CPU array map (e.g. a ring's reserve-failure counter), summed over CPUs. */
public final class PerCpuCounter {
    private final BpfMap map;
    private final int index;

    public PerCpuCounter(BpfMap map, int index) {
        if (map.type() != BpfMapType.PERCPU_ARRAY || map.valueSize() != 8 || map.keySize() != 4) {
            throw new IllegalArgumentException("map " + map.name() + " is not a per-CPU array of u64 (type "
                    + map.type() + ", key " + map.keySize() + " bytes, value " + map.valueSize() + " bytes)");
        }
        this.map = map;
        this.index = index;
    }

    /** The sum of every CPU's slot (one map lookup system call). */
    public long sum() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(JAVA_INT, index);
            MemorySegment values = arena.allocate(map.valueSizeAllCpus(), 8);
            if (!map.lookup(key, values)) return 0;
            long total = 0;
            for (long off = 0; off < values.byteSize(); off += 8) total += values.get(JAVA_LONG, off);
            return total;
        }
    }

    public BpfMap map() {
        return map;
    }
}
