package dev.palisade.kernel.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.palisade.kernel.ffm.CallState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read access to BTF type information: the structs and enums an object was compiled with (to check the
 * Java side of the event ABI against them) or the running kernel's types (to tell which tracepoints exist).
 */
public final class Btf implements AutoCloseable {
    public static final int KIND_INT = 1;
    public static final int KIND_PTR = 2;
    public static final int KIND_ARRAY = 3;
    public static final int KIND_STRUCT = 4;
    public static final int KIND_UNION = 5;
    public static final int KIND_ENUM = 6;
    public static final int KIND_TYPEDEF = 8;
    public static final int KIND_VOLATILE = 9;
    public static final int KIND_CONST = 10;
    public static final int KIND_RESTRICT = 11;
    public static final int KIND_TYPE_TAG = 18;
    public static final int KIND_ENUM64 = 19;

    private static final int TYPE_HEADER = 12;

    /** A leaf field of a struct, nested structs flattened to dotted paths ("hdr.pid"). */
    public record Field(String path, long offset, long size) {}

    /** A struct: its size and its leaf fields in declaration order. */
    public record Struct(String name, long size, List<Field> fields) {}

    private final MemorySegment btf;
    private final String source;
    private final boolean owned;
    private boolean closed;

    private Btf(MemorySegment btf, String source, boolean owned) {
        this.btf = btf;
        this.source = source;
        this.owned = owned;
    }

    static Btf borrowed(MemorySegment btf, String source) {
        return new Btf(btf, source, false);
    }

    /** The running kernel's BTF (/sys/kernel/btf/vmlinux); close it when done. */
    public static Btf vmlinux() {
        try (LibbpfLog.Capture warnings = LibbpfLog.capture()) {
            MemorySegment b = (MemorySegment) Libbpf.BTF_LOAD_VMLINUX.invokeExact(CallState.segment());
            if (b.address() == 0) throw new BpfException("load kernel BTF (/sys/kernel/btf/vmlinux)", CallState.errno(), warnings.text(), null);
            return new Btf(b, "kernel BTF", true);
        } catch (Throwable t) {
            throw Libbpf.unexpected("btf__load_vmlinux_btf", t);
        }
    }

    /** The type id of a named type of the given kind. */
    public Optional<Integer> find(String name, int kind) {
        try (Arena arena = Arena.ofConfined()) {
            int id = (int) Libbpf.BTF_FIND_BY_NAME_KIND.invokeExact(btf, arena.allocateFrom(name), kind);
            return id > 0 ? Optional.of(id) : Optional.empty();
        } catch (Throwable t) {
            throw Libbpf.unexpected("btf__find_by_name_kind", t);
        }
    }

    /** Names of all types of a kind (anonymous ones left out). */
    public List<String> names(int kind) {
        List<String> names = new ArrayList<>();
        int count = typeCount();
        for (int id = 1; id < count; id++) {
            MemorySegment t = type(id);
            if (kind(t) == kind) {
                String n = name(t.get(JAVA_INT, 0));
                if (!n.isEmpty()) names.add(n);
            }
        }
        return names;
    }

    public Optional<Struct> struct(String name) {
        return find(name, KIND_STRUCT).map(id -> {
            List<Field> fields = new ArrayList<>();
            collect(id, "", 0, fields);
            return new Struct(name, type(id).get(JAVA_INT, 8) & 0xffffffffL, List.copyOf(fields));
        });
    }

    /** Enumerators of a named enum, in declaration order. */
    public Optional<Map<String, Long>> enumValues(String name) {
        Optional<Integer> id = find(name, KIND_ENUM).or(() -> find(name, KIND_ENUM64));
        return id.map(i -> {
            MemorySegment t = type(i);
            int vlen = vlen(t);
            boolean is64 = kind(t) == KIND_ENUM64;
            int entry = is64 ? 12 : 8;
            MemorySegment members = t.reinterpret(TYPE_HEADER + (long) vlen * entry);
            Map<String, Long> values = new LinkedHashMap<>();
            for (int k = 0; k < vlen; k++) {
                long at = TYPE_HEADER + (long) k * entry;
                String n = name(members.get(JAVA_INT, at));
                long v = is64 ? (members.get(JAVA_INT, at + 4) & 0xffffffffL) | ((long) members.get(JAVA_INT, at + 8) << 32)
                        : members.get(JAVA_INT, at + 4);
                values.put(n, v);
            }
            return values;
        });
    }

