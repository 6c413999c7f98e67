package dev.palisade.kernel.bpf;

import dev.palisade.kernel.ffm.Errno;
import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A map made from user space (bpf_map_create), not declared in an object: the inner maps of a map-of-maps, built and
 * filled aside, then put into the outer map by fd in one update. Closing it drops this process's reference; the
 * kernel frees the map once no outer map holds it either.
 */
public final class CreatedBpfMap implements AutoCloseable {
    private final String name;
    private final int keySize;
    private final int valueSize;
    private int fd;

    private CreatedBpfMap(String name, int fd, int keySize, int valueSize) {
        this.name = name;
        this.fd = fd;
        this.keySize = keySize;
        this.valueSize = valueSize;
    }

    /** @param name up to 15 characters (the kernel's limit); shown by bpftool */
    public static CreatedBpfMap create(BpfMapType type, String name, int keySize, int valueSize, int maxEntries) {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            String shortName = name.length() > 15 ? name.substring(0, 15) : name;
            fd = (int) Libbpf.MAP_CREATE.invokeExact(type.code(), arena.allocateFrom(shortName), keySize, valueSize,
                    maxEntries, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map_create", t);
        }
        if (fd < 0) throw new BpfException("create map " + name + " (" + type + ", " + maxEntries + " entries)", fd);
        return new CreatedBpfMap(name, fd, keySize, valueSize);
    }

    public int fd() {
        if (fd < 0) throw new IllegalStateException("map " + name + " is closed");
        return fd;
    }

    /** Inserts or replaces (flags as {@link BpfMap#ANY} etc.). */
    public void update(MemorySegment key, MemorySegment value, long flags) {
        if (key.byteSize() < keySize || value.byteSize() < valueSize) {
            throw new IllegalArgumentException("map " + name + ": key or value shorter than " + keySize + "/" + valueSize);
        }
        int rc;
        try {
            rc = (int) Libbpf.MAP_UPDATE_ELEM.invokeExact(fd(), key, value, flags);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_map_update_elem", t);
        }
        if (rc != 0) throw new BpfException("update map " + name, rc);
    }

    /** Copies the value of key into value; false when absent. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
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

    @Override
    public void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }
}
