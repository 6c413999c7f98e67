package dev.palisade.kernel.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringTableTest {

    private static MemorySegment cString(Arena arena, String s, int size) {
        MemorySegment m = arena.allocate(size);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return m;
    }

    @Test
    void sameBytesGiveTheSameStringWithoutAllocating() {
        try (Arena arena = Arena.ofConfined()) {
            StringTable table = new StringTable(64, 256);
            String first = table.read(cString(arena, "/etc/nginx/nginx.conf", 256), 0, 256);
            String again = table.read(cString(arena, "/etc/nginx/nginx.conf", 256), 0, 256);
            assertEquals("/etc/nginx/nginx.conf", first);
            assertSame(first, again);
            assertEquals(1, table.hits());
            assertEquals(1, table.misses());
        }
    }

    @Test
    void readsStopAtTheNulOrTheLimitAndKeepUtf8() {
        try (Arena arena = Arena.ofConfined()) {
            StringTable table = new StringTable(64, 256);
            assertEquals("/etc", table.read(cString(arena, "/etc/passwd", 256), 0, 4));
            assertEquals("/etc/passwd", table.read(cString(arena, "/etc/passwd", 256), 0, 256));
            assertEquals("/tmp/é", table.read(cString(arena, "/tmp/é", 256), 0, 256));
            assertEquals("", table.read(cString(arena, "", 16), 0, 16));
        }
    }

    @Test
    void collidingSlotsNeverReturnAnotherString() {
        try (Arena arena = Arena.ofConfined()) {
            StringTable table = new StringTable(2, 256); // two slots: most reads collide
            for (int i = 0; i < 1000; i++) {
                String path = "/proc/" + (i % 7) + "/status";
                assertEquals(path, table.read(cString(arena, path, 64), 0, 64));
            }
        }
    }

    @Test
    void longerThanTheScratchBufferIsStillReadWhole() {
        try (Arena arena = Arena.ofConfined()) {
            StringTable table = new StringTable(8, 16);
            String longPath = "/var/lib/a/very/long/path/name";
            String a = table.read(cString(arena, longPath, 64), 0, 64);
            String b = table.read(cString(arena, longPath, 64), 0, 64);
            assertEquals(longPath, a);
            assertNotSame(a, b); // not cached, but correct
        }
    }
}
