package dev.palisade.kernel.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fanotify reader's /proc reads against what the JDK and the files themselves say (no root needed). */
@Timeout(30)
class ProcFilesTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void anOpenDescriptorIsNamedByItsPathAndAClosedOneByNothing(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a file with spaces and é"), "x").toRealPath();
        try (ProcFiles proc = new ProcFiles(); Arena arena = Arena.ofConfined()) {
            int fd = Libc.open(arena.allocateFrom(file.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC);
            assertTrue(fd >= 0, "open: errno " + -fd);
            try {
                assertEquals(file.toString(), proc.fdPath(fd));
                // one descriptor after another: the held /proc/self/fd names each, not the first one it saw
                Path other = Files.writeString(dir.resolve("other"), "y").toRealPath();
                int fd2 = Libc.open(arena.allocateFrom(other.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC);
                try {
                    assertEquals(other.toString(), proc.fdPath(fd2));
                    assertEquals(file.toString(), proc.fdPath(fd));
                } finally {
                    Libc.close(fd2);
                }
            } finally {
                Libc.close(fd);
            }
            assertEquals("", proc.fdPath(fd));
        }
    }

    @Test
    void aTaskReadsAsTheJdkSeesIt() throws Exception {
        try (ProcFiles proc = new ProcFiles()) {
            assertEquals(Path.of("/proc/self/exe").toRealPath().toString(), proc.exe(SELF));
            ProcFiles.Stat stat = proc.stat(SELF);
            assertNotNull(stat);
            assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), stat.ppid());
            assertEquals(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue(), proc.uid(SELF));
            String cgroupLine = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                    .filter(l -> l.startsWith("0::")).findFirst().orElse(null);
            assertEquals(cgroupLine == null ? null : cgroupLine.substring(3), proc.cgroupPath(SELF));
            assertEquals(Path.of("").toAbsolutePath().toString(), proc.cwd(SELF));
        }
    }

    @Test
    void aTaskThatIsGoneReadsAsNothing() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        int pid = (int) p.pid();
        try (ProcFiles proc = new ProcFiles()) {
            assertEquals("", proc.exe(pid));
            assertNull(proc.stat(pid));
            assertNull(proc.cgroupPath(pid));
            assertEquals(-1, proc.uid(pid));
            assertFalse(proc.syscall(pid, new long[7]));
        }
    }

    @Test
    void aBlockedTaskShowsItsSystemCallAndItsArgumentsCanBeReadFromItsMemory() throws Exception {
        // sleep blocks in clock_nanosleep (230 on x86-64; nanosleep 35 on older C libraries): its second argument is
        // a pointer to the requested time, which is readable in its memory
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = (int) sleeper.pid();
            long[] call = new long[7];
            try (ProcFiles proc = new ProcFiles()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!(proc.syscall(pid, call) && (call[0] == 230 || call[0] == 35)) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(call[0] == 230 || call[0] == 35, "sleep not seen blocked in a sleep call: " + call[0]);
                long timespec = call[0] == 230 ? call[3] : call[1];
                // tv_sec = 30 as 8 little-endian bytes: the first byte is 30, then NULs, so the "string" there is "\u001e"
                assertEquals("\u001e", proc.memoryString(pid, timespec));
            }
        } finally {
            sleeper.destroy();
            sleeper.waitFor();
        }
    }

    @Test
    void closedReaderReleasesItsDescriptor() throws Exception {
        long before = openDescriptors();
        for (int i = 0; i < 50; i++) new ProcFiles().close();
        assertEquals(before, openDescriptors());
    }

    private static long openDescriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
