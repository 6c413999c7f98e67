package dev.palisade.kernel.fanotify;

import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * What one container's exec permission events already showed, by file identity, so a repeated exec is decided from
 * a statx of the event's file instead of reading its path (the dearest part of a decision) and its ELF header:
 * <ul>
 *   <li>programs the rules allowed without an alert, with what their header named to come next (the ELF loader,
 *       {@link ElfInterpreter#SCRIPT}, or nothing). The caller remembers only files with one name in the container,
 *       so the path the rules were asked about is the file's only one;</li>
 *   <li>files accepted as the ELF loader a program named: the loader of the next exec naming the same loader is
 *       known by its identity.</li>
 * </ul>
 * A file's identity is its device, inode, mount and change time: a file replaced, renamed or re-linked has a new
 * change time, so it is asked about again. Everything is forgotten when the container's rules change (the rules'
 * generation is kept with the entries). Open addressing over primitive arrays: a lookup allocates nothing. Confined
 * to the fanotify reader thread.
 */
final class KnownExecs {
    private static final int FIRST_CAPACITY = 16, MAX_CAPACITY = 1024, KEY_LONGS = 4;
    private static final byte EMPTY = 0, PROGRAM = 1, LOADER = 2;

    private long generation = Long.MIN_VALUE;
    private long[] keys = new long[FIRST_CAPACITY * KEY_LONGS];
    private byte[] kinds = new byte[FIRST_CAPACITY];
    private String[] next = new String[FIRST_CAPACITY];
    private int size;

    /** The entry of an allowed program whose event's statx this is, under this rule generation; -1 when unknown. */
    int program(MemorySegment statx, long ruleGeneration) {
        return find(statx, PROGRAM, ruleGeneration);
    }

    /** What the program of entry {@link #program} found comes next: its loader, {@link ElfInterpreter#SCRIPT} or null. */
    String comesNext(int entry) {
        return next[entry];
    }

    /** Whether the event's file was accepted before as the loader {@code interpreter} names, under this generation. */
    boolean loader(MemorySegment statx, String interpreter, long ruleGeneration) {
        int i = find(statx, LOADER, ruleGeneration);
        return i >= 0 && next[i].equals(interpreter);
    }

    /** Remembers a program allowed without an alert, and what its header said comes next. */
    void rememberProgram(MemorySegment statx, String comesNext, long ruleGeneration) {
        put(statx, PROGRAM, comesNext, ruleGeneration);
    }

    /** Remembers a file accepted as the loader {@code interpreter} names. */
    void rememberLoader(MemorySegment statx, String interpreter, long ruleGeneration) {
        put(statx, LOADER, interpreter, ruleGeneration);
    }

    int size() {
        return size;
    }

    private int find(MemorySegment statx, byte kind, long ruleGeneration) {
        if (ruleGeneration != generation || size == 0) return -1;
        int mask = kinds.length - 1;
        for (int i = slot(Libc.statxInode(statx), Libc.statxDevice(statx), kind) & mask; kinds[i] != EMPTY; i = (i + 1) & mask) {
            if (kinds[i] == kind && sameKey(i, statx)) return i;
        }
        return -1;
    }

    private void put(MemorySegment statx, byte kind, String value, long ruleGeneration) {
        if (ruleGeneration != generation) {
            clear();
            generation = ruleGeneration;
        }
        int existing = find(statx, kind, ruleGeneration);
        if (existing >= 0) {
            next[existing] = value;
            return;
        }
        if ((size + 1) * 4 > kinds.length * 3) {
            if (kinds.length >= MAX_CAPACITY) clear(); // a container running that many different programs starts over
            else grow();
        }
        int i = free(Libc.statxInode(statx), Libc.statxDevice(statx), kind);
        kinds[i] = kind;
        next[i] = value;
        int k = i * KEY_LONGS;
        keys[k] = Libc.statxDevice(statx);
        keys[k + 1] = Libc.statxInode(statx);
        keys[k + 2] = Libc.statxMountId(statx);
        keys[k + 3] = Libc.statxChangeNanos(statx);
        size++;
    }

    /** The first empty slot on the probe sequence of a key. */
    private int free(long inode, long device, byte kind) {
        int mask = kinds.length - 1;
        int i = slot(inode, device, kind) & mask;
        while (kinds[i] != EMPTY) i = (i + 1) & mask;
        return i;
    }

    private void grow() {
        long[] oldKeys = keys;
        byte[] oldKinds = kinds;
        String[] oldNext = next;
        int capacity = oldKinds.length * 2;
        keys = new long[capacity * KEY_LONGS];
        kinds = new byte[capacity];
        next = new String[capacity];
        for (int o = 0; o < oldKinds.length; o++) {
            if (oldKinds[o] == EMPTY) continue;
            int i = free(oldKeys[o * KEY_LONGS + 1], oldKeys[o * KEY_LONGS], oldKinds[o]);
            kinds[i] = oldKinds[o];
            next[i] = oldNext[o];
            System.arraycopy(oldKeys, o * KEY_LONGS, keys, i * KEY_LONGS, KEY_LONGS);
        }
    }

    private void clear() {
        Arrays.fill(kinds, EMPTY);
        Arrays.fill(next, null);
        size = 0;
    }

    private boolean sameKey(int i, MemorySegment statx) {
        int k = i * KEY_LONGS;
        return keys[k + 1] == Libc.statxInode(statx) && keys[k] == Libc.statxDevice(statx)
                && keys[k + 2] == Libc.statxMountId(statx) && keys[k + 3] == Libc.statxChangeNanos(statx);
    }

    private static int slot(long inode, long device, byte kind) {
        long h = (inode * 0x9E3779B97F4A7C15L) ^ (device * 0xC2B2AE3D27D4EB4FL) ^ kind;
        return (int) (h ^ (h >>> 29));
    }
}
