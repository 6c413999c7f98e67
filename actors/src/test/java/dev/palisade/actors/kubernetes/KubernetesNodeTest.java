package dev.palisade.actors.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.palisade.actors.Await;
import dev.palisade.actors.MonitorVisibility;
import dev.palisade.actors.Node;
import dev.palisade.actors.NodeGuardian;
import dev.palisade.actors.NodeSettings;
import dev.palisade.actors.RecordingEnforcer;
import dev.palisade.actors.SyntheticContainers;
import dev.palisade.actors.TestPolicies;
import dev.palisade.actors.discovery.RuntimeContainer;
import dev.palisade.policy.compile.PostureMode;
import dev.palisade.policy.schema.PolicyKind;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.RuncContainer;
import dev.palisade.workload.ProtectedWorkload;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes mode against fabric8's mock API server in CRUD mode: real informers, the guardian, container actors
 * and the recording enforcer. The container is reported to the guardian as discovery would (a synthetic runtime
 * state; the runc-based tests cover discovery), everything else comes from the API server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class KubernetesNodeTest {
    static final Duration SOON = Duration.ofSeconds(1);
    static final String NODE = "test-node";
    final ActorTestKit kit = ActorTestKit.create();
    final RecordingEnforcer enforcer = new RecordingEnforcer();
    final List<AgentMessage> messages = new CopyOnWriteArrayList<>();
    final RuntimeContainer container = SyntheticContainers.container(7, null, null, Map.of());
    ApiServer api;
    KubernetesClient nodeClient;
    Node node;

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    @AfterEach
    void stop() {
        if (node != null) node.close();
        if (nodeClient != null) nodeClient.close();
        if (api != null) api.close();
        enforcer.applied.clear();
        messages.clear();
    }

    /** The API server with this node, namespace default and one nginx pod whose status lists the container. */
    void cluster() {
        api = ApiServer.start();
        api.node(NODE, Map.of("kubernetes.io/hostname", NODE, "role", "worker"));
        api.namespace("default", Map.of());
        api.pod("default", "nginx-5d8f7-x2x9q", NODE, Map.of("app", "nginx", "pod-template-hash", "5d8f7"), "nginx", container.id());
        api.pod("default", "elsewhere-7c6d5-abcde", "other-node", Map.of("app", "nginx"), "nginx", SyntheticContainers.id(8));
    }

    Node startNode(Path runcRoot) throws Exception {
        NodeSettings s = NodeSettings.from(ConfigFactory.parseString("""
                palisade.mode = kubernetes
                palisade.node-name = %s
                palisade.discovery.runc-root = "%s"
                palisade.discovery.containerd-root = ""
                palisade.posture { file = audit, network = audit, capabilities = audit }
                """.formatted(NODE, runcRoot)).withFallback(ConfigFactory.load()).resolve());
        nodeClient = api.newClient();
        node = Node.startKubernetes(kit.system(), s, nodeClient, enforcer, MonitorVisibility.NONE, messages::add);
        node.guardian().tell(new NodeGuardian.ContainerStarted(container));
        node.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return node;
    }

    ProtectedWorkload published() {
        return node.view().current().byCgroupId(container.cgroupId());
    }

    List<String> policiesInForce() {
        return published().rules().policies();
    }

    @Test
    void policiesNamespaceAnnotationsAndPodLabelsFromTheApiServerAreEachReflectedLive(@TempDir Path runcRoot) throws Exception {
        cluster();
        startNode(runcRoot);
        var info = published().container();
        assertEquals("nginx", info.containerName());
        assertEquals("nginx-5d8f7-x2x9q", info.podName());
        assertEquals("default", info.namespace());
        assertEquals(Map.of("app", "nginx", "pod-template-hash", "5d8f7"), info.labels());
        assertEquals(new PodOwner("Deployment", "nginx", "default"), info.owner(), "the ReplicaSet's Deployment");
        assertEquals("docker.io/library/nginx:1.27", info.image());
        assertTrue(policiesInForce().isEmpty());

        api.policy("default", TestPolicies.seedYaml());
        Await.until("the seed policy in force", SOON, () -> policiesInForce().equals(List.of(TestPolicies.SEED_KEY)));
        assertSame(published(), enforcer.applied.get(container.cgroupId()), "the enforcer holds what the view shows");
        assertEquals(PostureMode.AUDIT, published().rules().posture().file());
        assertTrue(!published().rules().matcher().process("/usr/sbin/chroot", "/bin/bash", false, 0, 0, null).denied(),
                "audit posture lets it pass");

        api.namespace("default", Map.of("kubearmor-file-posture", "block"));
        Await.until("block posture", SOON, () -> published().rules().posture().file() == PostureMode.BLOCK);
        assertTrue(published().rules().matcher().process("/usr/sbin/chroot", "/bin/bash", false, 0, 0, null).denied());
        assertSame(published(), enforcer.applied.get(container.cgroupId()));

        api.pod("default", "nginx-5d8f7-x2x9q", NODE, Map.of("app", "web", "pod-template-hash", "5d8f7"), "nginx", container.id());
        Await.until("relabelled out of the policy", SOON, () -> policiesInForce().isEmpty());
        assertEquals("web", published().container().labels().get("app"));

        api.pod("default", "nginx-5d8f7-x2x9q", NODE, Map.of("app", "nginx", "pod-template-hash", "5d8f7"), "nginx", container.id());
        Await.until("back in", SOON, () -> policiesInForce().equals(List.of(TestPolicies.SEED_KEY)));
        api.deletePolicy(PolicyKind.KUBEARMOR_POLICY, "default", "only-allow-nginx-exec");
        Await.until("policy deleted", SOON, () -> policiesInForce().isEmpty());
        assertTrue(enforcer.applied.get(container.cgroupId()).rules().policies().isEmpty());
        assertTrue(messages.isEmpty(), messages.toString());
    }

    @Test
    void invalidPoliciesAreReportedAndSkippedAndAValidOneTurnedInvalidKeepsItsLastGoodVersion(@TempDir Path runcRoot) throws Exception {
        cluster();
        api.policy("default", TestPolicies.seedYaml());
        api.policy("default", """
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: broken}
                spec:
                  selector: {matchLabels: {app: nginx}}
                  process:
                    matchPaths: [{path: relative/path}]
                  action: Block
                """);
        startNode(runcRoot);
        assertEquals(List.of(TestPolicies.SEED_KEY), policiesInForce(), "the broken policy is skipped, the seed applies");
        Await.until("the broken policy reported", SOON, () -> messages.stream().anyMatch(m ->
                m.message().contains("KubeArmorPolicy default/broken") && m.message().contains("spec.process.matchPaths[0].path")));

        api.policy("default", TestPolicies.seedYaml().replace("path: /usr/sbin/nginx", "path: nginx-without-slash"));
        Await.until("the seed's invalid version reported", SOON, () -> messages.stream().anyMatch(m ->
                m.message().contains("only-allow-nginx-exec") && m.message().contains("last good version stays in force")));
        assertEquals(List.of(TestPolicies.SEED_KEY), policiesInForce());
        assertTrue(published().rules().rules().stream().anyMatch(r -> r.resource().equals("/usr/sbin/nginx")),
                "the last good version, not the invalid one");

        api.policy("default", TestPolicies.seedYaml().replace("path: /usr/sbin/nginx", "path: /usr/sbin/nginx-debug"));
        Await.until("fixed version in force", SOON, () -> published().rules().rules().stream()
                .anyMatch(r -> r.resource().equals("/usr/sbin/nginx-debug")));
    }

    @Test
    @Requires(Need.RUNC)
    void aRealContainerFindsItsPodByTheKubeletCgroupBeforeThePodStatusNamesIt(@TempDir Path runcRoot) throws Exception {
        api = ApiServer.start();
        api.node(NODE, Map.of());
        api.namespace("default", Map.of());
        api.policy("default", TestPolicies.seedYaml());
        // The API server gives the pod its uid; kubelet names the pod's cgroup after it.
        String podUid = api.pod("6a0f1c8e-2b3d-4c5e-8f9a-0b1c2d3e4f5a", "default", "nginx-5d8f7-q8w7e", NODE,
                Map.of("app", "nginx", "pod-template-hash", "5d8f7"), "web", null).getMetadata().getUid();
        NodeSettings s = NodeSettings.from(ConfigFactory.parseString("""
                palisade.mode = kubernetes
                palisade.node-name = %s
                palisade.discovery.runc-root = "%s"
                palisade.discovery.containerd-root = ""
                """.formatted(NODE, runcRoot)).withFallback(ConfigFactory.load()).resolve());
        nodeClient = api.newClient();
        node = Node.startKubernetes(kit.system(), s, nodeClient, enforcer, MonitorVisibility.NONE, messages::add);
        node.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (RuncContainer c = RuncContainer.builder().stateRoot(runcRoot).kubeletCgroup(podUid, "besteffort").start()) {
            long cg = c.cgroupId();
            Await.until("published with the pod's labels", SOON, () -> node.view().current().byCgroupId(cg) != null
                    && node.view().current().byCgroupId(cg).rules().policies().equals(List.of(TestPolicies.SEED_KEY)));
            var info = node.view().current().byCgroupId(cg).container();
            assertEquals("default", info.namespace());
            assertEquals("nginx-5d8f7-q8w7e", info.podName());
            assertEquals(podUid, info.podUid());
            assertEquals(new PodOwner("Deployment", "nginx", "default"), info.owner());

            api.pod(podUid, "default", "nginx-5d8f7-q8w7e", NODE, Map.of("app", "nginx", "pod-template-hash", "5d8f7"), "web", c.id());
            Await.until("the container's name from the pod status", SOON,
                    () -> node.view().current().byCgroupId(cg).container().containerName().equals("web"));
            assertEquals("docker.io/library/nginx:1.27", node.view().current().byCgroupId(cg).container().image());
        }
    }

    @Test
    void hostPoliciesFollowTheNodeObjectsLabels(@TempDir Path runcRoot) throws Exception {
        cluster();
        api.policy(null, """
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorHostPolicy
                metadata: {name: edge-no-nc}
                spec:
                  nodeSelector: {matchLabels: {role: edge}}
                  process:
                    matchPaths: [{path: /usr/bin/nc}]
                  action: Block
                """);
        startNode(runcRoot);
        assertTrue(node.view().current().host().policies().isEmpty(), "role=worker");
        api.node(NODE, Map.of("kubernetes.io/hostname", NODE, "role", "edge"));
        Await.until("host policy in force", SOON, () -> node.view().current().host().policies().equals(List.of("hsp/edge-no-nc")));
        assertEquals(List.of("hsp/edge-no-nc"), enforcer.host.policies());
    }

    @Test
    void whileTheApiServerIsGoneTheLastStateStaysInForceAndOnReconnectEverythingIsListedAgain(@TempDir Path runcRoot)
            throws Exception {
        cluster();
        api.policy("default", TestPolicies.seedYaml());
        startNode(runcRoot);
        assertEquals(List.of(TestPolicies.SEED_KEY), policiesInForce());
        int port = api.port;
        ProtectedWorkload before = published();
        api.close();

        Await.holds("the last known state stays in force", Duration.ofSeconds(3), () -> published() == before
                && enforcer.applied.get(container.cgroupId()) == before);

        // What changed meanwhile: the seed was deleted, another policy created, the namespace annotated.
        var changed = ApiServer.newState();
        try (ApiServer elsewhere = ApiServer.start(changed, 0)) {
            elsewhere.advanceResourceVersions(20); // one etcd: versions only grow
            elsewhere.node(NODE, Map.of("kubernetes.io/hostname", NODE));
            elsewhere.namespace("default", Map.of("kubearmor-file-posture", "block"));
            elsewhere.pod("default", "nginx-5d8f7-x2x9q", NODE, Map.of("app", "nginx", "pod-template-hash", "5d8f7"),
                    "nginx", container.id());
            elsewhere.policy("default", TestPolicies.allowExecYaml("default", "nginx-v2", "nginx", "/usr/sbin/nginx"));
        }
        api = ApiServer.restart(changed, port);
        Await.until("resynced after reconnecting", Duration.ofSeconds(10),
                () -> policiesInForce().equals(List.of("ksp/default/nginx-v2"))
                        && published().rules().posture().file() == PostureMode.BLOCK);

        api.policy("default", TestPolicies.seedYaml());
        Await.until("and watching again", SOON, () -> policiesInForce().contains(TestPolicies.SEED_KEY));
    }
}
