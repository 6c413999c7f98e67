package dev.palisade.kernel.fanotify;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The program interpreter (PT_INTERP, e.g. {@code /lib64/ld-linux-x86-64.so.2}) an ELF executable names: the file
 * the kernel opens for execution right after the binary itself. It is part of that exec, not an exec of its own.
 * Read through the permission event's own fd (pread): opening the file again would raise a permission event the
 * busy reader thread could never answer. Linkers put the header, the program headers and the interpreter's name in
 * the first page, so one read of it is the common case; anything past it is read separately.
 */
final class ElfInterpreter {
    /** The scratch buffer callers keep: one page. */
    static final int SCRATCH_SIZE = 4096;
    private static final int PT_INTERP = 3;
    /** What {@link #of} says of a script ("#!"): the next exec-open of the task is its interpreter, an exec of its own. */
    static final String SCRIPT = "#!";

    private ElfInterpreter() {}

    /**
     * The interpreter path (little-endian 64-bit ELF), {@link #SCRIPT} for a script, or null for static binaries and
     * anything unreadable.
     *
     * @param scratch {@link #SCRATCH_SIZE} bytes the caller reuses
     */
    static String of(int fd, MemorySegment scratch) {
        try {
            long got = Libc.pread(fd, scratch, 0);
            if (got >= 2 && scratch.get(JAVA_BYTE, 0) == '#' && scratch.get(JAVA_BYTE, 1) == '!') return SCRIPT;
            if (got < 64) return null;
            if (scratch.get(JAVA_INT_UNALIGNED, 0) != 0x464c457f || scratch.get(JAVA_BYTE, 4) != 2
                    || scratch.get(JAVA_BYTE, 5) != 1) return null;
            long phoff = scratch.get(JAVA_LONG_UNALIGNED, 32);
            int phentsize = scratch.get(JAVA_SHORT_UNALIGNED, 54) & 0xffff;
            int phnum = scratch.get(JAVA_SHORT_UNALIGNED, 56) & 0xffff;
            if (phentsize < 56 || phnum == 0 || phnum > 256 || phoff < 0) return null;
            for (int i = 0; i < phnum; i++) {
                long base = phoff + (long) i * phentsize;
                MemorySegment ph = slice(fd, scratch, got, base, 56);
                if (ph == null) return null;
                if (ph.get(JAVA_INT_UNALIGNED, 0) != PT_INTERP) continue;
                long offset = ph.get(JAVA_LONG_UNALIGNED, 8);
                long size = ph.get(JAVA_LONG_UNALIGNED, 32);
                if (size <= 1 || size > 4096 || offset < 0) return null;
                MemorySegment name = slice(fd, scratch, got, offset, size);
                if (name == null) return null;
                return new String(name.asSlice(0, size - 1).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code length} bytes at {@code offset}: from the page already read when they are in it, else read now. */
    private static MemorySegment slice(int fd, MemorySegment page, long got, long offset, long length) {
        if (offset + length <= got) return page.asSlice(offset, length);
        MemorySegment more = Arena.ofAuto().allocate(length);
        return Libc.pread(fd, more, offset) < length ? null : more;
    }
}
