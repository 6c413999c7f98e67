package dev.palisade.kernel.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.palisade.kernel.ffm.CallState;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcall handles into libbpf.so.1 (bound by hand: no jextract). libbpf 1.x returns -errno from int
 * functions and NULL plus errno from pointer functions; the latter are linked with {@link CallState#OPTION}.
 * Loading this class also routes libbpf's log output to SLF4J ({@link LibbpfLog}).
 */
final class Libbpf {
    static final String LIBRARY = "libbpf.so.1";

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = lookup();

    // objects
    static final MethodHandle OBJECT_OPEN_MEM = capturing("bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    static final MethodHandle OBJECT_LOAD = plain("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle OBJECT_CLOSE = plain("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle OBJECT_NEXT_PROGRAM = plain("bpf_object__next_program", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle OBJECT_NEXT_MAP = plain("bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle OBJECT_BTF = plain("bpf_object__btf", FunctionDescriptor.of(ADDRESS, ADDRESS));
    // programs
    static final MethodHandle PROGRAM_NAME = plain("bpf_program__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle PROGRAM_SECTION = plain("bpf_program__section_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle PROGRAM_SET_AUTOLOAD = plain("bpf_program__set_autoload", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
    static final MethodHandle PROGRAM_AUTOLOAD = plain("bpf_program__autoload", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
    static final MethodHandle PROGRAM_FD = plain("bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle PROGRAM_TYPE = plain("bpf_program__type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle PROGRAM_ATTACH = capturing("bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS));
    // links
    static final MethodHandle LINK_DESTROY = plain("bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle LINK_FD = plain("bpf_link__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // maps (object side)
    static final MethodHandle MAP_NAME = plain("bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle MAP_FD = plain("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_TYPE = plain("bpf_map__type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_KEY_SIZE = plain("bpf_map__key_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_VALUE_SIZE = plain("bpf_map__value_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_MAX_ENTRIES = plain("bpf_map__max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_SET_MAX_ENTRIES = plain("bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle MAP_INITIAL_VALUE = plain("bpf_map__initial_value", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    // maps (fd side, bpf(2) wrappers)
    static final MethodHandle MAP_LOOKUP_ELEM = plain("bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle MAP_UPDATE_ELEM = plain("bpf_map_update_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    static final MethodHandle MAP_DELETE_ELEM = plain("bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle MAP_GET_NEXT_KEY = plain("bpf_map_get_next_key", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle OBJ_PIN = plain("bpf_obj_pin", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle MAP_CREATE = plain("bpf_map_create",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle PROG_TEST_RUN_OPTS = plain("bpf_prog_test_run_opts", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    // BTF
    static final MethodHandle BTF_TYPE_CNT = plain("btf__type_cnt", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle BTF_TYPE_BY_ID = plain("btf__type_by_id", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle BTF_NAME_BY_OFFSET = plain("btf__name_by_offset", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle BTF_FIND_BY_NAME_KIND = plain("btf__find_by_name_kind", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle BTF_RESOLVE_SIZE = plain("btf__resolve_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
    static final MethodHandle BTF_LOAD_VMLINUX = capturing("btf__load_vmlinux_btf", FunctionDescriptor.of(ADDRESS));
    static final MethodHandle BTF_FREE = plain("btf__free", FunctionDescriptor.ofVoid(ADDRESS));
    // library
    static final MethodHandle MAJOR_VERSION = plain("libbpf_major_version", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle MINOR_VERSION = plain("libbpf_minor_version", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle STRERROR = plain("libbpf_strerror", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle NUM_POSSIBLE_CPUS = plain("libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle PROBE_MAP_TYPE = plain("libbpf_probe_bpf_map_type", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle PROBE_PROG_TYPE = plain("libbpf_probe_bpf_prog_type", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle SET_PRINT = plain("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));

    static {
        LibbpfLog.install(SET_PRINT);
    }

    private Libbpf() {}

    private static SymbolLookup lookup() {
        try {
            return SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new UnsatisfiedLinkError("cannot load " + LIBRARY + " (install the Debian package libbpf1): " + e.getMessage());
        }
    }

    private static MemorySegment symbol(String name) {
        return LIB.find(name).orElseThrow(() -> new UnsatisfiedLinkError(LIBRARY + " has no symbol " + name
                + " (Palisade needs libbpf 1.1 or later)"));
    }

    private static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd);
    }

    private static MethodHandle capturing(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd, CallState.OPTION);
    }

    /** A C string returned by libbpf (owned by libbpf), or null. */
    static String string(MemorySegment cString) {
        return cString.address() == 0 ? null : cString.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    static RuntimeException unexpected(String call, Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(call + " failed unexpectedly", t);
    }
}
