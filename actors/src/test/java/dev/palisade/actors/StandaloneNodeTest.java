package dev.palisade.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.PostureMode;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.RuncContainer;
import dev.palisade.workload.ProtectedWorkload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Requires(Need.RUNC)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class StandaloneNodeTest {
    static final Path SEED = Path.of("../policy/src/test/resources/policies/seed/only-allow-nginx-exec.yaml");
    final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    static Config config(Path policies, String extra) {
        return ConfigFactory.parseString("""
                palisade.policies.directory = "%s"
                palisade.discovery.state-roots = ["/run/runc"]
                palisade.discovery.reconcile-interval = 500ms
                palisade.node-name = test-node
                %s
                """.formatted(policies, extra)).withFallback(ConfigFactory.load()).resolve();
    }

    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + within + ": " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void containersArePickedUpAndDroppedWithinASecondAndPoliciesFollowTheDirectory(@TempDir Path policies) throws Exception {
        RecordingEnforcer enforcer = new RecordingEnforcer();
        List<Long> watched = new CopyOnWriteArrayList<>();
        MonitorVisibility visibility = new MonitorVisibility() {
            @Override
            public void watch(long id) { watched.add(id); }

            @Override
            public void unwatch(long id) { watched.remove(id); }
        };
        NodeSettings settings = NodeSettings.from(config(policies, "palisade.posture.namespaces.default.file = block"));
        try (Node node = Node.startStandalone(kit.system(), settings, enforcer, visibility, m -> { })) {
            node.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try (RuncContainer c = RuncContainer.builder()
                    .annotation("io.kubernetes.pod.namespace", "default")
                    .annotation("io.kubernetes.pod.name", "nginx-1")
                    .annotation("io.kubernetes.container.name", "nginx")
                    .annotation("palisade.dev/label.app", "nginx").start()) {
                long cg = c.cgroupId();
                await("container published", Duration.ofSeconds(1), () -> node.view().current().byCgroupId(cg) != null);
                ProtectedWorkload w = node.view().current().byCgroupId(cg);
                assertEquals("nginx", w.container().containerName());
                assertEquals("default", w.container().namespace());
                assertEquals(java.util.Map.of("app", "nginx"), w.container().labels());
                assertEquals(c.initPid(), w.container().initPid());
                assertTrue(w.rules().rules().isEmpty(), "no policy yet");
                assertTrue(watched.contains(cg), "the monitor watches the container");
                assertNotNull(enforcer.applied.get(cg));

                Files.copy(SEED, policies.resolve("seed.yaml"));
                await("seed policy compiled", Duration.ofSeconds(2),
                        () -> node.view().current().byCgroupId(cg).rules().policies().contains("ksp/default/only-allow-nginx-exec"));
                var rules = node.view().current().byCgroupId(cg).rules();
                assertEquals(PostureMode.BLOCK, rules.posture().file(), "namespace posture from configuration");
                assertTrue(rules.mode(OperationClass.PROCESS).leastPermissive());
                assertTrue(rules.matcher().process("/usr/sbin/chroot", "/bin/bash", false, 0, 0, null).denied());
                assertEquals(rules, enforcer.applied.get(cg).rules(), "the enforcer holds what the view shows");

                Files.writeString(policies.resolve("seed.yaml"), "apiVersion: security.kubearmor.com/v1\nkind: Nonsense\n");
                Thread.sleep(1500);
                assertTrue(node.view().current().byCgroupId(cg).rules().policies().contains("ksp/default/only-allow-nginx-exec"),
                        "a file that became invalid keeps its last good version in force");

                Files.delete(policies.resolve("seed.yaml"));
                await("policy removal applied", Duration.ofSeconds(2),
                        () -> node.view().current().byCgroupId(cg).rules().policies().isEmpty());
            }
            await("container dropped", Duration.ofSeconds(1), () -> node.view().current().all().isEmpty());
            assertTrue(enforcer.applied.isEmpty(), "the enforcer forgot it too");
            assertTrue(watched.isEmpty(), "the monitor no longer watches it");
        }
    }

    @Test
    void aRefusedPublishIsRetriedWithBackoffAndTheViewWaitsForTheEnforcer(@TempDir Path policies) throws Exception {
        RecordingEnforcer enforcer = new RecordingEnforcer();
        enforcer.failNext.set(3);
        Files.copy(SEED, policies.resolve("seed.yaml"));
        NodeSettings settings = NodeSettings.from(config(policies, ""));
        try (Node node = Node.startStandalone(kit.system(), settings, enforcer, MonitorVisibility.NONE, m -> { });
             RuncContainer c = RuncContainer.builder().annotation("io.kubernetes.pod.namespace", "default")
                     .annotation("palisade.dev/label.app", "nginx").start()) {
            long cg = c.cgroupId();
            Thread.sleep(300);
            assertNull(node.view().current().byCgroupId(cg), "nothing is published the enforcer does not hold");
            await("published after retries", Duration.ofSeconds(5), () -> node.view().current().byCgroupId(cg) != null);
            assertEquals(4, enforcer.applies.get());
            node.ready().toCompletableFuture().get(1, TimeUnit.SECONDS);
        }
    }

    @Test
    void containersWithoutANamespaceAnnotationAreInContainerNamespace(@TempDir Path policies) throws Exception {
        RecordingEnforcer enforcer = new RecordingEnforcer();
        try (Node node = Node.startStandalone(kit.system(), NodeSettings.from(config(policies, "")), enforcer,
                MonitorVisibility.NONE, m -> { });
             RuncContainer c = RuncContainer.builder().start()) {
            await("published", Duration.ofSeconds(1), () -> node.view().current().byCgroupId(c.cgroupId()) != null);
            assertEquals("container_namespace", node.view().current().byCgroupId(c.cgroupId()).container().namespace());
        }
    }

    @Test
    void invalidPostureAnnotationsFallBackToTheGlobalDefaultAndSayWhy(@TempDir Path policies) throws Exception {
        List<AgentMessage> messages = new CopyOnWriteArrayList<>();
        RecordingEnforcer enforcer = new RecordingEnforcer();
        Files.copy(SEED, policies.resolve("seed.yaml"));
        try (Node node = Node.startStandalone(kit.system(), NodeSettings.from(config(policies, "palisade.posture.file = block")),
                enforcer, MonitorVisibility.NONE, messages::add);
             RuncContainer c = RuncContainer.builder().annotation("io.kubernetes.pod.namespace", "default")
                     .annotation("palisade.dev/label.app", "nginx").start()) {
            long cg = c.cgroupId();
            await("published", Duration.ofSeconds(1), () -> node.view().current().byCgroupId(cg) != null);
            node.guardian().tell(new NodeGuardian.NamespaceChanged("default",
                    java.util.Map.of("kubearmor-file-posture", "Audit", "kubearmor-network-posture", "deny")));
            await("audit posture", Duration.ofSeconds(1),
                    () -> node.view().current().byCgroupId(cg).rules().posture().file() == PostureMode.AUDIT);
            await("a message", Duration.ofSeconds(1), () -> !messages.isEmpty());
            assertTrue(messages.getFirst().message().contains("kubearmor-network-posture=\"deny\" is not audit or block"),
                    messages.toString());
            assertEquals(PostureMode.AUDIT, node.view().current().byCgroupId(cg).rules().posture().network());
            assertEquals(Set.of(), Set.copyOf(List.of()));
        }
    }
}
