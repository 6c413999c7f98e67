package dev.palisade.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.palisade.policy.model.PolicyGroup;
import dev.palisade.policy.schema.PolicyKind;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.servers.FreePorts;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kubernetes mode cannot start against an API server it cannot use: the start fails at once (not after the ready
 * timeout, which is set to a minute here) with the server's address, what failed and the fix, and what the start
 * set up in the kernel meanwhile is undone.
 */
@Requires({Need.ROOT, Need.BPF}) // the check runs while the kernel side starts
@Timeout(30)
class KubernetesStartErrorsTest {
    static Config config(String masterUrl) {
        return AgentConfig.load(null, Map.of(
                "palisade.mode", "kubernetes",
                "palisade.node-name", "node-1",
                "palisade.kubernetes.master-url", masterUrl,
                "palisade.agent.ready-timeout", "60s",
                "palisade.agent.enforcer", "audit-only",
                "palisade.metrics.enabled", false,
                "palisade.sinks.stdout.enabled", false,
                "palisade.sinks.grpc.enabled", false));
    }

    /**
     * fabric8's CRUD mock, answering {@code refusal.apply(path)} (a Status with that code, as a real API server
     * words it) where that is not null.
     */
    static KubernetesMockServer apiServer(Function<String, Integer> refusal) throws Exception {
        List<CustomResourceDefinitionContext> crds = Arrays.stream(PolicyKind.values()).map(k ->
                new CustomResourceDefinitionContext.Builder().withGroup(PolicyGroup.GROUP).withVersion(PolicyGroup.VERSION)
                        .withKind(k.kind()).withPlural(k.plural()).withScope(k.namespaced() ? "Namespaced" : "Cluster")
                        .build()).toList();
        KubernetesCrudDispatcher state = new KubernetesCrudDispatcher(crds) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                Integer code = refusal.apply(request.getPath());
                if (code == null) return super.dispatch(request);
                String reason = switch (code) {
                    case 401 -> "Unauthorized";
                    case 403 -> "Forbidden";
                    default -> "NotFound";
                };
                String message = switch (code) {
                    case 401 -> "Unauthorized";
                    case 403 -> "pods is forbidden: User \\\"system:serviceaccount:palisade:palisade\\\" cannot list "
                            + "resource \\\"pods\\\" in API group \\\"\\\" at the cluster scope";
                    default -> "the server could not find the requested resource";
                };
                return new MockResponse().setResponseCode(code).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message + "\",\"reason\":\"" + reason
                        + "\",\"code\":" + code + "}");
            }
        };
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), state, false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        return server;
    }

    static IllegalStateException startFails(String masterUrl) {
        return assertThrows(IllegalStateException.class, () -> Agent.start(config(masterUrl)).close());
    }

    @Test
    void anUnreachableApiServerIsNamedWithTheFix() {
        String url = "http://127.0.0.1:" + FreePorts.closed();
        IllegalStateException e = startFails(url);
        assertTrue(e.getMessage().startsWith("Kubernetes mode: cannot reach the API server at " + url), e.getMessage());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertTrue(e.getMessage().contains("palisade.kubernetes.master-url") && e.getMessage().contains("--kubeconfig")
                && e.getMessage().contains("--mode standalone"), e.getMessage());
    }

    @Test
    void refusedCredentialsAreNamed() throws Exception {
        KubernetesMockServer server = apiServer(path -> 401);
        try {
            IllegalStateException e = startFails(url(server));
            assertTrue(e.getMessage().contains("refused the agent's credentials (401 Unauthorized"), e.getMessage());
            assertTrue(e.getMessage().contains("service account token") && e.getMessage().contains("--kubeconfig"), e.getMessage());
        } finally {
            server.destroy();
        }
    }

    @Test
    void aListRbacForbidsIsNamedWithTheRoleToApply() throws Exception {
        KubernetesMockServer server = apiServer(path -> path.startsWith("/api/v1/pods") ? 403 : null);
        try {
            IllegalStateException e = startFails(url(server));
            assertTrue(e.getMessage().contains("forbids listing pods (403 Forbidden: pods is forbidden: User "
                    + "\"system:serviceaccount:palisade:palisade\" cannot list"), e.getMessage());
            assertTrue(e.getMessage().endsWith("kubectl apply -f deploy/rbac.yaml"), e.getMessage());
        } finally {
            server.destroy();
        }
    }

    @Test
    void missingKubeArmorCrdsAreNamed() throws Exception {
        KubernetesMockServer server = apiServer(path -> path.contains("/kubearmorclusterpolicies") ? 404 : null);
        try {
            IllegalStateException e = startFails(url(server));
            assertEquals("Kubernetes mode: the API server at " + url(server) + " does not serve "
                    + "kubearmorclusterpolicies.security.kubearmor.com (404): KubeArmor's CRDs are not installed; "
                    + "kubectl apply -f deploy/crds/", e.getMessage());
        } finally {
            server.destroy();
        }
    }

    static String url(KubernetesMockServer server) {
        return "http://127.0.0.1:" + server.getPort();
    }

    @Test
    void inAPodTheEmbeddedDefaultIsKubernetesMode(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int port = FreePorts.closed();
        java.nio.file.Path conf = java.nio.file.Files.writeString(dir.resolve("agent.conf"), """
                palisade.metrics.port = 0
                palisade.sinks.grpc { port = 0, health-port = 0 }
                palisade.discovery.state-roots = ["%s"]
                """.formatted(SeedWalkthroughTest.runcRoot(dir)));
        // what kubelet sets in every pod; mode = auto (conf/palisade.conf) then means Kubernetes, in-cluster
        Process run = AlertToEverySinkTest.palisade(dir, "run", Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                "KUBERNETES_SERVICE_PORT", Integer.toString(port), "KUBECONFIG", dir.resolve("no-kubeconfig").toString()),
                "run", "--config", conf.toString());
        if (!run.waitFor(25, java.util.concurrent.TimeUnit.SECONDS)) {
            run.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            throw new AssertionError("palisade run in a pod without its API server kept running");
        }
        String err = AlertToEverySinkTest.read(dir.resolve("run.err"));
        assertEquals(1, run.exitValue(), err);
        assertTrue(err.contains("palisade: could not start: Kubernetes mode: cannot reach the API server at https://127.0.0.1:"
                + port + " (connection refused)"), err);
    }
}
