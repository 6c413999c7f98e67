package dev.palisade.actors;

import static dev.palisade.actors.SyntheticContainers.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.palisade.actors.discovery.RuntimeContainer;
import dev.palisade.actors.kubernetes.PodMetadata;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.ClassMode;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.PostureMode;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.workload.ProtectedWorkload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The guardian with synthetic containers: which containers a change reaches, posture, pods, host, readiness. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeGuardianTest {
    static final Duration SOON = Duration.ofSeconds(2);
    final ActorTestKit kit = ActorTestKit.create();
    final RecordingEnforcer enforcer = new RecordingEnforcer();
    final List<AgentMessage> messages = new CopyOnWriteArrayList<>();
    Node node;

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    @AfterEach
    void stopNode() {
        if (node != null) node.close();
        node = null;
        enforcer.applied.clear();
        enforcer.attempts.clear();
        enforcer.removed.clear();
        messages.clear();
    }

    Node start(String config) {
        NodeSettings s = NodeSettings.from(ConfigFactory.parseString(config + "\npalisade.node-name = test-node\n"
                + "palisade.publish.min-backoff = 20ms").withFallback(ConfigFactory.load()).resolve());
        node = Node.startWithoutSources(kit.system(), s, enforcer, MonitorVisibility.NONE, messages::add);
        return node;
    }

    void tell(NodeGuardian.Command c) {
        node.guardian().tell(c);
    }

    ProtectedWorkload published(RuntimeContainer c) {
        return node.view().current().byCgroupId(c.cgroupId());
    }

    /** Started, synced, and published once each. */
    void startSynced(List<Policy> policies, RuntimeContainer... cs) {
        for (RuntimeContainer c : cs) tell(new NodeGuardian.ContainerStarted(c));
        tell(new NodeGuardian.PoliciesReplaced(policies));
        tell(new NodeGuardian.SourcesSynced());
        tell(new NodeGuardian.InitialScanDone());
        Await.until("ready", SOON, () -> node.ready().toCompletableFuture().isDone());
    }

    @Test
    void containersWaitForTheSourcesAndReadinessWaitsForEveryContainer() {
        start("");
        RuntimeContainer c = container(1, "default", "nginx", Map.of("app", "nginx"));
        tell(new NodeGuardian.ContainerStarted(c));
        tell(new NodeGuardian.PolicyUpserted(TestPolicies.allowExec("default", "first", "nginx", "/bin/true")));
        tell(new NodeGuardian.PolicyUpserted(TestPolicies.seed()));
        Await.holds("nothing compiled before the sources are synced", Duration.ofMillis(300), () -> enforcer.attempts.isEmpty());
        tell(new NodeGuardian.SourcesSynced());
        Await.until("published", SOON, () -> published(c) != null);
        assertEquals(List.of("ksp/default/first", TestPolicies.SEED_KEY), published(c).rules().policies());
        assertEquals(1, enforcer.attemptsFor(c.cgroupId()), "compiled once, with the complete initial state");
        assertFalse(node.ready().toCompletableFuture().isDone(), "the first container scan is not done yet");
        tell(new NodeGuardian.InitialScanDone());
        Await.until("ready", SOON, () -> node.ready().toCompletableFuture().isDone());
    }

    @Test
    void readinessWaitsForAContainerTheEnforcerRefuses() {
        start("");
        RuntimeContainer c = container(2, "default", "nginx", Map.of("app", "nginx"));
        enforcer.refuse.add(c.cgroupId());
        tell(new NodeGuardian.ContainerStarted(c));
        tell(new NodeGuardian.SourcesSynced());
        tell(new NodeGuardian.InitialScanDone());
        Await.holds("not ready while a container is unprotected", Duration.ofMillis(300),
                () -> !node.ready().toCompletableFuture().isDone());
        enforcer.refuse.clear();
        Await.until("ready once the retry is accepted", SOON, () -> node.ready().toCompletableFuture().isDone());
    }

    @Test
    void aPolicyChangeReachesOnlyTheContainersItSelects() {
        start("");
        RuntimeContainer nginx = container(10, "default", "nginx", Map.of("app", "nginx"));
        RuntimeContainer redis = container(11, "default", "redis", Map.of("app", "redis"));
        RuntimeContainer elsewhere = container(12, "shop", "nginx", Map.of("app", "nginx"));
        startSynced(List.of(), nginx, redis, elsewhere);

        Policy v1 = TestPolicies.allowExec("default", "web", "nginx", "/bin/true");
        tell(new NodeGuardian.PolicyUpserted(v1));
        Await.until("nginx has it", SOON, () -> published(nginx).rules().policies().contains("ksp/default/web"));
        Policy v2 = TestPolicies.allowExec("default", "web", "nginx", "/bin/false");
        tell(new NodeGuardian.PolicyUpserted(v2));
        Await.until("nginx has v2", SOON, () -> published(nginx).rules().rules().stream()
                .anyMatch(r -> r.resource().equals("/bin/false")));
        tell(new NodeGuardian.PolicyUpserted(v2)); // the same again: nothing to do
        tell(new NodeGuardian.PolicyRemoved("ksp/default/web"));
        Await.until("nginx lost it", SOON, () -> published(nginx).rules().policies().isEmpty());
        assertEquals(4, enforcer.attemptsFor(nginx.cgroupId()), "initial, v1, v2, removal");
        assertEquals(1, enforcer.attemptsFor(redis.cgroupId()), "another app: never recompiled");
        assertEquals(1, enforcer.attemptsFor(elsewhere.cgroupId()), "another namespace: never recompiled");
    }

    @Test
    void aReplacedPolicySetIsDiffedAgainstWhatIsInForce() {
        start("");
        RuntimeContainer nginx = container(20, "default", "nginx", Map.of("app", "nginx"));
        RuntimeContainer redis = container(21, "default", "redis", Map.of("app", "redis"));
        Policy web = TestPolicies.allowExec("default", "web", "nginx", "/bin/true");
        Policy cache = TestPolicies.allowExec("default", "cache", "redis", "/bin/true");
        startSynced(List.of(web, cache), nginx, redis);
        assertEquals(List.of("ksp/default/web"), published(nginx).rules().policies());

        // Reparsed from disk: equal policies, new objects; only "cache" really changed.
        Policy webAgain = TestPolicies.allowExec("default", "web", "nginx", "/bin/true");
        Policy cache2 = TestPolicies.allowExec("default", "cache", "redis", "/bin/false");
        tell(new NodeGuardian.PoliciesReplaced(List.of(webAgain, cache2)));
        Await.until("redis recompiled", SOON, () -> enforcer.attemptsFor(redis.cgroupId()) == 2);
        tell(new NodeGuardian.PoliciesReplaced(List.of(cache2)));
        Await.until("web gone from nginx", SOON, () -> published(nginx).rules().policies().isEmpty());
        assertEquals(2, enforcer.attemptsFor(nginx.cgroupId()));
        assertEquals(2, enforcer.attemptsFor(redis.cgroupId()));
    }

    @Test
    void clusterPoliciesSelectByNamespaceExpression() {
        start("");
        RuntimeContainer inShop = container(30, "shop", "api", Map.of("app", "api"));
        RuntimeContainer inDefault = container(31, "default", "api", Map.of("app", "api"));
        RuntimeContainer bare = container(32, null, null, Map.of());
        Policy csp = TestPolicies.parse("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorClusterPolicy
                metadata: {name: shop-only}
                spec:
                  selector:
                    matchExpressions: [{key: namespace, operator: In, values: [shop]}]
                  capabilities:
                    matchCapabilities: [{capability: net_raw}]
                  action: Block
                """);
        startSynced(List.of(csp), inShop, inDefault, bare);
        assertEquals(List.of("csp/shop-only"), published(inShop).rules().policies());
        assertTrue(published(inDefault).rules().policies().isEmpty());
        assertEquals("container_namespace", published(bare).container().namespace(), "no namespace annotation");
    }

    @Test
    void podsGiveLabelsNamesOwnerAndAuditedModeLive() {
        start("");
        RuntimeContainer c = SyntheticContainers.withAnnotations(container(40, null, null, Map.of()),
                Map.of("io.kubernetes.cri.sandbox-namespace", "default", "io.kubernetes.cri.sandbox-name", "web-7d9f-abcde"));
        startSynced(List.of(TestPolicies.seed()), c);
        assertTrue(published(c).rules().policies().isEmpty(), "no labels yet");

        PodOwner owner = new PodOwner("Deployment", "web", "default");
        var status = Map.of(c.id(), new PodMetadata.PodContainer("nginx", "docker.io/library/nginx:1.27"));
        tell(new NodeGuardian.PodUpserted(new PodMetadata("uid-1", "default", "web-7d9f-abcde", "other-node",
                Map.of("app", "nginx"), owner, false, status)));
        Await.holds("another node's pod is ignored", Duration.ofMillis(200), () -> published(c).rules().policies().isEmpty());

        tell(new NodeGuardian.PodUpserted(new PodMetadata("uid-1", "default", "web-7d9f-abcde", "test-node",
                Map.of("app", "nginx"), owner, false, status)));
        Await.until("the pod's labels select the seed", SOON, () -> published(c).rules().policies().contains(TestPolicies.SEED_KEY));
        var info = published(c).container();
        assertEquals("nginx", info.containerName());
        assertEquals("docker.io/library/nginx:1.27", info.image());
        assertEquals("web-7d9f-abcde", info.podName());
        assertEquals(owner, info.owner());
        assertEquals(ClassMode.LEAST_PERMISSIVE, published(c).rules().mode(OperationClass.PROCESS));

        tell(new NodeGuardian.PodUpserted(new PodMetadata("uid-1", "default", "web-7d9f-abcde", "test-node",
                Map.of("app", "nginx"), owner, true, status)));
        Await.until("kubearmor-policy: audited makes it dry-run", SOON,
                () -> published(c).rules().mode(OperationClass.PROCESS) == ClassMode.LEAST_PERMISSIVE_DRY_RUN);

        tell(new NodeGuardian.PodUpserted(new PodMetadata("uid-1", "default", "web-7d9f-abcde", "test-node",
                Map.of("app", "nginx-canary"), owner, true, status)));
        Await.until("relabelled out of the policy", SOON, () -> published(c).rules().policies().isEmpty());
    }

    @Test
    void namespaceAnnotationsSetThePosturePerClassCaseInsensitivelyAndLive() {
        start("palisade.posture { file = audit, network = block, capabilities = audit }");
        RuntimeContainer c = container(50, "prod", "api", Map.of("app", "api"));
        RuntimeContainer other = container(51, "dev", "api", Map.of("app", "api"));
        startSynced(List.of(), c, other);
        assertEquals(new Posture(PostureMode.AUDIT, PostureMode.BLOCK, PostureMode.AUDIT), published(c).rules().posture());

        tell(new NodeGuardian.NamespaceChanged("prod", Map.of("kubearmor-file-posture", "BLOCK")));
        Await.until("file posture block", SOON, () -> published(c).rules().posture().file() == PostureMode.BLOCK);
        assertEquals(PostureMode.BLOCK, published(c).rules().posture().network(), "other classes follow the global value");
        assertEquals(PostureMode.AUDIT, published(c).rules().posture().capabilities(), "other classes follow the global value");
        assertEquals(PostureMode.AUDIT, published(other).rules().posture().file(), "another namespace is untouched");
        assertEquals(1, enforcer.attemptsFor(other.cgroupId()));

        tell(new NodeGuardian.NamespaceChanged("prod", Map.of("kubearmor-file-posture", "Block",
                "kubearmor-capabilities-posture", " audit ", "unrelated", "x")));
        Await.holds("an equivalent value changes nothing", Duration.ofMillis(200), () -> enforcer.attemptsFor(c.cgroupId()) == 2);

        tell(new NodeGuardian.NamespaceChanged("prod", Map.of()));
        Await.until("annotation removed: back to the global value", SOON,
                () -> published(c).rules().posture().file() == PostureMode.AUDIT);
        assertTrue(messages.isEmpty(), messages.toString());
    }

    @Test
    void anInvalidPostureAnnotationFallsBackToTheGlobalDefaultAndIsReportedOncePerValue() {
        start("""
                palisade.posture { file = audit, network = block, capabilities = audit }
                palisade.posture.namespaces.prod { network = audit, file = block }
                """);
        RuntimeContainer c = container(60, "prod", "api", Map.of("app", "api"));
        startSynced(List.of(), c);
        assertEquals(new Posture(PostureMode.BLOCK, PostureMode.AUDIT, PostureMode.AUDIT), published(c).rules().posture(),
                "the namespace's configured posture over the global one");

        tell(new NodeGuardian.NamespaceChanged("prod", Map.of("kubearmor-network-posture", "deny")));
        Await.until("network falls back to the global block", SOON,
                () -> published(c).rules().posture().network() == PostureMode.BLOCK);
        assertEquals(PostureMode.BLOCK, published(c).rules().posture().file(), "unannotated classes keep the namespace's value");
        Await.until("reported", SOON, () -> messages.size() == 1);
        AgentMessage m = messages.getFirst();
        assertEquals("namespace prod: annotation kubearmor-network-posture=\"deny\" is not audit or block; using the "
                + "global network posture (block)", m.message());
        assertEquals("Warning", m.level());
        assertEquals("test-node", m.hostName());

        tell(new NodeGuardian.NamespaceChanged("prod", Map.of("kubearmor-network-posture", "deny", "owner", "team-a")));
        tell(new NodeGuardian.NamespaceChanged("prod", Map.of("kubearmor-network-posture", "deny", "owner", "team-b")));
        Await.holds("the same bad value is not reported again", Duration.ofMillis(300), () -> messages.size() == 1);
        tell(new NodeGuardian.NamespaceChanged("prod", Map.of("kubearmor-network-posture", "")));
        Await.until("a new bad value is", SOON, () -> messages.size() == 2);
        tell(new NodeGuardian.NamespaceChanged("prod", Map.of("kubearmor-network-posture", "audit")));
        Await.until("fixed", SOON, () -> published(c).rules().posture().network() == PostureMode.AUDIT);
    }

    @Test
    void hostPoliciesFollowTheNodeLabelsAndARefusedHostPublishIsRetried() {
        start("palisade.node-labels { role = worker }");
        Policy hsp = TestPolicies.parse("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorHostPolicy
                metadata: {name: edge-no-raw}
                spec:
                  nodeSelector: {matchLabels: {role: edge}}
                  process:
                    matchPaths: [{path: /usr/bin/nc}]
                  action: Block
                """);
        enforcer.hostFailNext.set(2);
        startSynced(List.of(hsp));
        assertTrue(node.view().current().host().policies().isEmpty(), "role=worker is not selected");
        assertNotNull(enforcer.host, "the host's (empty) rules were applied after two refusals");

        tell(new NodeGuardian.NodeLabelsChanged(Map.of("role", "edge")));
        Await.until("host policy in force", SOON, () -> node.view().current().host().policies().equals(List.of("hsp/edge-no-raw")));
        assertEquals(List.of("hsp/edge-no-raw"), enforcer.host.policies());
        assertTrue(enforcer.host.matcher().process("/usr/bin/nc", "/bin/sh", false, 0, 0, null).denied());
    }

    @Test
    void aContainerRestartedUnderTheSameIdIsANewContainer() {
        start("");
        RuntimeContainer first = container(70, "default", "nginx", Map.of("app", "nginx"));
        startSynced(List.of(TestPolicies.seed()), first);
        RuntimeContainer second = new RuntimeContainer(first.id(), first.initPid() + 1, first.initStartTicks() + 5,
                first.rootfs(), first.cgroupV2Path(), first.cgroupId() + 1, first.annotations(), first.stateFile());
        tell(new NodeGuardian.ContainerStarted(second));
        Await.until("the new one published", SOON, () -> published(second) != null);
        Await.until("the old one gone", SOON, () -> published(first) == null && !enforcer.applied.containsKey(first.cgroupId()));
        tell(new NodeGuardian.ContainerStopped(first)); // a late report about the old process changes nothing
        Await.holds("the new one stays", Duration.ofMillis(200), () -> published(second) != null);
        tell(new NodeGuardian.ContainerStopped(second));
        Await.until("removed", SOON, () -> published(second) == null && enforcer.applied.isEmpty());
    }

    @Test
    void closingTakesEveryContainersRulesOutOfForce() {
        start("");
        startSynced(List.of(TestPolicies.seed()), container(80, "default", "a", Map.of("app", "nginx")),
                container(81, "default", "b", Map.of()));
        assertEquals(2, enforcer.applied.size());
        node.close();
        assertTrue(enforcer.applied.isEmpty(), "close() returns once every actor has removed its rules");
        assertTrue(node.view().current().all().isEmpty());
        node = null;
    }

    @Test
    void aContainerWithoutCgroupCannotBeProtectedAndSaysSo() {
        start("");
        RuntimeContainer c = container(90, "default", "x", Map.of());
        RuntimeContainer noCgroup = new RuntimeContainer(c.id(), c.initPid(), c.initStartTicks(), c.rootfs(), "", 0,
                c.annotations(), c.stateFile());
        startSynced(List.of(), noCgroup);
        assertNull(published(noCgroup));
        assertTrue(messages.getFirst().message().contains("has no cgroup v2 directory"), messages.toString());
    }
}