    private void collect(int structId, String prefix, long base, List<Field> out) {
        MemorySegment t = type(structId);
        int vlen = vlen(t);
        boolean kindFlag = (t.get(JAVA_INT, 4) >>> 31) != 0;
        MemorySegment members = t.reinterpret(TYPE_HEADER + (long) vlen * 12);
        for (int k = 0; k < vlen; k++) {
            long at = TYPE_HEADER + (long) k * 12;
            String n = name(members.get(JAVA_INT, at));
            int typeId = members.get(JAVA_INT, at + 4);
            int bits = members.get(JAVA_INT, at + 8);
            long bitOffset = kindFlag ? bits & 0xffffff : bits & 0xffffffffL;
            long offset = base + bitOffset / 8;
            int resolved = skipModifiers(typeId);
            int kind = kind(type(resolved));
            String path = n.isEmpty() ? prefix : prefix + n;
            if (kind == KIND_STRUCT || kind == KIND_UNION) {
                collect(resolved, n.isEmpty() ? prefix : path + ".", offset, out);
            } else {
                out.add(new Field(path, offset, resolveSize(typeId)));
            }
        }
    }

    private int skipModifiers(int id) {
        int current = id;
        for (int guard = 0; guard < 32; guard++) {
            MemorySegment t = type(current);
            int k = kind(t);
            if (k != KIND_TYPEDEF && k != KIND_VOLATILE && k != KIND_CONST && k != KIND_RESTRICT && k != KIND_TYPE_TAG) return current;
            current = t.get(JAVA_INT, 8);
        }
        return current;
    }

    private long resolveSize(int id) {
        try {
            long size = (long) Libbpf.BTF_RESOLVE_SIZE.invokeExact(btf, id);
            if (size < 0) throw new BpfException("size of BTF type " + id + " in " + source, (int) size);
            return size;
        } catch (Throwable t) {
            throw Libbpf.unexpected("btf__resolve_size", t);
        }
    }

    private int typeCount() {
        try {
            return (int) Libbpf.BTF_TYPE_CNT.invokeExact(btf);
        } catch (Throwable t) {
            throw Libbpf.unexpected("btf__type_cnt", t);
        }
    }

    private MemorySegment type(int id) {
        try {
            MemorySegment t = (MemorySegment) Libbpf.BTF_TYPE_BY_ID.invokeExact(btf, id);
            if (t.address() == 0) throw new IllegalArgumentException("no BTF type " + id + " in " + source);
            return t.reinterpret(TYPE_HEADER);
        } catch (Throwable t) {
            throw Libbpf.unexpected("btf__type_by_id", t);
        }
    }

    private static int kind(MemorySegment type) {
        return (type.get(JAVA_INT, 4) >>> 24) & 0x1f;
    }

    private static int vlen(MemorySegment type) {
        return type.get(JAVA_INT, 4) & 0xffff;
    }

    private String name(int offset) {
        try {
            String n = Libbpf.string((MemorySegment) Libbpf.BTF_NAME_BY_OFFSET.invokeExact(btf, offset));
            return n == null ? "" : n;
        } catch (Throwable t) {
            throw Libbpf.unexpected("btf__name_by_offset", t);
        }
    }

    @Override
    public void close() {
        if (closed || !owned) return;
        closed = true;
        try {
            Libbpf.BTF_FREE.invokeExact(btf);
        } catch (Throwable t) {
            throw Libbpf.unexpected("btf__free", t);
        }
    }
}
