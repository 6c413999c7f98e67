package dev.palisade.kernel.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.bpf.BpfObjectResource;
import dev.palisade.kernel.bpf.BpfObject;
import dev.palisade.kernel.bpf.Btf;
import dev.palisade.kernel.ring.RingSelftest;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The event ABI is written twice, in palisade_event.h and in {@link EventLayout}. This test reads the
 * structs and enums clang compiled into monitor.bpf.o (its BTF, through libbpf; no kernel needed) and
 * requires the Java side to match field for field: same names, offsets and sizes, same struct sizes, same
 * enumerators, same ABI version; and no struct of the ABI on one side only.
 */
class EventLayoutBtfTest {

    @Test
    void everyAbiStructMatchesTheObjectBtf() {
        try (BpfObject monitor = BpfObject.open(BpfObjectResource.MONITOR)) {
            Btf btf = monitor.btf();
            for (StructLayout javaLayout : EventLayout.STRUCTS) {
                String name = javaLayout.name().orElseThrow();
                Btf.Struct c = btf.struct(name).orElseThrow(() -> new AssertionError("struct " + name + " is in EventLayout but not in monitor.bpf.o's BTF"));
                assertEquals(c.size(), javaLayout.byteSize(), "sizeof(struct " + name + ")");
                assertEquals(describe(c.fields()), describe(flatten(javaLayout)), "fields of struct " + name + " (path@offset:size)");
            }
        }
    }

    @Test
    void noAbiStructIsMissingOnTheJavaSide() {
        try (BpfObject monitor = BpfObject.open(BpfObjectResource.MONITOR)) {
            TreeSet<String> inC = monitor.btf().names(Btf.KIND_STRUCT).stream()
                    .filter(n -> n.startsWith("palisade_") && (n.endsWith("_event") || n.endsWith("_header") || n.endsWith("_config")))
                    .collect(Collectors.toCollection(TreeSet::new));
            TreeSet<String> inJava = EventLayout.STRUCTS.stream().map(l -> l.name().orElseThrow())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(inC, inJava, "ABI structs in palisade_event.h vs EventLayout.STRUCTS");
        }
    }

    @Test
    void enumsAndVersionMatch() {
        try (BpfObject monitor = BpfObject.open(BpfObjectResource.MONITOR)) {
            Btf btf = monitor.btf();
            assertEquals(Map.of("PALISADE_ABI_VERSION", (long) EventLayout.ABI_VERSION), enumOf(btf, "palisade_abi"));

            Map<String, Long> kinds = new LinkedHashMap<>();
            for (EventKind k : EventKind.values()) kinds.put(k.cName(), (long) k.code());
            assertEquals(kinds, enumOf(btf, "palisade_event_kind"));

            Map<String, Long> visibility = new LinkedHashMap<>();
            for (OperationClass c : OperationClass.values()) visibility.put(c.cName(), (long) c.bit());
            assertEquals(visibility, enumOf(btf, "palisade_visibility"));

            Map<String, Long> syscalls = new LinkedHashMap<>();
            for (FileSyscall s : FileSyscall.values()) syscalls.put(s.cName(), (long) s.code());
            assertEquals(syscalls, enumOf(btf, "palisade_file_syscall"));

            assertEquals(Map.of("PALISADE_TRUNC_FILENAME", (long) EventLayout.TRUNC_FILENAME,
                    "PALISADE_TRUNC_ARGS", (long) EventLayout.TRUNC_ARGS,
                    "PALISADE_TRUNC_PARENT_EXE", (long) EventLayout.TRUNC_PARENT_EXE), enumOf(btf, "palisade_truncation"));

            // the version the object carries in .rodata (what Monitor checks at load) is the same number
            int rodataVersion = monitor.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst().orElseThrow()
                    .initialValue().get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
            assertEquals(EventLayout.ABI_VERSION, rodataVersion);
        }
    }

    @Test
    void selftestConfigMatchesItsObject() {
        try (BpfObject selftest = BpfObject.open(BpfObjectResource.RING_SELFTEST)) {
            Btf.Struct c = selftest.btf().struct("palisade_selftest_config").orElseThrow();
            assertEquals(c.size(), RingSelftest.CONFIG.byteSize());
            assertEquals(describe(c.fields()), describe(flatten(RingSelftest.CONFIG)));
        }
    }

    @Test
    void flatteningSeesNestedHeaderFields() {
        List<Btf.Field> exec = flatten(EventLayout.EXEC);
        assertTrue(exec.stream().anyMatch(f -> f.path().equals("hdr.cgroup_id") && f.offset() == 16 && f.size() == 8), exec.toString());
    }

    private static Map<String, Long> enumOf(Btf btf, String name) {
        return btf.enumValues(name).orElseThrow(() -> new AssertionError("enum " + name + " not in the object's BTF"));
    }

    private static List<String> describe(List<Btf.Field> fields) {
        return fields.stream().map(f -> f.path() + "@" + f.offset() + ":" + f.size()).toList();
    }

    /** Leaf fields of a Java layout in the same form Btf reports: nested structs become dotted paths. */
    static List<Btf.Field> flatten(GroupLayout layout) {
        List<Btf.Field> out = new ArrayList<>();
        flatten(layout, "", 0, out);
        return out;
    }

    private static void flatten(GroupLayout layout, String prefix, long base, List<Btf.Field> out) {
        long offset = base;
        for (MemoryLayout member : layout.memberLayouts()) {
            if (!(member instanceof PaddingLayout)) {
                String name = prefix + member.name().orElseThrow(() -> new AssertionError("unnamed member in " + layout));
                if (member instanceof StructLayout nested) {
                    flatten(nested, name + ".", offset, out);
                } else {
                    out.add(new Btf.Field(name, offset, member.byteSize()));
                }
            }
            offset += member.byteSize();
        }
    }
}
