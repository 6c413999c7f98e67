package dev.palisade.kernel.monitor;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.palisade.kernel.bpf.BpfMap;
import dev.palisade.kernel.event.OperationClass;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.Set;

/**
 * The monitor's per-container switch: cgroup v2 id -> the operation classes whose events reach the ring.
 * Tasks of cgroups not listed here record nothing (unless the host visibility covers them).
 */
public final class VisibilityMap {
    private final BpfMap map;

    VisibilityMap(BpfMap map) {
        if (map.keySize() != 8 || map.valueSize() != 4) {
            throw new IllegalArgumentException("map " + map.name() + " is not cgroup id (u64) -> bits (u32)");
        }
        this.map = map;
    }

    /** Sets what a cgroup records; an empty set removes the cgroup. */
    public void set(long cgroupId, Set<OperationClass> classes) {
        if (classes.isEmpty()) {
            remove(cgroupId);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            map.update(arena.allocateFrom(JAVA_LONG, cgroupId), arena.allocateFrom(JAVA_INT, OperationClass.bits(classes)), BpfMap.ANY);
        }
    }

    /** Stops recording a cgroup; false when it was not listed. */
    public boolean remove(long cgroupId) {
        try (Arena arena = Arena.ofConfined()) {
            return map.delete(arena.allocateFrom(JAVA_LONG, cgroupId));
        }
    }

    public Optional<Set<OperationClass>> get(long cgroupId) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            return map.lookup(arena.allocateFrom(JAVA_LONG, cgroupId), value)
                    ? Optional.of(OperationClass.of(value.get(JAVA_INT, 0)))
                    : Optional.empty();
        }
    }
}
