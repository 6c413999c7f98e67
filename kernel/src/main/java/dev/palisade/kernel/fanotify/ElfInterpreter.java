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
 * busy reader thread could never answer.
 */
final class ElfInterpreter {
    private static final int PT_INTERP = 3;

    private ElfInterpreter() {}

    /** The interpreter path (little-endian 64-bit ELF), or null for static binaries, scripts and anything unreadable. */
    static String of(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(64);
            if (Libc.pread(fd, h, 0) < 64) return null;
            if (h.get(JAVA_INT_UNALIGNED, 0) != 0x464c457f || h.get(JAVA_BYTE, 4) != 2 || h.get(JAVA_BYTE, 5) != 1) return null;
            long phoff = h.get(JAVA_LONG_UNALIGNED, 32);
            int phentsize = h.get(JAVA_SHORT_UNALIGNED, 54) & 0xffff;
            int phnum = h.get(JAVA_SHORT_UNALIGNED, 56) & 0xffff;
            if (phentsize < 56 || phnum == 0 || phnum > 256) return null;
            MemorySegment ph = arena.allocate((long) phentsize * phnum);
            if (Libc.pread(fd, ph, phoff) < ph.byteSize()) return null;
            for (int i = 0; i < phnum; i++) {
                long base = (long) i * phentsize;
                if (ph.get(JAVA_INT_UNALIGNED, base) != PT_INTERP) continue;
                long offset = ph.get(JAVA_LONG_UNALIGNED, base + 8);
                long size = ph.get(JAVA_LONG_UNALIGNED, base + 32);
                if (size <= 1 || size > 4096) return null;
                MemorySegment name = arena.allocate(size);
                if (Libc.pread(fd, name, offset) < size) return null;
                return new String(name.toArray(JAVA_BYTE), 0, (int) size - 1, StandardCharsets.UTF_8);
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
