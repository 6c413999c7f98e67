package dev.palisade.kernel.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.palisade.bpf.BpfObjectResource;
import dev.palisade.kernel.ffm.CallState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One BPF object file opened through libbpf: its programs and maps, loading, and the links of attached
 * programs. Lifecycle: {@link #open} (choose programs with {@link BpfProgram#setAutoload}, size maps),
 * {@link #load}, attach, {@link #close} (detaches every link, unloads, frees native memory). LSM
 * objects load the same way as tracepoint objects: libbpf picks the attach kind from the section name.
 *
 * <p>Not thread-safe for structure changes (open/load/attach/close happen on one thread); map operations
 * through {@link BpfMap} may run from any thread while the object is open.
 */
public final class BpfObject implements AutoCloseable {
    /** Program load failures are diagnosed from the kernel verifier log kept here (its tail, on 6.4+). */
    private static final long VERIFIER_LOG_SIZE = 1 << 20;

    /** struct bpf_object_open_opts of libbpf 1.1 (newer libbpf accepts the smaller size). */
    private static final StructLayout OPEN_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            ADDRESS.withName("object_name"),
            JAVA_BOOLEAN.withName("relaxed_maps"),
            MemoryLayout.paddingLayout(7),
            ADDRESS.withName("pin_root_path"),
            JAVA_INT.withName("unused_attach_prog_fd"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("kconfig"),
            ADDRESS.withName("btf_custom_path"),
            ADDRESS.withName("kernel_log_buf"),
            JAVA_LONG.withName("kernel_log_size"),
            JAVA_INT.withName("kernel_log_level"),
            MemoryLayout.paddingLayout(4));

    private final String name;
    private final Arena arena;
    private final MemorySegment handle;
    private final MemorySegment verifierLog;
    private final List<BpfProgram> programs;
    private final Map<String, BpfMap> maps;
    private final List<BpfLink> links = new ArrayList<>();
    private boolean loaded;
    private boolean closed;

    private BpfObject(String name, Arena arena, MemorySegment handle, MemorySegment verifierLog) {
        this.name = name;
        this.arena = arena;
        this.handle = handle;
        this.verifierLog = verifierLog;
        this.programs = Collections.unmodifiableList(listPrograms());
        this.maps = Collections.unmodifiableMap(listMaps());
    }

    /** Opens one of the objects of the palisade-bpf jar. */
    public static BpfObject open(BpfObjectResource resource) {
        return open(resource.fileName().replace(".bpf.o", ""), resource.bytes());
    }

    public static BpfObject open(Path file) {
        try {
            String fileName = file.getFileName().toString();
            return open(fileName.replace(".bpf.o", "").replace(".o", ""), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object " + file, e);
        }
    }

    /** Opens an object from its ELF bytes (bpf_object__open_mem); nothing reaches the kernel yet. */
    public static BpfObject open(String name, byte[] elf) {
        Arena arena = Arena.ofShared();
        try {
            // libbpf keeps pointing into the ELF image until the object is closed: it lives in our arena
            MemorySegment image = arena.allocate(elf.length, 8);
            MemorySegment.copy(elf, 0, image, ValueLayout.JAVA_BYTE, 0, elf.length);
            MemorySegment log = arena.allocate(VERIFIER_LOG_SIZE);
            MemorySegment opts = arena.allocate(OPEN_OPTS);
            opts.set(JAVA_LONG, OPEN_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("sz")), OPEN_OPTS.byteSize());
            opts.set(ADDRESS, OPEN_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("object_name")), arena.allocateFrom(name));
            opts.set(ADDRESS, OPEN_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("kernel_log_buf")), log);
            opts.set(JAVA_LONG, OPEN_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("kernel_log_size")), log.byteSize());
            MemorySegment handle;
            try (LibbpfLog.Capture warnings = LibbpfLog.capture()) {
                handle = (MemorySegment) Libbpf.OBJECT_OPEN_MEM.invokeExact(CallState.segment(), image, image.byteSize(), opts);
                if (handle.address() == 0) {
                    throw new BpfException("open BPF object '" + name + "'", CallState.errno(), warnings.text(), null);
                }
            }
            return new BpfObject(name, arena, handle, log);
        } catch (Throwable t) {
            arena.close();
            throw Libbpf.unexpected("bpf_object__open_mem", t);
        }
    }

    public String name() {
        return name;
    }

    public List<BpfProgram> programs() {
        return programs;
    }

    public BpfProgram program(String programName) {
        return findProgram(programName).orElseThrow(() -> new IllegalArgumentException(
                "BPF object '" + name + "' has no program '" + programName + "' (it has " + programs.stream().map(BpfProgram::name).toList() + ")"));
    }

    public Optional<BpfProgram> findProgram(String programName) {
        return programs.stream().filter(p -> p.name().equals(programName)).findFirst();
    }

    public List<BpfMap> maps() {
        return List.copyOf(maps.values());
    }

    public BpfMap map(String mapName) {
        BpfMap m = maps.get(mapName);
        if (m == null) {
            throw new IllegalArgumentException("BPF object '" + name + "' has no map '" + mapName + "' (it has " + maps.keySet() + ")");
        }
        return m;
    }

    /**
     * Loads the programs whose autoload is set, and creates the maps (bpf_object__load). On failure the
     * exception carries libbpf's warnings and the tail of the verifier log.
     */
    public synchronized void load() {
        ensureOpen();
        if (loaded) throw new IllegalStateException("BPF object '" + name + "' is already loaded");
        verifierLog.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
        try (LibbpfLog.Capture warnings = LibbpfLog.capture()) {
            int rc = (int) Libbpf.OBJECT_LOAD.invokeExact(handle);
            if (rc != 0) {
                String log = verifierLog.getString(0);
                throw new BpfException("load BPF object '" + name + "'", rc, warnings.text(), log);
            }
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_object__load", t);
        }
        loaded = true;
    }

    public synchronized boolean isLoaded() {
        return loaded;
    }

    /** Attaches every loaded program (by its section's attach kind); the object owns the links. */
    public synchronized List<BpfLink> attachAll() {
        List<BpfLink> attached = new ArrayList<>();
        for (BpfProgram p : programs) {
            if (p.autoload()) attached.add(p.attach());
        }
        return attached;
    }

    /** The links of attached programs that are still attached. */
    public synchronized List<BpfLink> links() {
        return List.copyOf(links);
    }

    /** The object's own BTF (types of its programs and maps), valid while the object is open. */
    public synchronized Btf btf() {
        ensureOpen();
        try {
            MemorySegment btf = (MemorySegment) Libbpf.OBJECT_BTF.invokeExact(handle);
            if (btf.address() == 0) throw new IllegalStateException("BPF object '" + name + "' has no BTF (built without -g?)");
            return Btf.borrowed(btf, "BPF object '" + name + "'");
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_object__btf", t);
        }
    }

    /** Detaches every link, unloads programs, closes maps and frees native memory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (BpfLink link : List.copyOf(links)) link.close();
        try {
            Libbpf.OBJECT_CLOSE.invokeExact(handle);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_object__close", t);
        } finally {
            arena.close();
        }
    }

    synchronized void ensureOpen() {
        if (closed) throw new IllegalStateException("BPF object '" + name + "' is closed");
    }

    synchronized void ensureLoaded(String what) {
        ensureOpen();
        if (!loaded) throw new IllegalStateException(what + ": BPF object '" + name + "' is not loaded yet");
    }

    synchronized void linked(BpfLink link) {
        links.add(link);
    }

    synchronized void unlinked(BpfLink link) {
        links.remove(link);
    }

    Arena arena() {
        return arena;
    }

    private List<BpfProgram> listPrograms() {
        List<BpfProgram> result = new ArrayList<>();
        try {
            MemorySegment p = (MemorySegment) Libbpf.OBJECT_NEXT_PROGRAM.invokeExact(handle, MemorySegment.NULL);
            while (p.address() != 0) {
                result.add(new BpfProgram(this, p));
                p = (MemorySegment) Libbpf.OBJECT_NEXT_PROGRAM.invokeExact(handle, p);
            }
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_object__next_program", t);
        }
        return result;
    }

    private Map<String, BpfMap> listMaps() {
        Map<String, BpfMap> result = new LinkedHashMap<>();
        try {
            MemorySegment m = (MemorySegment) Libbpf.OBJECT_NEXT_MAP.invokeExact(handle, MemorySegment.NULL);
            while (m.address() != 0) {
                BpfMap map = new BpfMap(this, m);
                result.put(map.name(), map);
                m = (MemorySegment) Libbpf.OBJECT_NEXT_MAP.invokeExact(handle, m);
            }
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_object__next_map", t);
        }
        return result;
    }

    @Override
    public String toString() {
        return "BpfObject[" + name + (loaded ? ", loaded" : "") + (closed ? ", closed" : "") + "]";
    }
}
