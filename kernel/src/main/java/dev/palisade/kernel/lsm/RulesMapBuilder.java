package dev.palisade.kernel.lsm;

import static dev.palisade.kernel.lsm.EnforcerAbi.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.palisade.kernel.bpf.BpfMap;
import dev.palisade.kernel.bpf.BpfMapType;
import dev.palisade.kernel.bpf.CreatedBpfMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Builds one workload's rules map aside (a new hash map filled completely) so that it can be swapped into the
 * enforcer's {@code rules} map-of-maps in one update: a decision sees the old rule set or the new one, never a mix.
 */
public final class RulesMapBuilder {
    private RulesMapBuilder() {}

    /** A new, filled rules map; the caller puts its fd into the outer map and then closes it. */
    public static CreatedBpfMap build(RuleSetEncoder.Encoded encoded, int generation) {
        CreatedBpfMap map = CreatedBpfMap.create(BpfMapType.HASH, "palisade_rules", (int) KEY_SIZE, (int) VALUE_SIZE,
                encoded.entries().size() + 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(KEY_SIZE, 8);
            MemorySegment value = arena.allocate(VALUE_SIZE, 8);
            // the rule set's configuration: kind 0, hash 0, source 0, length 0
            for (int i = 0; i < 4; i++) value.set(JAVA_INT, CFG_MISS + 4L * i, encoded.miss()[i]);
            value.set(JAVA_INT, CFG_GENERATION, generation);
            value.set(JAVA_INT, CFG_FLAGS, encoded.flags());
            value.set(JAVA_INT, CFG_MAX_SLASHES, encoded.maxSlashes()[0]);
            value.set(JAVA_INT, CFG_MAX_SLASHES + 4, encoded.maxSlashes()[1]);
            map.update(key, value, BpfMap.NOEXIST);
            for (RuleSetEncoder.Entry e : encoded.entries()) {
                key.set(JAVA_LONG, 0, e.hash());
                key.set(JAVA_LONG, 8, e.source());
                key.set(JAVA_INT, 16, e.length());
                key.set(JAVA_INT, 20, e.kind());
                value.fill((byte) 0);
                value.set(JAVA_LONG, 0, e.check());
                int[] o = e.outcome();
                for (int i = 0; i < 16; i++) value.set(JAVA_INT, 8 + 4L * i, o[i]);
                map.update(key, value, BpfMap.NOEXIST);
            }
        } catch (RuntimeException ex) {
            map.close();
            throw ex;
        }
        return map;
    }

    /** Writes the enforcer's global configuration (its {@code config} array map, one entry). */
    public static void writeConfig(BpfMap config, PathHash hash, long wakeupThreshold, int hostMountNamespace,
                                   boolean hostRules, int agentTgid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_INT);
            MemorySegment v = arena.allocate(ENFORCER_CONFIG_SIZE, 8);
            v.set(JAVA_LONG, 0, hash.seed1());
            v.set(JAVA_LONG, 8, hash.seed2());
            v.set(JAVA_LONG, 16, wakeupThreshold);
            v.set(JAVA_INT, 24, hostMountNamespace);
            v.set(JAVA_INT, 28, hostRules ? 1 : 0);
            v.set(JAVA_INT, 32, agentTgid);
            config.update(key, v, BpfMap.ANY);
        }
    }
}
