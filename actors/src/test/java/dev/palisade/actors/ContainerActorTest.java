package dev.palisade.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.actors.discovery.ContainerIdentities;
import dev.palisade.policy.compile.ClassMode;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.PostureMode;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerActorTest {
    final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    /** One actor with its own enforcer, view, monitor switch and message sink. */
    final class Harness {
        final RecordingEnforcer enforcer = new RecordingEnforcer();
        final SnapshotPublisher view = new SnapshotPublisher();
        final Set<Long> watched = ConcurrentHashMap.newKeySet();
        final List<AgentMessage> messages = new CopyOnWriteArrayList<>();
        final PublishCounters counters = new PublishCounters();
        final TestProbe<ContainerActor.Published> parent = kit.createTestProbe();
        final ActorRef<ContainerActor.Command> actor;

        Harness(Duration minBackoff) {
            MonitorVisibility visibility = new MonitorVisibility() {
                @Override
                public void watch(long cgroupId) {
                    watched.add(cgroupId);
                }

                @Override
                public void unwatch(long cgroupId) {
                    watched.remove(cgroupId);
                }
            };
            var out = new ContainerActor.Outputs(enforcer, view, visibility,
                    new AgentMessages("test-cluster", "test-node", messages::add), counters, minBackoff, Duration.ofSeconds(1));
            actor = kit.spawn(ContainerActor.create(out, parent.getRef()));
        }
    }

    static ContainerInfo nginx(Map<String, String> labels) {
        return ContainerIdentities.of(SyntheticContainers.container(1, "default", "nginx", labels));
    }

    @Test
    void publishesToTheEnforcerThenTheViewAndTellsTheParent() {
        Harness h = new Harness(Duration.ofMillis(50));
        ContainerInfo info = nginx(Map.of("app", "nginx"));
        h.actor.tell(new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.BLOCK, false));

        ContainerActor.Published p = h.parent.receiveMessage();
        assertEquals(info.containerId(), p.containerId());
        ProtectedWorkload inView = h.view.current().byCgroupId(info.cgroupId());
        assertSame(p.workload(), inView, "the view holds exactly what the enforcer accepted");
        assertSame(inView, h.enforcer.applied.get(info.cgroupId()));
        assertEquals(List.of(TestPolicies.SEED_KEY), inView.rules().policies());
        assertEquals(ClassMode.LEAST_PERMISSIVE, inView.rules().mode(OperationClass.PROCESS));
        assertTrue(inView.rules().matcher().process("/usr/sbin/chroot", "/bin/bash", false, 0, 0, null).denied(),
                "block posture denies what the allow-list does not name");
        assertTrue(h.watched.contains(info.cgroupId()), "the monitor records a protected container");
        assertEquals(1, h.counters.publishes());
    }

    @Test
    void anUnchangedConfigurationIsNotPublishedAgainAndAChangedIdentityIsPublishedInPlace() {
        Harness h = new Harness(Duration.ofMillis(50));
        ContainerInfo info = nginx(Map.of("app", "nginx"));
        var config = new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.AUDIT, false);
        h.actor.tell(config);
        h.parent.receiveMessage();
        h.actor.tell(new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.AUDIT, false));
        h.parent.expectNoMessage(Duration.ofMillis(200));
        assertEquals(1, h.enforcer.attemptsFor(info.cgroupId()));

        ContainerInfo relabelled = nginx(Map.of("app", "nginx", "tier", "web"));
        h.actor.tell(new ContainerActor.Configure(relabelled, List.of(TestPolicies.seed()), Posture.AUDIT, false));
        h.parent.receiveMessage();
        assertEquals(Map.of("app", "nginx", "tier", "web"), h.view.current().byCgroupId(info.cgroupId()).container().labels());
        assertEquals(1, h.view.current().all().size(), "same cgroup, one entry");
    }

    @Test
    void auditedContainersCompileEveryPolicyAsDryRun() {
        Harness h = new Harness(Duration.ofMillis(50));
        ContainerInfo info = nginx(Map.of("app", "nginx"));
        h.actor.tell(new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.BLOCK, true));
        var rules = h.parent.receiveMessage().workload().rules();
        assertEquals(ClassMode.LEAST_PERMISSIVE_DRY_RUN, rules.mode(OperationClass.PROCESS));
        var v = rules.matcher().process("/usr/sbin/chroot", "/bin/bash", false, 0, 0, null);
        assertFalse(v.denied(), "dry-run never denies");
        assertTrue(v.alert() && v.dryRun(), "but reports what it would have done");
    }

    @Test
    void aRefusedPublishIsRetriedWithBackoffReportedOnceAndTheViewWaitsForTheEnforcer() {
        Harness h = new Harness(Duration.ofMillis(100));
        ContainerInfo info = nginx(Map.of("app", "nginx"));
        h.enforcer.failNext.set(3);
        long t0 = System.nanoTime();
        h.actor.tell(new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.BLOCK, false));
        h.parent.expectNoMessage(Duration.ofMillis(150));
        assertNull(h.view.current().byCgroupId(info.cgroupId()), "nothing is published the enforcer does not hold");

        h.parent.receiveMessage(Duration.ofSeconds(3));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(4, h.enforcer.attemptsFor(info.cgroupId()));
        assertTrue(elapsedMs >= 100 + 200 + 400, "backoff doubles from 100 ms: waited " + elapsedMs + " ms");
        assertEquals(3, h.counters.refusals());
        assertTrue(h.view.current().byCgroupId(info.cgroupId()) != null);
        List<String> texts = h.messages.stream().map(AgentMessage::message).toList();
        assertEquals(2, texts.size(), texts.toString());
        assertTrue(texts.get(0).contains("were not applied: injected failure") && texts.get(0).contains("no rules in force yet"), texts.get(0));
        assertTrue(texts.get(1).contains("applied after 4 attempts"), texts.get(1));
        assertEquals("test-node", h.messages.getFirst().hostName());
        assertEquals("Warning", h.messages.getFirst().level());
    }

    @Test
    void whileAChangeIsRefusedThePreviousRulesStayInForceEverywhere() {
        Harness h = new Harness(Duration.ofMillis(50));
        ContainerInfo info = nginx(Map.of("app", "nginx"));
        h.actor.tell(new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.AUDIT, false));
        ProtectedWorkload before = h.parent.receiveMessage().workload();

        h.enforcer.refuse.add(info.cgroupId());
        h.actor.tell(new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.BLOCK, false));
        Await.until("a few refused attempts", Duration.ofSeconds(2), () -> h.enforcer.attemptsFor(info.cgroupId()) >= 3);
        assertSame(before, h.view.current().byCgroupId(info.cgroupId()));
        assertSame(before, h.enforcer.applied.get(info.cgroupId()));
        assertTrue(h.messages.getFirst().message().contains("previous rules stay in force"), h.messages.toString());

        h.enforcer.refuse.clear();
        var after = h.parent.receiveMessage(Duration.ofSeconds(3)).workload();
        assertEquals(PostureMode.BLOCK, after.rules().posture().file());
        assertSame(after, h.view.current().byCgroupId(info.cgroupId()));
    }

    @Test
    void aNewerChangeSupersedesARefusedOne() {
        Harness h = new Harness(Duration.ofSeconds(30)); // the retry would come far too late for this test
        ContainerInfo info = nginx(Map.of("app", "nginx"));
        h.enforcer.failNext.set(1);
        h.actor.tell(new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.AUDIT, false));
        Await.until("the refused attempt", Duration.ofSeconds(2), () -> h.enforcer.attemptsFor(info.cgroupId()) == 1);
        h.actor.tell(new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.BLOCK, false));
        var w = h.parent.receiveMessage(Duration.ofSeconds(2)).workload();
        assertEquals(PostureMode.BLOCK, w.rules().posture().file());
    }

    @Test
    void stoppingTakesTheRulesOutOfTheEnforcerTheViewAndTheMonitor() {
        Harness h = new Harness(Duration.ofMillis(50));
        ContainerInfo info = nginx(Map.of("app", "nginx"));
        h.actor.tell(new ContainerActor.Configure(info, List.of(TestPolicies.seed()), Posture.AUDIT, false));
        h.parent.receiveMessage();
        h.actor.tell(new ContainerActor.Stop());
        Await.until("removed", Duration.ofSeconds(2), () -> h.enforcer.applied.isEmpty());
        Await.until("out of the view", Duration.ofSeconds(2), () -> h.view.current().byCgroupId(info.cgroupId()) == null);
        assertFalse(h.watched.contains(info.cgroupId()));
        assertEquals(info.containerId(), h.enforcer.removed.getFirst().containerId());
        assertEquals(1, h.counters.removals());
    }
}
