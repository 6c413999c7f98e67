package dev.palisade.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.PostureMode;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.RuncContainer;
import dev.palisade.workload.ProtectedWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone mode end to end: real runc containers (in a runc state root of the test's own, so other tests'
 * containers are not seen), a real policy directory, the recording enforcer at the kernel boundary.
 */
@Requires(Need.RUNC)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class StandaloneNodeTest {
    static final Duration ONE_SECOND = Duration.ofSeconds(1);
    final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    static NodeSettings settings(Path runcRoot, Path policies, String extra) {
        return NodeSettings.from(ConfigFactory.parseString("""
                palisade.policies.directory = "%s"
                palisade.discovery.runc-root = "%s"
                palisade.discovery.containerd-root = ""
                palisade.discovery.reconcile-interval = 30s
                palisade.node-name = test-node
                %s
                """.formatted(policies, runcRoot, extra)).withFallback(ConfigFactory.load()).resolve());
    }

    @Test
    void theSeedWalkthrough(@TempDir Path runcRoot, @TempDir Path policies) throws Exception {
        RecordingEnforcer enforcer = new RecordingEnforcer();
        Set<Long> watched = ConcurrentHashMap.newKeySet();
        List<AgentMessage> messages = new CopyOnWriteArrayList<>();
        MonitorVisibility visibility = new MonitorVisibility() {
            @Override
            public void watch(long id) {
                watched.add(id);
            }

            @Override
            public void unwatch(long id) {
                watched.remove(id);
            }
        };
        NodeSettings s = settings(runcRoot, policies, "palisade.posture.namespaces.default.file = block");
        try (Node node = Node.startStandalone(kit.system(), s, enforcer, visibility, messages::add)) {
            node.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            long cg;
            try (RuncContainer c = RuncContainer.builder().stateRoot(runcRoot)
                    .annotation("io.kubernetes.pod.namespace", "default")
                    .annotation("io.kubernetes.pod.name", "nginx-1")
                    .annotation("io.kubernetes.container.name", "nginx")
                    .annotation("palisade.dev/label.app", "nginx").start()) {
                cg = c.cgroupId();
                Await.until("container published", ONE_SECOND, () -> node.view().current().byCgroupId(cg) != null);
                ProtectedWorkload w = node.view().current().byCgroupId(cg);
                assertEquals("nginx", w.container().containerName());
                assertEquals("nginx-1", w.container().podName());
                assertEquals("default", w.container().namespace());
                assertEquals(Map.of("app", "nginx"), w.container().labels());
                assertEquals(c.initPid(), w.container().initPid());
                assertEquals(c.id(), w.container().containerId());
                assertTrue(w.rules().rules().isEmpty(), "no policy yet");
                Await.until("the monitor records the container", ONE_SECOND, () -> watched.contains(cg));
                assertSame(w, enforcer.applied.get(cg));

                Files.writeString(policies.resolve("seed.yaml"), TestPolicies.seedYaml());
                Await.until("seed policy compiled", ONE_SECOND,
                        () -> node.view().current().byCgroupId(cg).rules().policies().contains(TestPolicies.SEED_KEY));
                var rules = node.view().current().byCgroupId(cg).rules();
                assertSame(rules, enforcer.applied.get(cg).rules(), "the enforcer holds what the view shows");
                assertEquals(PostureMode.BLOCK, rules.posture().file(), "namespace posture from the configuration");
                assertTrue(rules.mode(OperationClass.PROCESS).leastPermissive());
                assertTrue(rules.matcher().process("/usr/sbin/chroot", "/bin/bash", false, 0, 0, null).denied());
                assertFalse(rules.matcher().process("/usr/sbin/nginx", "/bin/bash", false, 0, 0, null).denied());
                // The policy says /bin/bash; in this container /bin links to usr/bin, and the kernel reports the target.
                assertFalse(rules.matcher().process("/usr/bin/bash", "/bin/sh", false, 0, 0, null).denied(),
                        "policy paths are resolved in the container's root");
                assertFalse(rules.matcher().process("/bin/bash", "/bin/sh", false, 0, 0, null).denied());

                Files.writeString(policies.resolve("broken.yaml"), "apiVersion: security.kubearmor.com/v1\n"
                        + "kind: KubeArmorPolicy\nmetadata: {name: broken}\nspec:\n  process:\n    matchPaths: [{path: relative}]\n");
                Await.until("the broken file reported", Duration.ofSeconds(2), () -> messages.stream()
                        .anyMatch(m -> m.message().contains("broken.yaml") && m.message().contains("spec.process.matchPaths[0].path")));
                assertEquals(List.of(TestPolicies.SEED_KEY), node.view().current().byCgroupId(cg).rules().policies(),
                        "an invalid file does not disturb the others");

                Files.writeString(policies.resolve("seed.yaml"), "apiVersion: security.kubearmor.com/v1\nkind: Nonsense\n");
                Await.until("the seed's new version reported", Duration.ofSeconds(2), () -> messages.stream()
                        .anyMatch(m -> m.message().contains("seed.yaml") && m.message().contains("Nonsense")));
                assertEquals(List.of(TestPolicies.SEED_KEY), node.view().current().byCgroupId(cg).rules().policies(),
                        "a file that became invalid keeps its last good version in force");

                Files.delete(policies.resolve("seed.yaml"));
                Await.until("policy removal applied", ONE_SECOND,
                        () -> node.view().current().byCgroupId(cg).rules().policies().isEmpty());
            }
            Await.until("container dropped", ONE_SECOND, () -> node.view().current().byCgroupId(cg) == null);
            assertFalse(enforcer.applied.containsKey(cg), "the enforcer forgot it too");
            Await.until("the monitor no longer records it", ONE_SECOND, () -> !watched.contains(cg));
        }
    }

    @Test
    void aContainerWhoseInitDiesIsDroppedWithinASecond(@TempDir Path runcRoot, @TempDir Path policies) throws Exception {
        RecordingEnforcer enforcer = new RecordingEnforcer();
        try (Node node = Node.startStandalone(kit.system(), settings(runcRoot, policies, ""), enforcer,
                MonitorVisibility.NONE, m -> { });
             RuncContainer c = RuncContainer.builder().stateRoot(runcRoot).start()) {
            long cg = c.cgroupId();
            Await.until("published", ONE_SECOND, () -> node.view().current().byCgroupId(cg) != null);
            assertEquals("container_namespace", node.view().current().byCgroupId(cg).container().namespace(),
                    "no namespace annotation");
            ProcessHandle.of(c.initPid()).orElseThrow().destroyForcibly();
            Await.until("dropped although runc still has its state", ONE_SECOND,
                    () -> node.view().current().byCgroupId(cg) == null && !enforcer.applied.containsKey(cg));
        }
    }

    @Test
    void readinessCoversContainersRunningAtStartAndPoliciesAlreadyInTheDirectory(@TempDir Path runcRoot,
                                                                                 @TempDir Path policies) throws Exception {
        RecordingEnforcer enforcer = new RecordingEnforcer();
        Files.writeString(policies.resolve("seed.yaml"), TestPolicies.seedYaml());
        try (RuncContainer c = RuncContainer.builder().stateRoot(runcRoot)
                .annotation("io.kubernetes.pod.namespace", "default").annotation("palisade.dev/label.app", "nginx").start();
             Node node = Node.startStandalone(kit.system(), settings(runcRoot, policies, ""), enforcer,
                     MonitorVisibility.NONE, m -> { })) {
            node.ready().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(List.of(TestPolicies.SEED_KEY), node.view().current().byCgroupId(c.cgroupId()).rules().policies(),
                    "ready means the running container has its policies in force");
            assertEquals(1, enforcer.attemptsFor(c.cgroupId()), "compiled once, with the directory's policies");
        }
    }
}
