package dev.palisade.kernel.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exec decisions remembered by file identity, against the statx of real files. */
class KnownExecsTest {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment emptyPath = arena.allocate(1);
    @TempDir Path dir;

    @AfterEach
    void close() {
        arena.close();
    }

    /** statx of the file through an open descriptor, as the enforcer statxes an event's file. */
    private MemorySegment statx(Path file) {
        MemorySegment buf = arena.allocate(Libc.STATX_SIZE, 8);
        int fd = Libc.open(arena.allocateFrom(file.toString()), 0);
        assertTrue(fd >= 0, "open " + file);
        try {
            assertEquals(0, Libc.statxFd(fd, emptyPath, buf));
        } finally {
            Libc.close(fd);
        }
        return buf;
    }

    @Test
    void aProgramIsKnownByItsFileUnderTheRulesItWasAllowedBy() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "a"), b = Files.writeString(dir.resolve("b"), "b");
        KnownExecs known = new KnownExecs();
        assertEquals(-1, known.program(statx(a), 1));
        known.rememberProgram(statx(a), "/lib64/ld-linux-x86-64.so.2", 1);
        known.rememberProgram(statx(b), null, 1);
        int entry = known.program(statx(a), 1);
        assertTrue(entry >= 0);
        assertEquals("/lib64/ld-linux-x86-64.so.2", known.comesNext(entry));
        assertNull(known.comesNext(known.program(statx(b), 1)), "a static program names nothing to come next");
        assertEquals(-1, known.program(statx(a), 2), "other rules: nothing is known");
        assertFalse(known.loader(statx(a), "/lib64/ld-linux-x86-64.so.2", 1), "a program is not a loader");
        known.rememberProgram(statx(b), null, 2);
        assertEquals(-1, known.program(statx(a), 1), "remembering under new rules forgot the old ones");
        assertEquals(1, known.size());
    }

    @Test
    void aChangedFileIsAskedAboutAgain() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "a");
        KnownExecs known = new KnownExecs();
        known.rememberProgram(statx(a), null, 7);
        Files.writeString(a, "rewritten");
        assertEquals(-1, known.program(statx(a), 7), "written: a new change time");
        known.rememberProgram(statx(a), null, 7);
        Files.move(a, dir.resolve("renamed"));
        assertEquals(-1, known.program(statx(dir.resolve("renamed")), 7), "renamed: a new change time");
        Path c = Files.writeString(dir.resolve("c"), "c");
        known.rememberProgram(statx(c), null, 7);
        Files.createLink(dir.resolve("c2"), c);
        assertEquals(-1, known.program(statx(c), 7), "linked: a new change time");
        Files.setLastModifiedTime(c, FileTime.fromMillis(0)); // a metadata change: ctime moves, content does not
        assertEquals(-1, known.program(statx(c), 7));
    }

    @Test
    void aLoaderIsKnownForTheInterpreterNameItWasAcceptedFor() throws Exception {
        Path ld = Files.writeString(dir.resolve("ld.so"), "ld");
        KnownExecs known = new KnownExecs();
        known.rememberLoader(statx(ld), "/lib64/ld-linux-x86-64.so.2", 3);
        assertTrue(known.loader(statx(ld), "/lib64/ld-linux-x86-64.so.2", 3));
        assertFalse(known.loader(statx(ld), "/lib/ld-musl-x86_64.so.1", 3), "another loader name");
        assertEquals(-1, known.program(statx(ld), 3), "a loader is not an allowed program");
        assertFalse(known.loader(statx(ld), "/lib64/ld-linux-x86-64.so.2", 4));
    }

    @Test
    void manyProgramsAreAllKnownAndATableFullStartsOver() throws Exception {
        KnownExecs known = new KnownExecs();
        List<MemorySegment> files = new ArrayList<>();
        for (int i = 0; i < 700; i++) files.add(statx(Files.writeString(dir.resolve("p" + i), "p")));
        for (int i = 0; i < files.size(); i++) known.rememberProgram(files.get(i), i % 2 == 0 ? null : "ld" + i, 5);
        assertEquals(700, known.size());
        for (int i = 0; i < files.size(); i++) {
            int entry = known.program(files.get(i), 5);
            assertTrue(entry >= 0, "program " + i);
            assertEquals(i % 2 == 0 ? null : "ld" + i, known.comesNext(entry));
        }
        for (int i = 700; i < 800; i++) known.rememberProgram(statx(Files.writeString(dir.resolve("p" + i), "p")), null, 5);
        assertTrue(known.size() < 700, "bounded: " + known.size());
    }
}
