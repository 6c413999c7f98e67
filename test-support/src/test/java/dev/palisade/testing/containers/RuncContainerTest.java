package dev.palisade.testing.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.testing.HostCommand;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@Requires(Need.RUNC)
class RuncContainerTest {

    @Test
    void runsInItsOwnPidNamespaceAndInTheKubeletCgroup() throws Exception {
        String podUid = UUID.randomUUID().toString();
        try (RuncContainer c = RuncContainer.builder().kubeletCgroup(podUid, "besteffort").start()) {
            assertTrue(c.id().matches("[0-9a-f]{64}"), c.id());
            String expected = "/kubepods/besteffort/pod" + podUid + "/" + c.id();
            assertEquals(expected, c.cgroupsPath());

            ExecResult r = c.exec("/usr/bin/bash", "-c", "echo $$; cat /proc/self/cgroup").assertOk();
            List<String> lines = r.stdout().lines().toList();
            long pidInside = Long.parseLong(lines.get(0));
            assertTrue(pidInside < 100, "pid inside the container's pid namespace is small: " + pidInside);
            assertTrue(lines.contains("0::" + expected), r.stdout());
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(":memory:" + expected)), r.stdout());

            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")),
                    Files.readSymbolicLink(Path.of("/proc/" + c.initPid() + "/ns/pid")));
            assertEquals(Path.of("/sys/fs/cgroup/unified" + expected), c.cgroupV2Path());
            assertTrue(Files.readString(c.cgroupV2Path().resolve("cgroup.procs")).lines()
                    .anyMatch(l -> l.equals(Long.toString(c.initPid()))), "init pid is in the cgroup v2 dir");
        }
    }

    @Test
    void cgroupIdIsTheInodeOfTheCgroupV2Directory() {
        try (RuncContainer c = RuncContainer.builder().start()) {
            String inode = HostCommand.run(Duration.ofSeconds(10), "stat", "-c", "%i", c.cgroupV2Path().toString())
                    .orThrow().stdout().strip();
            assertEquals(Long.parseLong(inode), c.cgroupId());
        }
    }

    @Test
    void stateJsonHasTheInitPidAndConfigJsonTheAnnotations() {
        try (RuncContainer c = RuncContainer.builder()
                .annotation("io.kubernetes.pod.namespace", "shop")
                .annotation("io.kubernetes.pod.name", "web-1")
                .annotation("io.kubernetes.container.name", "nginx")
                .annotation("palisade.dev/label.app", "nginx")
                .start()) {
            assertEquals(Path.of("/run/runc", c.id(), "state.json"), c.stateFile());
            assertTrue(Files.isRegularFile(c.stateFile()));
            JsonNode state = c.state();
            assertEquals(c.initPid(), state.path("init_process_pid").asLong());
            assertEquals(c.id(), state.path("id").asText());

            JsonNode annotations = OciConfig.read(c.bundle().resolve("config.json")).path("annotations");
            assertEquals("shop", annotations.path("io.kubernetes.pod.namespace").asText());
            assertEquals("web-1", annotations.path("io.kubernetes.pod.name").asText());
            assertEquals("nginx", annotations.path("io.kubernetes.container.name").asText());
            assertEquals("nginx", annotations.path("palisade.dev/label.app").asText());
            assertFalse(c.config().path("process").path("terminal").asBoolean(true));
        }
    }

    @Test
    void closeRemovesBundleCgroupsAndRuncState() {
        String podUid = UUID.randomUUID().toString();
        RuncContainer c = RuncContainer.builder().kubeletCgroup(podUid, "burstable").start();
        Path bundle = c.bundle();
        Path state = c.stateRoot().resolve(c.id());
        List<Path> cgroupDirs = new ArrayList<>();
        for (Path root : CgroupDirs.hierarchies()) {
            cgroupDirs.add(CgroupDirs.in(root, c.cgroupsPath()));
            cgroupDirs.add(CgroupDirs.in(root, "/kubepods/burstable/pod" + podUid));
        }
        long pid = c.initPid();
        assertTrue(Files.isDirectory(state));
        assertTrue(c.initRunning());
        assertTrue(HostMounts.under(bundle).size() == 1, "rootfs is a tmpfs of its own");
        for (Path d : cgroupDirs) assertTrue(Files.isDirectory(d), d + " exists while the container runs");

        c.close();

        assertFalse(Files.exists(bundle), "bundle removed");
        assertFalse(Files.exists(state), "runc state removed");
        assertTrue(HostMounts.under(bundle).isEmpty(), "rootfs unmounted");
        for (Path d : cgroupDirs) assertFalse(Files.exists(d), d + " removed");
        assertFalse(c.initRunning(), "init process " + pid + " gone");
        c.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> c.exec("/bin/true"));
    }

    @Test
    void twoContainersOfOnePodRunAtOnceAndTheLastOneTakesThePodCgroup() {
        String podUid = UUID.randomUUID().toString();
        Path podV2 = Path.of("/sys/fs/cgroup/unified/kubepods/besteffort/pod" + podUid);
        try (RuncContainer a = RuncContainer.builder().kubeletCgroup(podUid, "besteffort").hostname("a").start()) {
            RuncContainer b = RuncContainer.builder().kubeletCgroup(podUid, "besteffort").hostname("b").start();
            try (b) {
                assertEquals("a", a.exec("/bin/hostname").assertOk().stdout().strip());
                assertEquals("b", b.exec("/bin/hostname").assertOk().stdout().strip());
                assertNotEquals(a.cgroupId(), b.cgroupId());
                assertNotEquals(a.initPid(), b.initPid());
            }
            assertTrue(Files.isDirectory(podV2), "pod cgroup stays while a holds it");
            assertFalse(Files.exists(b.cgroupV2Path()));
            assertEquals("a", a.exec("/bin/hostname").assertOk().stdout().strip());
        }
        assertFalse(Files.exists(podV2), "pod cgroup removed with its last container");
    }

    @Test
    void ownNetworkNamespaceHasOnlyLoopbackUnlessHostNetworkIsAsked() throws Exception {
        try (RuncContainer own = RuncContainer.builder().start();
                RuncContainer shared = RuncContainer.builder().hostNetwork(true).start()) {
            Path hostNet = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
            assertNotEquals(hostNet, Files.readSymbolicLink(Path.of("/proc/" + own.initPid() + "/ns/net")));
            assertEquals(hostNet, Files.readSymbolicLink(Path.of("/proc/" + shared.initPid() + "/ns/net")));
            String links = own.exec("/bin/sh", "-c", "ls /sys/class/net").assertOk().stdout();
            assertEquals(List.of("lo"), links.lines().map(String::strip).filter(s -> !s.isEmpty()).toList());
            assertTrue(own.exec("/bin/sh", "-c", "cat /sys/class/net/lo/operstate").stdout().contains("unknown"),
                    "loopback is up");
        }
    }

    @Test
    void hostProgramsRunFromTheBoundUsrAndRootfsFilesAreThere() {
        try (RuncContainer c = RuncContainer.builder()
                .rootfsFile("/etc/palisade/secret.txt", "top secret\n", 0600)
                .rootfsFile("/opt/hello.sh", "#!/bin/sh\necho hello from $0\n", 0755)
                .env("GREETING", "hi there")
                .start()) {
            assertEquals("top secret", c.exec("/bin/cat", "/etc/palisade/secret.txt").assertOk().stdout().strip());
            assertEquals("hello from /opt/hello.sh", c.exec("/opt/hello.sh").assertOk().stdout().strip());
            assertEquals("hi there", c.exec("/bin/bash", "-c", "echo $GREETING").assertOk().stdout().strip());
            assertTrue(c.exec("/usr/sbin/nginx", "-v").assertOk().stderr().contains("nginx version"));
            ExecResult ro = c.exec("/bin/sh", "-c", "touch /usr/x");
            assertNotEquals(0, ro.exitCode(), "host /usr is read-only");
            assertTrue(ro.stderr().contains("Read-only"), ro.stderr());
        }
        assertThrows(IllegalArgumentException.class,
                () -> RuncContainer.builder().rootfsFile("/bin/evil", "x", 0755).start());
    }

    @Test
    void withoutHostUsrTheRootfsRunsOnBusybox() {
        try (RuncContainer c = RuncContainer.builder().hostUsrReadOnly(false).start()) {
            ExecResult r = c.exec("/bin/sh", "-c", "ls /usr | wc -l; readlink /bin/ls; cat /proc/1/cmdline | tr '\\0' ' '")
                    .assertOk();
            List<String> lines = r.stdout().lines().toList();
            assertEquals("0", lines.get(0).strip(), "nothing of the host under /usr");
            assertEquals("busybox", lines.get(1).strip());
            assertTrue(lines.get(2).startsWith("/bin/sleep"), r.stdout());
        }
    }

    @Test
    void execAsyncRunsInTheBackgroundAndCloseEndsIt() throws Exception {
        RuncContainer c = RuncContainer.builder().start();
        Process p;
        try (c) {
            p = c.execAsync("/bin/sh", "-c", "echo started; exec sleep 600");
            String first = new String(p.getInputStream().readNBytes("started\n".length()));
            assertEquals("started\n", first);
            assertTrue(p.isAlive());
            assertTrue(c.exec("/bin/sh", "-c", "ps -e -o comm= 2>/dev/null || ls /proc").ok());
        }
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "runc exec ended with the container");
    }

    @Test
    void execThatOutlivesItsTimeoutFailsClearly() {
        try (RuncContainer c = RuncContainer.builder().start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> c.exec(Duration.ofMillis(500), "/bin/sh", "-c", "echo partial; sleep 30"));
            assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
            assertTrue(e.getMessage().contains("partial"), e.getMessage());
        }
    }

    @Test
    void aFailingStartCleansUpAndSaysWhy() {
        String id = RuncContainer.randomId();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RuncContainer.builder().id(id).command("/no/such/program").start());
        assertTrue(e.getMessage().contains("runc run " + id + " failed"), e.getMessage());
        assertFalse(Files.exists(RuncContainer.BUNDLES.resolve(id)));
        assertFalse(Files.exists(Path.of("/run/runc", id)));
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/unified/palisade-test", id)));
    }
}
