package dev.palisade.kernel.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.kernel.TestCgroup;
import dev.palisade.kernel.TestFilesystems;
import dev.palisade.kernel.event.CapabilityCheck;
import dev.palisade.kernel.event.EventKind;
import dev.palisade.kernel.event.FileOpen;
import dev.palisade.kernel.event.FileSyscall;
import dev.palisade.kernel.event.MonitorEvent;
import dev.palisade.kernel.event.OperationClass;
import dev.palisade.kernel.event.ProcessExec;
import dev.palisade.kernel.event.ProcessExit;
import dev.palisade.kernel.event.SocketEvent;
import dev.palisade.kernel.ring.RingBufferReader;
import dev.palisade.kernel.sys.BootClock;
import dev.palisade.kernel.sys.Namespaces;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitor end to end on this host: real programs attached, a real process tree in a cgroup of its own,
 * events drained through the mmap reader and decoded. Only that cgroup is made visible, so the same
 * actions by a process outside it must leave no trace.
 */
@Requires(Need.BPF)
class MonitorTest {
    private static Monitor monitor;
    private static RingBufferReader reader;
    private static final EventCollector collected = new EventCollector();

    @BeforeAll
    static void startMonitor() {
        TestFilesystems.ensure();
        monitor = Monitor.start(new Monitor.Options(1 << 22, 0, java.util.Set.of()));
        reader = monitor.openReader(RingBufferReader.Options.defaults());
        reader.start(collected);
    }

    @AfterAll
    static void stopMonitor() {
        if (reader != null) reader.close();
        if (monitor != null) monitor.close();
    }

    @Test
    void attachesEveryProgramThisKernelHasAHookFor() {
        assertTrue(monitor.attachedPrograms().containsAll(Monitor.REQUIRED_PROGRAMS), monitor.attachedPrograms().toString());
        assertTrue(monitor.attachedPrograms().contains("palisade_capable"), "6.18 has capability:cap_capable");
        assertEquals(java.util.Map.of(), monitor.skippedPrograms());
    }

    @Test
    void seesExecOpenConnectAndExitOfAProcessTreeInAWatchedCgroup() throws Exception {
        String marker = "palisade-missing-" + UUID.randomUUID();
        long start = BootClock.bootNanos();
        try (TestCgroup cgroup = TestCgroup.create("monitor");
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            monitor.visibility().set(cgroup.id(), EnumSet.allOf(OperationClass.class));
            Thread acceptor = Thread.ofPlatform().daemon(true).start(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readAllBytes();
                } catch (Exception ignored) {
                    // the test checks what the monitor saw, not this connection
                }
            });
            int port = server.getLocalPort();
            String script = "cat /etc/hostname > /dev/null; cat /tmp/" + marker + " 2>/dev/null; "
                    + "exec 3<>/dev/tcp/127.0.0.1/" + port + "; echo hello >&3; exec 3>&-; exit 7";
            Process p = new ProcessBuilder("/bin/sh", "-c", cgroup.enterCommand() + "exec /bin/bash -c '" + script + "'")
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(7, p.exitValue(), new String(p.getInputStream().readAllBytes()));
            int bash = (int) p.pid();
            acceptor.join(5000);

            // the same actions outside the watched cgroup must not be recorded
            Process outside = new ProcessBuilder("/bin/cat", "/tmp/" + marker + "-outside").redirectErrorStream(true).start();
            assertTrue(outside.waitFor(10, TimeUnit.SECONDS));
            int outsidePid = (int) outside.pid();

            ProcessExec bashExec = collected.await(ProcessExec.class, e -> e.header().pid() == bash && e.path().equals("/bin/bash"), "exec of bash");
            assertEquals(List.of("/bin/bash", "-c", script), bashExec.argv());
            assertEquals(3, bashExec.argc());
            assertEquals(ProcessHandle.current().pid(), bashExec.header().ppid(), "bash's parent is this JVM (sh exec'd bash)");
            assertTrue(bashExec.parentExe().endsWith("/bin/java"), bashExec.parentExe());
            assertEquals(bashExec.parentExe(), ProcessHandle.current().info().command().orElseThrow());

            ProcessExec catExec = collected.await(ProcessExec.class,
                    e -> e.header().ppid() == bash && e.argv().equals(List.of("cat", "/etc/hostname")), "exec of cat /etc/hostname");
            assertTrue(catExec.path().endsWith("/cat"), catExec.path());
            assertEquals("/usr/bin/bash", catExec.parentExe(), "parent exe resolved by the kernel-side path walk");
            assertEquals("cat", catExec.header().comm());
            int cat = catExec.header().pid();

            FileOpen hostname = collected.await(FileOpen.class, e -> e.header().pid() == cat && e.path().equals("/etc/hostname"), "open of /etc/hostname");
            assertTrue(hostname.result() >= 0, "opened: " + hostname);
            assertEquals(0, hostname.flags() & 3, "O_RDONLY");
            assertEquals(FileSyscall.OPENAT, hostname.syscall());
            assertEquals(FileOpen.AT_FDCWD, hostname.dirfd());

            FileOpen missing = collected.await(FileOpen.class, e -> e.path().equals("/tmp/" + marker), "failed open");
            assertEquals(-2, missing.result(), "ENOENT");

