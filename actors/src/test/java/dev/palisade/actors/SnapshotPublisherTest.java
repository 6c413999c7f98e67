package dev.palisade.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.actors.discovery.ContainerIdentities;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.Scope;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SnapshotPublisherTest {
    static ProtectedWorkload workload(int n) {
        return new ProtectedWorkload(ContainerIdentities.of(SyntheticContainers.container(n, "default", "c", Map.of())),
                RuleSet.empty(Scope.CONTAINER, Posture.AUDIT));
    }

    @Test
    void aChangeIsVisibleWhenItsCallbackRuns() throws Exception {
        try (SnapshotPublisher view = new SnapshotPublisher()) {
            ProtectedWorkload w = workload(1);
            List<ProtectedWorkload> seen = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            view.put(w, () -> {
                seen.add(view.current().byCgroupId(w.container().cgroupId()));
                done.countDown();
            });
            assertTrue(done.await(2, TimeUnit.SECONDS));
            assertSame(w, seen.getFirst());
        }
    }

    @Test
    void aBurstOfChangesIsCombinedIntoFewSnapshotsAndNoneIsLost() {
        List<ProtectedWorkload> burst = java.util.stream.IntStream.rangeClosed(1, 1000).mapToObj(SnapshotPublisherTest::workload).toList();
        try (SnapshotPublisher view = new SnapshotPublisher(Duration.ofMillis(300))) {
            view.put(workload(0), () -> { });
            assertTrue(view.awaitPublished(Duration.ofSeconds(2)));
            long before = view.current().version();
            for (ProtectedWorkload w : burst) view.put(w, () -> { });
            assertTrue(view.awaitPublished(Duration.ofSeconds(2)));
            WorkloadSnapshot s = view.current();
            assertEquals(1001, s.all().size());
            assertTrue(s.version() - before <= 2, "1000 changes in " + (s.version() - before) + " snapshots");
        }
    }

    @Test
    void aRemovalTakesOutOnlyTheContainerItNames() {
        try (SnapshotPublisher view = new SnapshotPublisher()) {
            ProtectedWorkload w = workload(5);
            view.put(w, () -> { });
            view.remove(w.container().cgroupId(), "another container that had this cgroup id", () -> { });
            view.awaitPublished(Duration.ofSeconds(2));
            assertSame(w, view.current().byCgroupId(w.container().cgroupId()));
            view.remove(w.container().cgroupId(), w.container().containerId(), () -> { });
            view.awaitPublished(Duration.ofSeconds(2));
            assertNull(view.current().byCgroupId(w.container().cgroupId()));
        }
    }

    @Test
    void hostRulesAndContainersShareOneSnapshotHistory() {
        try (SnapshotPublisher view = new SnapshotPublisher()) {
            RuleSet host = RuleSet.empty(Scope.HOST, Posture.BLOCK);
            view.put(workload(1), () -> { });
            view.host(host, () -> { });
            view.awaitPublished(Duration.ofSeconds(2));
            assertSame(host, view.current().host());
            assertEquals(1, view.current().all().size());
        }
    }
}
