package dev.palisade.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpfObjectResourceTest {

    /** Every object is a relocatable little-endian 64-bit ELF for the BPF machine, with BTF (built with -g). */
    @Test
    void everyObjectIsABpfElfWithBtf() {
        for (BpfObjectResource r : BpfObjectResource.values()) {
            byte[] elf = r.bytes();
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(elf, 4), r + " is not ELF");
            assertEquals(2, elf[4], r + ": ELFCLASS64");
            assertEquals(1, elf[5], r + ": little endian");
            ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(1, b.getShort(16), r + ": ET_REL");
            assertEquals(247, b.getShort(18), r + ": EM_BPF");
            assertTrue(sectionNames(b).contains(".BTF"), r + " has no .BTF section: " + sectionNames(b));
        }
    }

    private static List<String> sectionNames(ByteBuffer b) {
        int shoff = (int) b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3e));
        int strings = (int) b.getLong(shoff + shstrndx * shentsize + 0x18);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int at = strings + b.getInt(shoff + i * shentsize);
            int end = at;
            while (b.get(end) != 0) end++;
            byte[] name = new byte[end - at];
            b.get(at, name);
            names.add(new String(name, StandardCharsets.ISO_8859_1));
        }
        return names;
    }
}