            SocketEvent connect = collected.await(SocketEvent.class,
                    e -> e.header().kind() == EventKind.SOCKET_CONNECT && e.header().pid() == bash && e.family() != SocketEvent.AF_UNIX, "TCP connect");
            assertEquals(SocketEvent.AF_INET, connect.family());
            assertEquals(port, connect.port());
            assertEquals(InetAddress.getByName("127.0.0.1"), connect.address());
            assertEquals(0, connect.result());
            assertEquals(1, connect.type(), "SOCK_STREAM");
            assertEquals(6, connect.protocol(), "IPPROTO_TCP");
            SocketEvent socket = collected.await(SocketEvent.class,
                    e -> e.header().kind() == EventKind.SOCKET_CREATE && e.header().pid() == bash && e.result() == connect.fd(), "socket()");
            assertEquals(SocketEvent.AF_INET, socket.family());
            assertEquals(1, socket.type(), "SOCK_STREAM");

            ProcessExit exit = collected.await(ProcessExit.class, e -> e.header().pid() == bash, "exit of bash");
            assertEquals(7, exit.exitStatus());
            assertEquals(0, exit.terminatingSignal());

            List<MonitorEvent> sinceStart = collected.events.stream().filter(e -> e.header().timestampNanos() > start).toList();
            assertTrue(sinceStart.size() >= 8, sinceStart.toString());
            for (MonitorEvent e : sinceStart) {
                assertEquals(cgroup.id(), e.header().cgroupId(), "only the watched cgroup records: " + e);
                assertTrue(e.header().pid() != outsidePid, "a process outside the cgroup was recorded: " + e);
                assertEquals(Namespaces.mountNamespace((int) ProcessHandle.current().pid()), e.header().mountNamespace());
                assertEquals(e.header().pid(), e.header().nsPid(), "host pid namespace");
            }
            assertTrue(collected.events.stream().noneMatch(e -> e instanceof FileOpen f && f.path().contains(marker + "-outside")));
            assertTrue(collected.failures.isEmpty(), collected.failures.toString());
            assertEquals(0, reader.stats().lost());
            monitor.visibility().remove(cgroup.id());
        }
    }

    @Test
    void recordsCapabilityChecksOnlyWhenThatClassIsVisible() throws Exception {
        Path secret = Files.createTempFile("palisade-cap-", ".txt", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("---------")));
        try (TestCgroup cgroup = TestCgroup.create("capability")) {
            Files.setOwner(secret, secret.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
            monitor.visibility().set(cgroup.id(), EnumSet.of(OperationClass.FILE));
            run(cgroup, "cat " + secret + " > /dev/null");
            monitor.visibility().set(cgroup.id(), EnumSet.of(OperationClass.CAPABILITIES));
            run(cgroup, "cat " + secret + " > /dev/null");

            // root reading a file of mode 000 owned by someone else needs CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH
            CapabilityCheck check = collected.await(CapabilityCheck.class,
                    e -> e.header().cgroupId() == cgroup.id() && (e.capability() == 1 || e.capability() == 2), "DAC capability check");
            assertEquals(0, check.result(), "root is granted the capability");
            List<MonitorEvent> mine = collected.events.stream().filter(e -> e.header().cgroupId() == cgroup.id()).toList();
            // first run: file opens only; second run: capability checks only
            assertTrue(mine.stream().anyMatch(e -> e instanceof FileOpen f && f.path().equals(secret.toString())));
            assertTrue(mine.stream().allMatch(e -> e instanceof FileOpen || e instanceof CapabilityCheck), mine.toString());
            long capsBeforeSwitch = mine.stream().takeWhile(e -> !(e instanceof CapabilityCheck)).filter(e -> e instanceof CapabilityCheck).count();
            assertEquals(0, capsBeforeSwitch);
            monitor.visibility().remove(cgroup.id());
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    @Test
    void hostVisibilityCoversHostTasksOutsideWatchedCgroups() throws Exception {
        String marker = "palisade-host-" + UUID.randomUUID();
        monitor.setHostVisibility(EnumSet.of(OperationClass.PROCESS));
        try {
            Process p = new ProcessBuilder("/bin/echo", marker).redirectErrorStream(true).start();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            ProcessExec exec = collected.await(ProcessExec.class, e -> e.argv().contains(marker), "exec seen through host visibility");
            assertEquals((int) p.pid(), exec.header().pid());
            assertEquals(Namespaces.mountNamespace((int) ProcessHandle.current().pid()), exec.header().mountNamespace());
        } finally {
            monitor.setHostVisibility(EnumSet.noneOf(OperationClass.class));
        }
        assertFalse(monitor.hostVisibility().contains(OperationClass.PROCESS));
        // and off again: a new exec on the host is not recorded
        String after = "palisade-host-off-" + UUID.randomUUID();
        Process p = new ProcessBuilder("/bin/echo", after).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        Thread.sleep(200);
        assertTrue(collected.of(ProcessExec.class).stream().noneMatch(e -> e.argv().contains(after)));
    }

    private static void run(TestCgroup cgroup, String command) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", cgroup.enterCommand() + command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        Thread.sleep(100);
    }

}
