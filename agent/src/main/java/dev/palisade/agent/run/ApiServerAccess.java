package dev.palisade.agent.run;

import dev.palisade.actors.NodeSettings;
import dev.palisade.policy.model.PolicyGroup;
import dev.palisade.policy.schema.PolicyKind;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Kubernetes mode's check before the informers start: one request for each kind of object they will list, so that an
 * API server that cannot be reached, refuses the agent's credentials, forbids a list (RBAC) or lacks KubeArmor's CRDs
 * stops the start with what to fix, instead of informers retrying silently until the ready timeout. Once started,
 * an outage is different: the informers retry and the last known state stays in force.
 */
final class ApiServerAccess {
    private static final ListOptions ONE = new ListOptionsBuilder().withLimit(1L).build();

    private ApiServerAccess() {}

    /** Throws {@link IllegalStateException} naming the API server, what failed and the fix. */
    static void verify(NodeSettings settings) {
        Config config = config(settings.kubernetes());
        String url = config.getMasterUrl().replaceAll("/+$", "");
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            read(url, "pods", "", () -> client.pods().inAnyNamespace().withField("spec.nodeName", settings.nodeName()).list(ONE));
            read(url, "namespaces", "", () -> client.namespaces().list(ONE));
            read(url, "nodes", "", () -> client.nodes().withName(settings.nodeName()).get());
            for (PolicyKind kind : PolicyKind.values()) {
                var ops = client.genericKubernetesResources(context(kind));
                read(url, kind.plural(), PolicyGroup.GROUP, () -> (kind.namespaced() ? ops.inAnyNamespace() : ops).list(ONE));
            }
        }
    }

    /** As the informers' client is configured (actors' KubernetesClients), but failing at once instead of retrying. */
    static Config config(NodeSettings.KubernetesSettings s) {
        ConfigBuilder b = new ConfigBuilder(Config.autoConfigure(null));
        if (!s.masterUrl().isEmpty()) b.withMasterUrl(s.masterUrl());
        return b.withConnectionTimeout((int) s.connectTimeout().toMillis())
                .withRequestTimeout((int) s.requestTimeout().toMillis())
                .withRequestRetryBackoffLimit(0)
                .build();
    }

    private static ResourceDefinitionContext context(PolicyKind kind) {
        return new ResourceDefinitionContext.Builder().withGroup(PolicyGroup.GROUP).withVersion(PolicyGroup.VERSION)
                .withKind(kind.kind()).withPlural(kind.plural()).withNamespaced(kind.namespaced()).build();
    }

    private static void read(String url, String resource, String group, Runnable request) {
        try {
            request.run();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException(explain(url, resource, group, e), e);
        }
    }

    static String explain(String url, String resource, String group, KubernetesClientException e) {
        String what = group.isEmpty() ? resource : resource + "." + group;
        String status = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        // no HTTP answer at all: fabric8 reports -1 (or 0) with the I/O error as the cause
        int code = e.getCode() <= 0 ? 0 : e.getCode();
        return switch (code) {
            case 401 -> "Kubernetes mode: the API server at " + url + " refused the agent's credentials (401 Unauthorized: "
                    + status + "); in a pod, mount the service account token (deploy/daemonset.yaml), else give a "
                    + "kubeconfig whose user is valid (--kubeconfig FILE or KUBECONFIG)";
            case 403 -> "Kubernetes mode: the API server at " + url + " forbids listing " + what + " (403 Forbidden: "
                    + status + "); grant the agent's account get, list and watch on pods, namespaces, nodes and the "
                    + "KubeArmor policies: kubectl apply -f deploy/rbac.yaml";
            case 404 -> group.isEmpty()
                    ? "Kubernetes mode: the API server at " + url + " does not serve " + what + " (404: " + status
                            + "); is " + url + " a Kubernetes API server?"
                    : "Kubernetes mode: the API server at " + url + " does not serve " + what + " (404): KubeArmor's "
                            + "CRDs are not installed; kubectl apply -f deploy/crds/";
            case 0 -> "Kubernetes mode: cannot reach the API server at " + url + " (" + cause(e) + "); set "
                    + "palisade.kubernetes.master-url, give a kubeconfig (--kubeconfig FILE or KUBECONFIG) or run in a pod "
                    + "with its service account; without Kubernetes use --mode standalone";
            default -> "Kubernetes mode: the API server at " + url + " answered " + e.getCode() + " to listing " + what
                    + " (" + status + "); check the API server, or run with --mode standalone";
        };
    }

    /** The root cause in a few words: connection refused, unknown host, TLS, timeout. */
    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused" + (detail.toLowerCase(java.util.Locale.ROOT).contains("refused") ? "" : ": " + detail);
            }
            if (t instanceof UnknownHostException) return "unknown host: " + detail;
            if (t instanceof SSLException) return "TLS failed: " + detail;
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) return "timed out: " + detail;
            if (t.getCause() == t) break;
        }
        return root instanceof IOException ? detail : root.getClass().getSimpleName() + ": " + detail;
    }
}
