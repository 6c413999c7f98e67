package dev.palisade.actors.kubernetes;

import dev.palisade.actors.AgentMessages;
import dev.palisade.actors.NodeGuardian;
import dev.palisade.actors.NodeSettings;
import dev.palisade.policy.Policy;
import dev.palisade.policy.schema.PolicyKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode's sources: fabric8 informers for the pods of this node ({@code spec.nodeName} field selector),
 * all namespaces (posture annotations), this node (labels for host policies) and the three KubeArmor policy
 * kinds, each event turned into a {@link NodeGuardian} command.
 *
 * <p>Once every informer has listed, the stores are sent whole ({@link NodeGuardian.PoliciesReplaced} and the
 * current pods, namespaces and node) followed by {@link NodeGuardian.SourcesSynced}: the guardian then protects
 * its containers with the complete initial state. When the API server cannot be reached the informers keep
 * retrying (the client doubles its wait from {@code reconnect-interval}) and nothing already in force is
 * dropped; when it answers again they list everything afresh and the differences arrive as ordinary events.
 */
public final class KubernetesSources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSources.class);

    private final KubernetesClient client;
    private final NodeSettings settings;
    private final ActorRef<NodeGuardian.Command> guardian;
    private final PolicyFeed feed;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<Node> node;
    private final Map<PolicyKind, SharedIndexInformer<GenericKubernetesResource>> policies = new EnumMap<>(PolicyKind.class);

    public KubernetesSources(KubernetesClient client, NodeSettings settings, ActorRef<NodeGuardian.Command> guardian,
                             AgentMessages messages) {
        this.client = client;
        this.settings = settings;
        this.guardian = guardian;
        this.feed = new PolicyFeed(messages);
    }

    /** Starts every informer; the guardian gets {@link NodeGuardian.SourcesSynced} once all have listed. */
    public KubernetesSources start() {
        long resync = settings.kubernetes().resyncInterval().toMillis();
        for (PolicyKind kind : PolicyKind.values()) {
            var ops = client.genericKubernetesResources(PolicyFeed.context(kind));
            var informer = (kind.namespaced() ? ops.inAnyNamespace() : ops).runnableInformer(resync);
            informer.addEventHandler(handler(r -> feed.read(kind, r).ifPresent(p -> tell(new NodeGuardian.PolicyUpserted(p))),
                    r -> {
                        feed.deleted(kind, r);
                        tell(new NodeGuardian.PolicyRemoved(PolicyFeed.key(kind, r)));
                    }));
            policies.put(kind, register(informer, kind.plural()));
        }
        var p = client.pods().inAnyNamespace().withField("spec.nodeName", settings.nodeName()).runnableInformer(resync);
        p.addEventHandler(handler(pod -> {
            if (onThisNode(pod)) tell(new NodeGuardian.PodUpserted(PodReader.read(pod)));
        }, pod -> tell(new NodeGuardian.PodRemoved(pod.getMetadata().getUid()))));
        pods = register(p, "pods");
        var n = client.namespaces().runnableInformer(resync);
        n.addEventHandler(handler(ns -> tell(namespaceChanged(ns)),
                ns -> tell(new NodeGuardian.NamespaceChanged(ns.getMetadata().getName(), Map.of()))));
        namespaces = register(n, "namespaces");
        var nd = client.nodes().withName(settings.nodeName()).runnableInformer(resync);
        nd.addEventHandler(handler(x -> tell(new NodeGuardian.NodeLabelsChanged(labels(x))), x -> { }));
        node = register(nd, "node " + settings.nodeName());

        CompletableFuture<?>[] started = informers.stream().map(i -> i.start().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(started).whenComplete((v, e) -> {
            if (e != null) {
                LOG.error("the Kubernetes informers did not start", e);
                return;
            }
            sendStores();
            LOG.info("Kubernetes sources synced: {} pods on {}, {} namespaces, {} policies", pods.getStore().list().size(),
                    settings.nodeName(), namespaces.getStore().list().size(),
                    policies.values().stream().mapToInt(i -> i.getStore().list().size()).sum());
            tell(new NodeGuardian.SourcesSynced());
        });
        return this;
    }

    /** The informers' stores, whole: what was listed, whatever order the individual events arrive in. */
    private void sendStores() {
        List<Policy> all = new ArrayList<>();
        policies.forEach((kind, informer) -> {
            for (GenericKubernetesResource r : informer.getStore().list()) feed.read(kind, r).ifPresent(all::add);
        });
        tell(new NodeGuardian.PoliciesReplaced(all));
        for (Namespace ns : namespaces.getStore().list()) tell(namespaceChanged(ns));
        for (Node x : node.getStore().list()) tell(new NodeGuardian.NodeLabelsChanged(labels(x)));
        for (Pod pod : pods.getStore().list()) if (onThisNode(pod)) tell(new NodeGuardian.PodUpserted(PodReader.read(pod)));
    }

    private <T extends HasMetadata> SharedIndexInformer<T> register(SharedIndexInformer<T> informer, String what) {
        informer.exceptionHandler((started, t) -> {
            LOG.warn("watching {}: {}; the last known state stays in force, retrying", what, t.toString());
            return true;
        });
        informers.add(informer);
        return informer;
    }

    /** The API server filters by node; a source that cannot (or a pod not scheduled yet) is filtered here. */
    private boolean onThisNode(Pod pod) {
        return pod.getSpec() != null && Objects.equals(settings.nodeName(), pod.getSpec().getNodeName());
    }

    private static NodeGuardian.NamespaceChanged namespaceChanged(Namespace ns) {
        Map<String, String> a = ns.getMetadata().getAnnotations();
        return new NodeGuardian.NamespaceChanged(ns.getMetadata().getName(), a == null ? Map.of() : a);
    }

    private static Map<String, String> labels(Node n) {
        return n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
    }

    private void tell(NodeGuardian.Command c) {
        guardian.tell(c);
    }

    private static <T> ResourceEventHandler<T> handler(Consumer<T> upsert, Consumer<T> delete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                safely(upsert, obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                safely(upsert, newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                safely(delete, obj);
            }
        };
    }

    /** A bad object is logged and skipped; it never stops the informer. */
    private static <T> void safely(Consumer<T> c, T obj) {
        try {
            c.accept(obj);
        } catch (RuntimeException e) {
            LOG.warn("skipping {}: {}", obj instanceof HasMetadata h ? h.getKind() + " " + h.getMetadata().getName() : obj, e.toString(), e);
        }
    }

    @Override
    public void close() {
        for (SharedIndexInformer<?> i : informers) {
            try {
                i.close();
            } catch (RuntimeException e) {
                LOG.debug("stopping an informer: {}", e.toString());
            }
        }
    }
}
