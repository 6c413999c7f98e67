package dev.palisade.kernel.bpf;

import dev.palisade.kernel.ffm.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A map of a {@link BpfObject}. Before load: size it ({@link #setMaxEntries}). After load: element
 * operations on its fd with caller-provided key/value segments, checked against the map's key and value
 * sizes (the kernel copies that many bytes: a short segment would be overrun). Per-CPU maps take values of
 * {@link #valueSizeAllCpus()} bytes, one 8-byte aligned slot per possible CPU.
 */
public final class BpfMap {
    /** bpf_map_update_elem flags */
    public static final long ANY = 0;
    public static final long NOEXIST = 1;
    public static final long EXIST = 2;

    private final BpfObject owner;
    private final MemorySegment handle;
    private final String name;

    BpfMap(BpfObject owner, MemorySegment handle) {
        this.owner = owner;
        this.handle = handle;
        try {
            this.name = Libbpf.string((MemorySegment) Libbpf.MAP_NAME.invokeExact(handle));
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map__name", t);
        }
    }

    public String name() {
        return name;
    }

    public BpfObject owner() {
        return owner;
    }

    public BpfMapType type() {
        try {
            return BpfMapType.of((int) Libbpf.MAP_TYPE.invokeExact(handle));
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map__type", t);
        }
    }

    public int keySize() {
        try {
            return (int) Libbpf.MAP_KEY_SIZE.invokeExact(handle);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map__key_size", t);
        }
    }

    public int valueSize() {
        try {
            return (int) Libbpf.MAP_VALUE_SIZE.invokeExact(handle);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map__value_size", t);
        }
    }

    /** Bytes of a value buffer for lookups: valueSize, or for per-CPU maps one 8-aligned slot per possible CPU. */
    public long valueSizeAllCpus() {
        if (!type().perCpu()) return valueSize();
        return ((valueSize() + 7L) & ~7L) * PossibleCpus.count();
    }

    public int maxEntries() {
        try {
            return (int) Libbpf.MAP_MAX_ENTRIES.invokeExact(handle);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map__max_entries", t);
        }
    }

    /** Resizes the map before load (for a ring buffer: its data size, a power of two multiple of the page size). */
    public void setMaxEntries(int maxEntries) {
        owner.ensureOpen();
        if (owner.isLoaded()) throw new IllegalStateException("map " + name + ": max_entries can only change before load");
        int rc;
        try {
            rc = (int) Libbpf.MAP_SET_MAX_ENTRIES.invokeExact(handle, maxEntries);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map__set_max_entries", t);
        }
        if (rc != 0) throw new BpfException("resize map " + name + " to " + maxEntries, rc);
    }

    /** The map's fd (owned by the object: do not close it). */
    public int fd() {
        owner.ensureLoaded("fd of map " + name);
        try {
            int fd = (int) Libbpf.MAP_FD.invokeExact(handle);
            if (fd < 0) throw new BpfException("fd of map " + name, fd);
            return fd;
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map__fd", t);
        }
    }

    /**
     * The initial contents of a global data map (.rodata, .data, .bss) as a segment of libbpf's copy;
     * writes before load become the values the programs see.
     */
    public MemorySegment initialValue() {
        owner.ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(8);
            MemorySegment data = (MemorySegment) Libbpf.MAP_INITIAL_VALUE.invokeExact(handle, size);
            if (data.address() == 0) throw new IllegalStateException("map " + name + " has no initial value (not a global data map)");
            return data.reinterpret(size.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map__initial_value", t);
        }
    }

    /** Copies the value of key into value; false when the key is absent. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        checkKey(key);
        checkValue(value, valueSizeAllCpus());
        int rc;
        try {
            rc = (int) Libbpf.MAP_LOOKUP_ELEM.invokeExact(fd(), key, value);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map_lookup_elem", t);
        }
        if (rc == -Errno.ENOENT) return false;
        if (rc != 0) throw new BpfException("lookup in map " + name, rc);
        return true;
    }

    /** Inserts or replaces (flags {@link #ANY}, {@link #NOEXIST}, {@link #EXIST}). */
    public void update(MemorySegment key, MemorySegment value, long flags) {
        checkKey(key);
        checkValue(value, valueSizeAllCpus());
        int rc;
        try {
            rc = (int) Libbpf.MAP_UPDATE_ELEM.invokeExact(fd(), key, value, flags);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map_update_elem", t);
        }
        if (rc != 0) throw new BpfException("update map " + name, rc);
    }

    /** Removes key; false when it was absent. */
    public boolean delete(MemorySegment key) {
        checkKey(key);
        int rc;
        try {
            rc = (int) Libbpf.MAP_DELETE_ELEM.invokeExact(fd(), key);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map_delete_elem", t);
        }
        if (rc == -Errno.ENOENT) return false;
        if (rc != 0) throw new BpfException("delete from map " + name, rc);
        return true;
    }

    /** The key after {@code key} (the first key when key is null) into next; false at the end. */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        if (key != null) checkKey(key);
        checkKey(next);
        MemorySegment from = key == null ? MemorySegment.NULL : key;
        int rc;
        try {
            rc = (int) Libbpf.MAP_GET_NEXT_KEY.invokeExact(fd(), from, next);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map_get_next_key", t);
        }
        if (rc == -Errno.ENOENT) return false;
        if (rc != 0) throw new BpfException("next key of map " + name, rc);
        return true;
    }

    /** Pins the map in a bpffs so other processes can open it (bpf_obj_get); unlink the path to unpin. */
    public void pin(Path path) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) Libbpf.OBJ_PIN.invokeExact(fd(), arena.allocateFrom(path.toString()));
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_obj_pin", t);
        }
        if (rc != 0) throw new BpfException("pin map " + name + " at " + path, rc);
    }

    private void checkKey(MemorySegment key) {
        if (key.byteSize() < keySize()) {
            throw new IllegalArgumentException("map " + name + ": key of " + key.byteSize() + " bytes, the map's keys have " + keySize());
        }
    }

    private void checkValue(MemorySegment value, long needed) {
        if (value.byteSize() < needed) {
            throw new IllegalArgumentException("map " + name + ": value buffer of " + value.byteSize() + " bytes, needs " + needed);
        }
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + "]";
    }
}
