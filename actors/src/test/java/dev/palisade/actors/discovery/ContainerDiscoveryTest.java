package dev.palisade.actors.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.RuncContainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Discovery and state parsing against real runc containers in a state root of the test's own. */
@Requires(Need.RUNC)
@Timeout(120)
class ContainerDiscoveryTest {
    static final String POD_UID = "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

    static void await(String what, Duration within, BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + within + ": " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void readsWhatRuncWroteAboutARealContainer(@TempDir Path runcRoot) {
        try (RuncContainer c = RuncContainer.builder().stateRoot(runcRoot).kubeletCgroup(POD_UID, "burstable")
                .annotation("io.kubernetes.pod.namespace", "shop")
                .annotation("io.kubernetes.pod.name", "api-0")
                .annotation("io.kubernetes.container.name", "api")
                .annotation("palisade.dev/label.app", "api")
                .annotation("palisade.dev/label.tier", "backend").start()) {
            RuntimeContainer rc = StateFileReader.read(c.stateFile()).orElseThrow();
            assertEquals(c.id(), rc.id());
            assertEquals(c.initPid(), rc.initPid());
            assertEquals(c.rootfs().toString(), rc.rootfs());
            assertEquals(c.cgroupV2Path().toString(), rc.cgroupV2Path());
            assertEquals(c.cgroupId(), rc.cgroupId(), "the inode of the cgroup v2 directory");
            assertTrue(rc.cgroupV2Path().endsWith("/kubepods/burstable/pod" + POD_UID + "/" + c.id()), rc.cgroupV2Path());
            assertTrue(StateFileReader.alive(rc));

            var info = ContainerIdentities.of(rc);
            assertEquals("shop", info.namespace());
            assertEquals("api-0", info.podName());
            assertEquals("api", info.containerName());
            assertEquals(POD_UID, info.podUid(), "from the kubelet cgroup path");
            assertEquals(Map.of("app", "api", "tier", "backend"), info.labels());
            assertEquals("/proc/" + c.initPid() + "/root", info.rootfs());
        }
    }

    @Test
    void startsAndStopsAreSeenWithinASecond(@TempDir Path runcRoot) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicBoolean scanned = new AtomicBoolean();
        ContainerDiscovery.Listener listener = new ContainerDiscovery.Listener() {
            @Override
            public void started(RuntimeContainer c) {
                events.add("start " + c.id());
            }

            @Override
            public void stopped(RuntimeContainer c) {
                events.add("stop " + c.id());
            }

            @Override
            public void initialScanDone() {
                scanned.set(true);
            }
        };
        try (RuncContainer already = RuncContainer.builder().stateRoot(runcRoot).start();
             // A long reconcile: only inotify can make the second deadline.
             ContainerDiscovery d = new ContainerDiscovery(List.of(runcRoot, runcRoot.resolve("absent")),
                     Duration.ofSeconds(60), listener).start()) {
            await("the initial scan", Duration.ofSeconds(5), scanned::get);
            assertEquals(List.of("start " + already.id()), events, "running before discovery started");

            try (RuncContainer c = RuncContainer.builder().stateRoot(runcRoot).start()) {
                await("start seen", Duration.ofSeconds(1), () -> events.contains("start " + c.id()));
                // The init dies; runc keeps the state until deleted: the cgroup emptying is what is seen.
                ProcessHandle.of(c.initPid()).orElseThrow().destroyForcibly();
                await("death of init seen", Duration.ofSeconds(1), () -> events.contains("stop " + c.id()));
            }
            already.close();
            await("runc delete seen", Duration.ofSeconds(1), () -> events.contains("stop " + already.id()));
            assertEquals(4, events.size(), events.toString());
        }
    }

    @Test
    void periodicReconcilesReportNothingTwice(@TempDir Path runcRoot) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (RuncContainer c = RuncContainer.builder().stateRoot(runcRoot).start();
             ContainerDiscovery d = new ContainerDiscovery(List.of(runcRoot), Duration.ofMillis(300),
                     new ContainerDiscovery.Listener() {
                         @Override
                         public void started(RuntimeContainer rc) {
                             events.add("start");
                         }

                         @Override
                         public void stopped(RuntimeContainer rc) {
                             events.add("stop");
                         }
                     }).start()) {
            await("start", Duration.ofSeconds(2), () -> events.contains("start"));
            c.close();
            await("stop", Duration.ofSeconds(2), () -> events.contains("stop"));
            Thread.sleep(700);
            assertEquals(List.of("start", "stop"), events, "reconciles report nothing twice");
        }
    }
}
