package dev.palisade.agent.run;

import static dev.palisade.agent.run.SeedWalkthroughTest.alerts;
import static dev.palisade.agent.run.SeedWalkthroughTest.await;
import static dev.palisade.agent.run.SeedWalkthroughTest.freePort;
import static dev.palisade.agent.run.SeedWalkthroughTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.palisade.actors.kubernetes.ApiServer;
import dev.palisade.policy.schema.PolicyKind;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.telemetry.Alert;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.ExecResult;
import dev.palisade.testing.containers.RuncContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed walkthrough in Kubernetes mode: the agent takes the pod, the namespace's posture annotation and the
 * seed's policy (unchanged) from an API server (fabric8's mock in CRUD mode, the one stand-in), and enforces them on
 * a real runc container running Debian's nginx, linked to its pod by the container id in the pod's status.
 */
@Requires({Need.RUNC, Need.FANOTIFY, Need.BPF})
@Timeout(180)
class KubernetesWalkthroughTest {
    static final String NODE = "walkthrough-node";
    static final String POD = "nginx-7c5b8d65b8-k8s01";

    static Config config(Path dir, int apiPort) {
        return AgentConfig.load(null, Map.ofEntries(
                Map.entry("palisade.mode", "kubernetes"),
                Map.entry("palisade.node-name", NODE),
                Map.entry("palisade.kubernetes.master-url", "http://127.0.0.1:" + apiPort),
                Map.entry("palisade.kubernetes.reconnect-interval", "100ms"),
                Map.entry("palisade.discovery.state-roots", List.of(SeedWalkthroughTest.runcRoot(dir).toString())),
                Map.entry("palisade.discovery.reconcile-interval", "500ms"),
                Map.entry("palisade.metrics.port", 0),
                Map.entry("palisade.sinks.stdout.enabled", false),
                Map.entry("palisade.sinks.grpc.enabled", false),
                Map.entry("palisade.sinks.file.enabled", true),
                Map.entry("palisade.sinks.file.path", dir.resolve("alerts.jsonl").toString()),
                Map.entry("palisade.sinks.file.kinds", List.of("alerts"))));
    }

