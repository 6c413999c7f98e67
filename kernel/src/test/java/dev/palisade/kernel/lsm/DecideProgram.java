package dev.palisade.kernel.lsm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.palisade.bpf.BpfObjectResource;
import dev.palisade.kernel.bpf.BpfMap;
import dev.palisade.kernel.bpf.BpfObject;
import dev.palisade.kernel.bpf.BpfProgram;
import dev.palisade.kernel.bpf.CreatedBpfMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The enforcer object loaded with only its {@code palisade_decide} program (a syscall program, run with
 * BPF_PROG_TEST_RUN): the LSM hooks' decision code on given inputs, on a kernel that cannot attach LSM programs.
 * Nothing is attached; closing it frees every map.
 */
final class DecideProgram implements AutoCloseable {
    // struct palisade_decide_request
    private static final long CGROUP = 0, OP = 8, CONDITIONS = 12, FAMILY = 16, TYPE = 20, PROTOCOL = 24, CAP = 28,
            PATH_LEN = 32, SOURCE_LEN = 36, OUTCOME = 40, PATH = 80, SOURCE = 80 + 4096, SIZE = 80 + 2 * 4096;

    final BpfObject object;
    final PathHash hash;
    private final BpfProgram program;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment request = arena.allocate(SIZE, 8);

    DecideProgram(PathHash hash) {
        this.hash = hash;
        object = BpfObject.open(BpfObjectResource.ENFORCER);
        try {
            for (BpfProgram p : object.programs()) p.setAutoload(p.name().equals("palisade_decide"));
            object.load();
            program = object.program("palisade_decide");
            RulesMapBuilder.writeConfig(object.map("config"), hash, 0, 0, false, 0);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** Puts a built rules map in force for {@code cgroupId} (one update of the outer map). */
    void install(long cgroupId, CreatedBpfMap rules) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(JAVA_LONG);
            key.set(JAVA_LONG, 0, cgroupId);
            MemorySegment fd = a.allocate(JAVA_INT);
            fd.set(JAVA_INT, 0, rules.fd());
            object.map("rules").update(key, fd, BpfMap.ANY);
        }
    }

    void uninstall(long cgroupId) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(JAVA_LONG);
            key.set(JAVA_LONG, 0, cgroupId);
            object.map("rules").delete(key);
        }
    }

    /** The outcome pair (without a write | with a write << 32) of a path operation. */
    long decidePath(long cgroupId, int op, int conditions, String path, String source) {
        return run(cgroupId, op, conditions, path, source, 0, 0, 0, 0);
    }

    long decideNetwork(long cgroupId, int conditions, String source, int family, int type, int protocol) {
        return run(cgroupId, EnforcerAbi.OP_NETWORK, conditions, "", source, family, type, protocol, 0);
    }

    long decideCapability(long cgroupId, int conditions, String source, int capability) {
        return run(cgroupId, EnforcerAbi.OP_CAPABILITIES, conditions, "", source, 0, 0, 0, capability);
    }

    private long run(long cgroupId, int op, int conditions, String path, String source, int family, int type, int protocol,
                     int cap) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        byte[] s = source == null ? new byte[0] : source.getBytes(StandardCharsets.UTF_8);
        request.fill((byte) 0);
        request.set(JAVA_LONG, CGROUP, cgroupId);
        request.set(JAVA_INT, OP, op);
        request.set(JAVA_INT, CONDITIONS, conditions);
        request.set(JAVA_INT, FAMILY, family);
        request.set(JAVA_INT, TYPE, type);
        request.set(JAVA_INT, PROTOCOL, protocol);
        request.set(JAVA_INT, CAP, cap);
        request.set(JAVA_INT, PATH_LEN, p.length);
        request.set(JAVA_INT, SOURCE_LEN, s.length);
        MemorySegment.copy(p, 0, request, java.lang.foreign.ValueLayout.JAVA_BYTE, PATH, p.length);
        MemorySegment.copy(s, 0, request, java.lang.foreign.ValueLayout.JAVA_BYTE, SOURCE, s.length);
        int rc = program.testRun(request);
        if (rc != 0) throw new IllegalStateException("palisade_decide returned " + rc + " for " + path);
        return request.get(JAVA_LONG, OUTCOME);
    }

    @Override
    public void close() {
        arena.close();
        object.close();
    }
}
