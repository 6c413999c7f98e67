package dev.palisade.actors.kubernetes;

import dev.palisade.policy.model.PolicyGroup;
import dev.palisade.policy.schema.PolicyKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's mock API server in CRUD mode (the one stand-in the project allows: no kube-apiserver can be had
 * here), with KubeArmor's three policy kinds registered, on 127.0.0.1. Its state lives in the dispatcher, so a
 * server can be stopped and another started on the same port with the same or a different state.
 */
public final class ApiServer implements AutoCloseable {
    final KubernetesCrudDispatcher state;
    final KubernetesMockServer server;
    public final int port;
    final KubernetesClient client;

    private ApiServer(KubernetesCrudDispatcher state, int port) {
        this.state = state;
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), state, false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        this.port = server.getPort();
        this.client = new KubernetesClientBuilder().withConfig(config(this.port)).build();
    }

    public static ApiServer start() {
        return new ApiServer(newState(), 0);
    }

    /** Serves {@code state} on {@code port} (a server stopped earlier, back again). */
    static ApiServer start(KubernetesCrudDispatcher state, int port) {
        return new ApiServer(state, port);
    }

    /** Serves {@code state} on {@code port} as an API server that has lost its watch history (see the dispatcher). */
    static ApiServer restart(KubernetesCrudDispatcher state, int port) {
        ((NodeFilterIgnoringDispatcher) state).forgetWatchHistory();
        return new ApiServer(state, port);
    }

    static KubernetesCrudDispatcher newState() {
        List<CustomResourceDefinitionContext> crds = Arrays.stream(PolicyKind.values()).map(k ->
                new CustomResourceDefinitionContext.Builder().withGroup(PolicyGroup.GROUP).withVersion(PolicyGroup.VERSION)
                        .withKind(k.kind()).withPlural(k.plural()).withScope(k.namespaced() ? "Namespaced" : "Cluster")
                        .build()).toList();
        return new NodeFilterIgnoringDispatcher(crds);
    }

    /**
     * The CRUD mock matches a field selector against the few attributes it indexes (name, namespace), so
     * {@code spec.nodeName=...} would match no pod at all. A real API server filters by node; here the selector is
     * dropped and every pod is served, which also exercises the agent's own check of {@code spec.nodeName}.
     */
    static final class NodeFilterIgnoringDispatcher extends KubernetesCrudDispatcher {
        private final java.util.Set<String> historyLost = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile boolean restarted;

        NodeFilterIgnoringDispatcher(List<CustomResourceDefinitionContext> crds) {
            super(crds);
        }

        /**
         * This state is served by a restarted API server that kept no watch history: the first watch of each
         * resource that resumes from an earlier resource version gets 410 Gone, as a real API server answers a
         * version it no longer has, and the client must list again. (The mock otherwise accepts any version and
         * sends only later changes, which no real API server does.)
         */
        void forgetWatchHistory() {
            restarted = true;
        }

        private static String withoutNodeSelector(String path) {
            return path.replaceAll("fieldSelector=spec\\.nodeName(%3D|=)[^&]*&?", "");
        }

        @Override
        public io.fabric8.mockwebserver.http.MockResponse handleGet(String path) {
            return super.handleGet(withoutNodeSelector(path));
        }

        @Override
        public io.fabric8.mockwebserver.http.MockResponse handleWatch(String path) {
            String resource = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            if (restarted && path.contains("resourceVersion=") && historyLost.add(resource)) {
                // What a real API server sends on a watch from a version it no longer has: an ERROR event, 410.
                String expired = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\","
                        + "\"code\":410}}";
                return new io.fabric8.mockwebserver.http.MockResponse().withWebSocketUpgrade(
                        new io.fabric8.mockwebserver.http.WebSocketListener() {
                            @Override
                            public void onOpen(io.fabric8.mockwebserver.http.WebSocket ws,
                                               io.fabric8.mockwebserver.http.Response response) {
                                ws.send(expired);
                                ws.close(1000, "expired");
                            }
                        });
            }
            return super.handleWatch(withoutNodeSelector(path));
        }
    }

    /** A client as the agent would have one: short reconnect waits so tests need not wait long. */
    static Config config(int port) {
        return new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port).withNamespace("default")
                .withWatchReconnectInterval(100).withWatchReconnectLimit(-1).withConnectionTimeout(1000)
                .withRequestTimeout(3000).withRequestRetryBackoffLimit(0).build();
    }

    public KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(config(port)).build();
    }

    /** Creates and deletes throwaway objects so that later objects get higher resource versions. */
    void advanceResourceVersions(int n) {
        for (int i = 0; i < n; i++) {
            var cm = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("filler-" + i)
                    .withNamespace("default").endMetadata().build();
            client.configMaps().inNamespace("default").resource(cm).create();
            client.configMaps().inNamespace("default").withName("filler-" + i).delete();
        }
    }

    public void namespace(String name, Map<String, String> annotations) {
        Namespace ns = new NamespaceBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata().build();
        client.namespaces().resource(ns).createOr(r -> r.update());
    }

    public void node(String name, Map<String, String> labels) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
                .createOr(r -> r.update());
    }

    /** A Deployment's pod on {@code node} whose status lists one running container. */
    public Pod pod(String namespace, String name, String node, Map<String, String> labels, String containerName, String containerId) {
        return pod("uid-" + name, namespace, name, node, labels, containerName, containerId);
    }

    /** @param containerId null: kubelet has not reported the container in the pod status yet */
    Pod pod(String uid, String namespace, String name, String node, Map<String, String> labels, String containerName,
            String containerId) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).withUid(uid)
                .withLabels(labels)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withName(name.substring(0, name.lastIndexOf('-'))).withController(true).withUid("rs-uid").endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName(containerName).withImage("nginx:1.27").endContainer().endSpec()
                .withNewStatus().addNewContainerStatus().withName(containerName).withImage("docker.io/library/nginx:1.27")
                .withContainerID(containerId == null ? null : "containerd://" + containerId).withReady(containerId != null)
                .endContainerStatus().endStatus()
                .build();
        return client.pods().inNamespace(namespace).resource(pod).createOr(r -> r.update());
    }

    /** Creates or replaces a policy from YAML, in {@code namespace} if the kind is namespaced. */
    public void policy(String namespace, String yaml) {
        GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        PolicyKind kind = PolicyKind.ofKind(r.getKind()).orElseThrow();
        var ops = client.genericKubernetesResources(PolicyFeed.context(kind));
        var target = kind.namespaced() ? ops.inNamespace(namespace) : ops;
        if (target.withName(r.getMetadata().getName()).get() == null) {
            target.resource(r).create();
        } else {
            target.withName(r.getMetadata().getName()).edit(old -> {
                old.setAdditionalProperties(r.getAdditionalProperties());
                old.getMetadata().setAnnotations(r.getMetadata().getAnnotations());
                return old;
            });
        }
    }

    public void deletePolicy(PolicyKind kind, String namespace, String name) {
        var ops = client.genericKubernetesResources(PolicyFeed.context(kind));
        (kind.namespaced() ? ops.inNamespace(namespace) : ops).withName(name).delete();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