    static List<Alert> chrootAlerts(Path dir) {
        try {
            return alerts(dir).stream().filter(a -> a.resource().equals("/usr/sbin/chroot")).toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    @Test
    void postureAnnotationAndSeedPolicyFromTheApiServerAreEnforcedAndFollowedLive(@TempDir Path dir) throws Exception {
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        String id = HexFormat.of().formatHex(random); // 64 hex digits, as containerd names containers
        int port = freePort();
        try (ApiServer api = ApiServer.start(); TcpRelay network = new TcpRelay(api.port)) {
            api.node(NODE, Map.of("kubernetes.io/hostname", NODE));
            api.namespace("default", Map.of("kubearmor-file-posture", "block"));
            api.policy("default", Files.readString(SeedWalkthroughTest.SEED));
            try (RuncContainer c = SeedWalkthroughTest.nginxBuilder(dir, port).id(id).start();
                 Agent agent = Agent.start(config(dir, network.port()))) {
                assertEquals(EnforcerKind.FANOTIFY, agent.enforcer(), "this host has no BPF-LSM");
                // kubelet reports the container in the pod's status once it runs
                api.pod("default", POD, NODE, Map.of("app", "nginx", "pod-template-hash", "7c5b8d65b8"), "nginx", id);
                await("container protected by the seed policy", Duration.ofSeconds(3), () -> {
                    var w = agent.node().view().current().byCgroupId(c.cgroupId());
                    return w != null && !w.rules().policies().isEmpty();
                });
                await("nginx serving", Duration.ofSeconds(10), () -> {
                    try {
                        return get(port).equals("200 served by nginx");
                    } catch (Exception e) {
                        return false;
                    }
                });

                ExecResult chroot = c.exec("/bin/bash", "-c", "chroot; exit $?");
                assertEquals(126, chroot.exitCode(), chroot::toString);
                assertTrue(chroot.stderr().contains("Operation not permitted"), chroot::toString);
                assertEquals("200 served by nginx", get(port), "nginx still answers");
                await("the Block alert", Duration.ofSeconds(3), () -> !chrootAlerts(dir).isEmpty());
                Alert blocked = chrootAlerts(dir).getFirst();
                assertEquals("DefaultPosture", blocked.policyName());
                assertEquals("Block", blocked.action());
                assertEquals("Operation not permitted", blocked.result());
                assertEquals("default", blocked.namespaceName());
                assertEquals(POD, blocked.podName(), "no CRI annotations: the pod was found by the container id in its status");
                assertEquals("nginx", blocked.containerName());
                assertTrue(blocked.labels().contains("app=nginx"), blocked.labels());

                // The namespace annotation changed live: audit within a second, nothing restarted.
                api.namespace("default", Map.of("kubearmor-file-posture", "audit"));
                await("audit posture", Duration.ofSeconds(1), () -> c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode() == 125);
                await("the Audit alert", Duration.ofSeconds(3), () -> chrootAlerts(dir).stream().anyMatch(a -> a.action().equals("Audit")));
                Alert audited = chrootAlerts(dir).stream().filter(a -> a.action().equals("Audit")).findFirst().orElseThrow();
                assertEquals("DefaultPosture", audited.policyName());
                assertEquals("Passed", audited.result());

                // Back to block, then the policy deleted: the container leaves least-permissive mode.
                api.namespace("default", Map.of("kubearmor-file-posture", "block"));
                await("block again", Duration.ofSeconds(1), () -> c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode() == 126);
                api.deletePolicy(PolicyKind.KUBEARMOR_POLICY, "default", "only-allow-nginx-exec");
                await("policy gone", Duration.ofSeconds(1), () -> c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode() == 125);
                api.policy("default", Files.readString(SeedWalkthroughTest.SEED));
                await("policy back", Duration.ofSeconds(1), () -> c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode() == 126);

                // The API server drops off the network; meanwhile the namespace goes to audit there. The agent keeps
                // enforcing what it last knew, nginx keeps serving, and once the server is back the change arrives.
                network.cut();
                api.namespace("default", Map.of("kubearmor-file-posture", "audit"));
                long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < end) {
                    ExecResult denied = c.exec("/bin/bash", "-c", "chroot; exit $?");
                    assertEquals(126, denied.exitCode(), () -> "during the outage: " + denied);
                    assertEquals("200 served by nginx", get(port));
                    Thread.sleep(200);
                }
                network.resume();
                await("the change made during the outage", Duration.ofSeconds(15),
                        () -> c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode() == 125);
            }
        }
    }

    @Test
    void startedOnANodeAlreadyRunningThePodItIsReadyOnlyOnceThePodsRulesAreInForce(@TempDir Path dir) throws Exception {
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        int port = freePort();
        try (ApiServer api = ApiServer.start()) {
            api.node(NODE, Map.of("kubernetes.io/hostname", NODE));
            api.namespace("default", Map.of("kubearmor-file-posture", "block"));
            api.policy("default", Files.readString(SeedWalkthroughTest.SEED));
            try (RuncContainer c = SeedWalkthroughTest.nginxBuilder(dir, port).id(id).start()) {
                api.pod("default", POD, NODE, Map.of("app", "nginx", "pod-template-hash", "7c5b8d65b8"), "nginx", id);
                try (Agent agent = Agent.start(config(dir, api.port))) {
                    // no waiting: ready means the informers listed everything and the container's rules are in force
                    var w = agent.node().view().current().byCgroupId(c.cgroupId());
                    assertTrue(w != null && w.rules().policies().equals(List.of("ksp/default/only-allow-nginx-exec")),
                            () -> "in force at ready: " + (w == null ? "nothing" : w.rules().policies()));
                    assertEquals(POD, w.container().podName());
                    assertEquals(200, java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + agent.metrics().port() + "/readyz")).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
                    ExecResult chroot = c.exec("/bin/bash", "-c", "chroot; exit $?");
                    assertEquals(126, chroot.exitCode(), chroot::toString);
                }
            }
        }
    }
}
