package dev.palisade.kernel.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.bpf.BpfObjectResource;
import dev.palisade.kernel.TestFilesystems;
import dev.palisade.kernel.ffm.Errno;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libbpf through FFM: open, program selection, load, attach/detach, map operations, error reporting. */
class BpfObjectTest {

    @Test
    void opensWithoutTheKernelAndListsProgramsAndMaps() {
        try (BpfObject o = BpfObject.open(BpfObjectResource.MONITOR)) {
            List<String> programs = o.programs().stream().map(BpfProgram::name).toList();
            assertTrue(programs.containsAll(List.of("palisade_exec", "palisade_exit", "palisade_enter_openat",
                    "palisade_exit_connect", "palisade_capable")), programs.toString());
            assertEquals("tp_btf/sched_process_exec", o.program("palisade_exec").section());
            assertEquals("syscalls/sys_enter_openat", o.program("palisade_enter_openat").sectionTarget());
            assertEquals(BpfMapType.RINGBUF, o.map("events").type());
            assertEquals(BpfMapType.PERCPU_ARRAY, o.map("events_lost").type());
            assertEquals(8, o.map("visibility").keySize());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.map("nope"));
            assertTrue(e.getMessage().contains("events"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> o.map("events").fd(), "no fd before load");
        }
    }

    @Test
    void garbageIsRefusedWithLibbpfsReason() {
        BpfException e = assertThrows(BpfException.class, () -> BpfObject.open("garbage", new byte[] {1, 2, 3, 4}));
        assertTrue(e.getMessage().startsWith("open BPF object 'garbage': "), e.getMessage());
        // libbpf's own words, passed through its print callback (an FFM upcall formatting with vsnprintf)
        assertTrue(e.getMessage().contains("libbpf: elf: 'garbage' is not a proper ELF object"), e.getMessage());
        assertTrue(e.errno() > 0);
    }

    @Requires(Need.BPF)
    @Test
    void mapOperationsRoundTripThroughTheKernel() {
        try (BpfObject o = BpfObject.open(BpfObjectResource.MONITOR)) {
            for (BpfProgram p : o.programs()) p.setAutoload(false);   // maps only: nothing attaches
            o.load();
            BpfMap visibility = o.map("visibility");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment key = arena.allocateFrom(JAVA_LONG, 4242L);
                MemorySegment value = arena.allocate(JAVA_INT);
                assertFalse(visibility.lookup(key, value));
                visibility.update(key, arena.allocateFrom(JAVA_INT, 5), BpfMap.ANY);
                assertTrue(visibility.lookup(key, value));
                assertEquals(5, value.get(JAVA_INT, 0));
                BpfException exists = assertThrows(BpfException.class,
                        () -> visibility.update(key, arena.allocateFrom(JAVA_INT, 6), BpfMap.NOEXIST));
                assertEquals(Errno.EEXIST, exists.errno());
                MemorySegment next = arena.allocate(JAVA_LONG);
                assertTrue(visibility.nextKey(null, next));
                assertEquals(4242L, next.get(JAVA_LONG, 0));
                assertFalse(visibility.nextKey(next, arena.allocate(JAVA_LONG)));
                assertTrue(visibility.delete(key));
                assertFalse(visibility.delete(key));
                // a value buffer the kernel would overrun is refused before the call
                assertThrows(IllegalArgumentException.class, () -> visibility.lookup(key, arena.allocate(2)));
                assertThrows(IllegalArgumentException.class, () -> visibility.lookup(arena.allocate(4), value));
            }
            PerCpuCounter lost = new PerCpuCounter(o.map("events_lost"), 0);
            assertEquals(0, lost.sum());
            assertEquals(PossibleCpus.count() * 8L, o.map("events_lost").valueSizeAllCpus());
        }
    }

    @Requires(Need.BPF)
    @Test
    void attachAndDetachLeaveNoProgramBehind() throws Exception {
        TestFilesystems.ensure();
        int before = ourPrograms();
        try (BpfObject o = BpfObject.open(BpfObjectResource.PROBE_TRACING)) {
            o.load();
            List<BpfLink> links = o.attachAll();
            assertEquals(2, links.size());
            assertEquals(before + 2, ourPrograms());
            links.get(0).close();
            assertFalse(links.get(0).isAttached());
            assertEquals(1, o.links().size());
        }
        assertEquals(before, ourPrograms(), "closing the object unloads its programs");
    }

    @Requires(Need.BPF)
    @Test
    void loadFailureCarriesTheKernelsReason() {
        // this kernel cannot attach trampolines: the LSM program is refused (elsewhere it loads, and the test checks that)
        try (BpfObject o = BpfObject.open(BpfObjectResource.PROBE_LSM)) {
            try {
                o.load();
                o.attachAll();
            } catch (BpfException e) {
                assertTrue(e.getMessage().contains("palisade_probe_lsm"), e.getMessage());
                assertTrue(e.errno() > 0);
                return;
            }
            assertTrue(o.links().size() == 1, "loaded and attached: BPF-LSM works on this kernel");
        }
    }

    @Requires(Need.BPF)
    @Test
    void verifierRejectionCarriesTheVerifierLog(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("reject.bpf.c");
        Files.writeString(source, """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                char LICENSE[] SEC("license") = "GPL";
                SEC("tracepoint/syscalls/sys_enter_getppid")
                int palisade_rejected(void *ctx)
                {
                	/* dereferences a random number: the verifier must refuse */
                	return *(int *)(long)bpf_get_prandom_u32();
                }
                """);
        Path object = dir.resolve("reject.bpf.o");
        Process clang = new ProcessBuilder("clang", "-target", "bpf", "-O2", "-g", "-I/usr/include/" + multiarch() + "-linux-gnu",
                "-c", source.toString(), "-o", object.toString()).redirectErrorStream(true).start();
        assertEquals(0, clang.waitFor(), new String(clang.getInputStream().readAllBytes()));
        try (BpfObject o = BpfObject.open(object)) {
            BpfException e = assertThrows(BpfException.class, o::load);
            assertEquals(Errno.EACCES, e.errno(), e.getMessage());
            assertTrue(e.verifierLog().contains("invalid mem access"), e.verifierLog());
            assertTrue(e.getMessage().contains("verifier log (last lines):") && e.getMessage().contains("invalid mem access"), e.getMessage());
            assertTrue(e.getMessage().contains("palisade_rejected"), e.getMessage());
        }
    }

    @Test
    void libbpfLogReachesSlf4j() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LibbpfLog.LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.addAppender(appender);
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try (BpfObject o = BpfObject.open(BpfObjectResource.PROBE_TRACING)) {
            assertTrue(appender.list.stream().anyMatch(ev -> ev.getFormattedMessage().startsWith("libbpf: ")
                    && ev.getFormattedMessage().contains("probe_tracing")), appender.list.toString());
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
    }

    private static String multiarch() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") ? "x86_64" : arch;
    }

    /** Distinct BPF programs this process holds (program and link fds both name a prog_id in their fdinfo). */
    private static int ourPrograms() throws Exception {
        java.util.Set<String> ids = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path p : fds.collect(Collectors.toList())) {
                try {
                    for (String line : Files.readAllLines(p)) if (line.startsWith("prog_id:")) ids.add(line.substring(8).strip());
                } catch (java.io.IOException gone) {
                    // fd closed meanwhile
                }
            }
        }
        return ids.size();
    }

    @BeforeAll
    static void libbpfLoads() {
        assertTrue(BpfFeatures.libbpfVersion().matches("\\d+\\.\\d+"));
    }
}
