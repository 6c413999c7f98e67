package dev.palisade.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Just enough of a 64-bit little-endian ELF reader for the fixtures: whether a program is statically linked
 * (no PT_INTERP) and the strings of a kernel module's .modinfo section (its "depends=" list).
 */
public final class ElfFile {
    private static final int PT_INTERP = 3;

    private final Path path;
    private final ByteBuffer buf;

    private ElfFile(Path path, byte[] bytes) {
        this.path = path;
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            throw new IllegalArgumentException(path + " is not an ELF file");
        }
        if (bytes[4] != 2 || bytes[5] != 1) throw new IllegalArgumentException(path + " is not 64-bit little-endian ELF");
    }

    public static ElfFile read(Path path) throws IOException {
        return new ElfFile(path, Files.readAllBytes(path));
    }

    public static boolean isElf(Path path) {
        try (var in = Files.newInputStream(path)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    /** True when the program names no ELF interpreter, i.e. the kernel runs it without ld.so. */
    public boolean isStaticallyLinked() {
        long phoff = buf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(buf.getShort(0x36));
        int phnum = Short.toUnsignedInt(buf.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            if (buf.getInt((int) (phoff + (long) i * phentsize)) == PT_INTERP) return false;
        }
        return true;
    }

    /** The NUL-separated strings of a section, or empty when the file has no such section. */
    public Optional<List<String>> sectionStrings(String name) {
        long shoff = buf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(buf.getShort(0x3a));
        int shnum = Short.toUnsignedInt(buf.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(buf.getShort(0x3e));
        if (shoff == 0 || shnum == 0) return Optional.empty();
        long namesOffset = buf.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int hdr = (int) (shoff + (long) i * shentsize);
            String sectionName = cString((int) (namesOffset + Integer.toUnsignedLong(buf.getInt(hdr))));
            if (!sectionName.equals(name)) continue;
            int off = (int) buf.getLong(hdr + 0x18);
            int size = (int) buf.getLong(hdr + 0x20);
            List<String> strings = new ArrayList<>();
            int start = off;
            for (int p = off; p < off + size; p++) {
                if (buf.get(p) == 0) {
                    if (p > start) strings.add(new String(bytes(start, p - start), StandardCharsets.UTF_8));
                    start = p + 1;
                }
            }
            return Optional.of(strings);
        }
        return Optional.empty();
    }

    public Path path() {
        return path;
    }

    private String cString(int at) {
        int end = at;
        while (end < buf.limit() && buf.get(end) != 0) end++;
        return new String(bytes(at, end - at), StandardCharsets.UTF_8);
    }

    private byte[] bytes(int at, int len) {
        byte[] b = new byte[len];
        buf.get(at, b);
        return b;
    }
}
