package dev.palisade.kernel.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.kernel.TestFilesystems;
import dev.palisade.kernel.event.EventKind;
import dev.palisade.kernel.event.FileOpen;
import dev.palisade.kernel.event.MonitorEvent;
import dev.palisade.kernel.event.OperationClass;
import dev.palisade.kernel.event.ProcessExec;
import dev.palisade.kernel.event.SocketEvent;
import dev.palisade.kernel.ring.RingBufferReader;
import dev.palisade.kernel.sys.BootClock;
import dev.palisade.kernel.sys.Namespaces;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.RuncContainer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The monitor on a real runc container (own mount and pid namespaces, kubelet-like cgroup): paths are what
 * the container sees, pids are reported both ways, and only the container's cgroup records.
 */
@Requires({Need.BPF, Need.RUNC})
class MonitorContainerTest {
    private static final String BUSYBOX = "/opt/palisade-monitor/busybox";

    @Test
    void seesExecOpenConnectOfARealContainerWithContainerRelativePaths() throws Exception {
        TestFilesystems.ensure();
        long start = BootClock.bootNanos();
        EventCollector collected = new EventCollector();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             RuncContainer container = RuncContainer.builder()
                     .kubeletCgroup(java.util.UUID.randomUUID().toString(), "besteffort")
                     .hostNetwork(true)
                     .rootfsFile("/etc/palisade-monitor.txt", "inside\n", 0644)
                     .rootfsFile(BUSYBOX, java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/bin/busybox")), 0755)
                     .start();
             Monitor monitor = Monitor.start(new Monitor.Options(1 << 22, 0, Set.of()));
             RingBufferReader reader = monitor.openReader(RingBufferReader.Options.defaults())) {
            Thread.ofPlatform().daemon(true).start(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readAllBytes();
                } catch (Exception ignored) {
                    // only what the monitor saw matters
                }
            });
            reader.start(collected);
            monitor.visibility().set(container.cgroupId(), EnumSet.of(OperationClass.PROCESS, OperationClass.FILE, OperationClass.NETWORK));
            int port = server.getLocalPort();
            // a busybox that exists only in the container's rootfs: the host knows it as <bundle>/rootfs/opt/...
            assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of(BUSYBOX)), "the host has no " + BUSYBOX);
            container.exec(BUSYBOX, "sh", "-c", BUSYBOX + " cat /etc/palisade-monitor.txt; "
                    + "/usr/bin/bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port + "; echo hi >&3'; exit 0").assertOk();

            ProcessExec cat = collected.await(ProcessExec.class,
                    e -> e.argv().equals(List.of(BUSYBOX, "cat", "/etc/palisade-monitor.txt")), "exec of busybox cat");
            assertEquals(BUSYBOX, cat.path());
            assertEquals(BUSYBOX, cat.parentExe(), "the parent's executable, relative to the container's root");
            assertEquals(container.cgroupId(), cat.header().cgroupId());
            assertNotEquals(cat.header().pid(), cat.header().nsPid(), "own pid namespace: host and container pids differ");
            assertTrue(cat.header().nsPid() > 1 && cat.header().nsPpid() > 0, cat.header().toString());
            long hostMountNs = Namespaces.mountNamespace((int) ProcessHandle.current().pid());
            assertNotEquals(hostMountNs, cat.header().mountNamespace(), "own mount namespace");
            assertEquals(Namespaces.mountNamespace((int) container.initPid()), cat.header().mountNamespace());

            FileOpen open = collected.await(FileOpen.class,
                    e -> e.header().pid() == cat.header().pid() && e.path().equals("/etc/palisade-monitor.txt"), "open inside the container");
            assertTrue(open.result() >= 0, open.toString());

            ProcessExec bash = collected.await(ProcessExec.class,
                    e -> e.path().equals("/usr/bin/bash") && String.join(" ", e.argv()).contains("/dev/tcp/"), "exec of bash");
            assertEquals(BUSYBOX, bash.parentExe());
            SocketEvent connect = collected.await(SocketEvent.class,
                    e -> e.header().kind() == EventKind.SOCKET_CONNECT && e.header().pid() == bash.header().pid()
                            && e.family() != SocketEvent.AF_UNIX, "TCP connect");
            assertEquals(SocketEvent.AF_INET, connect.family());
            assertEquals(port, connect.port());
            assertEquals(0, connect.result());

            List<MonitorEvent> mine = collected.events.stream().filter(e -> e.header().timestampNanos() > start).toList();
            assertTrue(mine.stream().allMatch(e -> e.header().cgroupId() == container.cgroupId()), "only the container records");
            assertTrue(collected.failures.isEmpty(), collected.failures.toString());
            assertEquals(0, reader.stats().lost());
        }
    }
}
