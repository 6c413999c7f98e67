package dev.palisade.actors;

import dev.palisade.actors.discovery.ContainerIdentities;
import dev.palisade.actors.discovery.RuntimeContainer;
import dev.palisade.actors.kubernetes.PodIndex;
import dev.palisade.actors.kubernetes.PodMetadata;
import dev.palisade.actors.posture.PostureResolver;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.schema.PolicyKind;
import dev.palisade.policy.select.HostIdentity;
import dev.palisade.policy.select.PolicySelector;
import dev.palisade.policy.select.WorkloadIdentity;
import dev.palisade.workload.ContainerInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The node's policy state and the parent of one {@link ContainerActor} per running container and of the
 * {@link HostActor}. It holds what the sources report (policies, pods, namespace annotations, node labels,
 * running containers) and works out which containers a change concerns: a policy change is matched against
 * every container's identity here, once, and only the containers whose selected policies, posture or identity
 * changed get a new {@link ContainerActor.Configure}. Compiling and publishing happen in the container actors,
 * in parallel.
 *
 * <p>Containers are held back until the policy sources have delivered their initial state
 * ({@link SourcesSynced}), so each is compiled once with the full picture rather than once per policy listed.
 * The node is ready when the sources are synced, the first container scan is done and every container found
 * (and the host) has had its rules accepted by the enforcer.
 */
public final class NodeGuardian extends AbstractBehavior<NodeGuardian.Command> {
    public sealed interface Command permits ContainerStarted, ContainerStopped, InitialScanDone, PoliciesReplaced,
            PolicyUpserted, PolicyRemoved, PodUpserted, PodRemoved, NamespaceChanged, NodeLabelsChanged,
            SourcesSynced, Shutdown, ContainerPublished, HostPublished {}

    /** Discovery found a running container. */
    public record ContainerStarted(RuntimeContainer container) implements Command {}

    /** Discovery saw the container's init process end (or its state go). */
    public record ContainerStopped(RuntimeContainer container) implements Command {}

    /** Discovery's first full scan is done. */
    public record InitialScanDone() implements Command {}

    /** The whole policy set of a source that reports everything at once (the policy directory). */
    public record PoliciesReplaced(List<Policy> policies) implements Command {
        public PoliciesReplaced {
            policies = List.copyOf(policies);
        }
    }

    /** One policy added or changed (Kubernetes). */
    public record PolicyUpserted(Policy policy) implements Command {}

    /** One policy deleted, by {@link Policy#key()}. */
    public record PolicyRemoved(String key) implements Command {}

    /** A pod of this node, added or changed (Kubernetes). */
    public record PodUpserted(PodMetadata pod) implements Command {}

    public record PodRemoved(String uid) implements Command {}

    /** A namespace's annotations (empty when the namespace is deleted). */
    public record NamespaceChanged(String namespace, Map<String, String> annotations) implements Command {
        public NamespaceChanged {
            annotations = Map.copyOf(annotations);
        }
    }

    /** This node's labels from its Node object, over the configured ones (host policy nodeSelectors). */
    public record NodeLabelsChanged(Map<String, String> labels) implements Command {
        public NodeLabelsChanged {
            labels = Map.copyOf(labels);
        }
    }

    /** The sources have delivered their initial state. */
    public record SourcesSynced() implements Command {}

    /** Stops every container actor (each takes its rules out of the enforcer and the view), then the guardian. */
    public record Shutdown() implements Command {}

    private record ContainerPublished(ContainerActor.Published p) implements Command {}

    private record HostPublished(HostActor.Published p) implements Command {}

    /** One running container as the guardian tracks it. */
    private static final class Tracked {
        final RuntimeContainer runtime;
        ContainerInfo info;
        WorkloadIdentity identity;
        boolean audited;
        Posture posture;
        final TreeMap<String, Policy> selected = new TreeMap<>();
        ActorRef<ContainerActor.Command> actor;
        ContainerActor.Configure sent;

        Tracked(RuntimeContainer runtime) {
            this.runtime = runtime;
        }
    }

    private final NodeSettings settings;
    private final ContainerActor.Outputs outputs;
    private final CompletableFuture<Done> ready;
    private final CompletableFuture<Done> stopped;
    private final ActorRef<ContainerActor.Published> containerPublished;
    private final ActorRef<HostActor.Command> host;

    private final Map<String, Policy> policies = new HashMap<>();
    private final Map<String, Map<String, String>> namespaceAnnotations = new HashMap<>();
    private final Map<String, Posture> postureByNamespace = new HashMap<>();
    private final PodIndex pods = new PodIndex();
    private final Map<String, Tracked> containers = new HashMap<>();
    private final Set<String> awaitingFirstPublish = new HashSet<>();
    private Map<String, String> nodeLabels;
    private boolean sourcesSynced;
    private boolean initialScanDone;
    private boolean hostPublished;
    private long spawned;

    /**
     * @param sourcesSynced true when the initial policies are already in {@code initialPolicies} (standalone)
     * @param ready         completed once the full initial state is in force
     * @param stopped       completed when the guardian and all its actors have stopped
     */
    static Behavior<Command> create(NodeSettings settings, List<Policy> initialPolicies, boolean sourcesSynced,
                                    ContainerActor.Outputs outputs, CompletableFuture<Done> ready,
                                    CompletableFuture<Done> stopped) {
        return Behaviors.setup(ctx -> new NodeGuardian(ctx, settings, initialPolicies, sourcesSynced, outputs, ready, stopped));
    }

    private NodeGuardian(ActorContext<Command> ctx, NodeSettings settings, List<Policy> initialPolicies,
                         boolean sourcesSynced, ContainerActor.Outputs outputs, CompletableFuture<Done> ready,
                         CompletableFuture<Done> stopped) {
        super(ctx);
        this.settings = settings;
        this.outputs = outputs;
        this.ready = ready;
        this.stopped = stopped;
        this.nodeLabels = settings.nodeLabels();
        this.containerPublished = ctx.messageAdapter(ContainerActor.Published.class, ContainerPublished::new);
        this.host = ctx.spawn(HostActor.create(outputs, ctx.messageAdapter(HostActor.Published.class, HostPublished::new)),
                "host", DispatcherSelector.blocking());
        for (Policy p : initialPolicies) policies.put(p.key(), p);
        this.sourcesSynced = sourcesSynced;
        if (sourcesSynced) configureHost();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(ContainerStarted.class, m -> onStarted(m.container()))
                .onMessage(ContainerStopped.class, m -> onStopped(m.container()))
                .onMessage(InitialScanDone.class, m -> {
                    initialScanDone = true;
                    return checkReady();
                })
                .onMessage(PoliciesReplaced.class, this::onPoliciesReplaced)
                .onMessage(PolicyUpserted.class, m -> m.policy().equals(policies.get(m.policy().key())) ? this
                        : applyPolicyChanges(single(m.policy().key(), m.policy())))
                .onMessage(PolicyRemoved.class, m -> policies.containsKey(m.key()) ? applyPolicyChanges(single(m.key(), null)) : this)
                .onMessage(PodUpserted.class, this::onPod)
                .onMessage(PodRemoved.class, m -> {
                    // Containers keep the identity they had: a pod is deleted before its containers stop, and
                    // dropping its labels first would briefly unselect its policies.
                    pods.remove(m.uid());
                    return this;
                })
                .onMessage(NamespaceChanged.class, this::onNamespace)
                .onMessage(NodeLabelsChanged.class, this::onNodeLabels)
                .onMessage(SourcesSynced.class, m -> onSynced())
                .onMessage(Shutdown.class, m -> Behaviors.stopped())
                .onMessage(ContainerPublished.class, m -> {
                    awaitingFirstPublish.remove(m.p().containerId());
                    return checkReady();
                })
                .onMessage(HostPublished.class, m -> {
                    hostPublished = true;
                    return checkReady();
                })
                .onSignal(PostStop.class, s -> {
                    stopped.complete(Done.getInstance());
                    return this;
                })
                .build();
    }

    private Behavior<Command> onStarted(RuntimeContainer rc) {
        Tracked existing = containers.get(rc.id());
        if (existing != null) {
            if (existing.runtime.sameProcess(rc)) return this;
            onStopped(existing.runtime); // restarted under the same id: a new init, a new cgroup
        }
        if (rc.cgroupId() == 0) {
            getContext().getLog().warn("container {}: no cgroup v2 directory ({}); it cannot be protected", rc.id(),
                    rc.cgroupV2Path());
            outputs.messages().warning("container " + rc.id() + " has no cgroup v2 directory (" + rc.cgroupV2Path()
                    + "); it cannot be protected");
            return this;
        }
        Tracked t = new Tracked(rc);
        PodMetadata pod = pods.podOf(rc);
        t.info = ContainerIdentities.of(rc, pod);
        t.identity = t.info.identity();
        t.audited = ContainerIdentities.audited(rc, pod);
        t.posture = posture(t.info.namespace());
        selectAll(t);
        containers.put(rc.id(), t);
        awaitingFirstPublish.add(rc.id());
        if (sourcesSynced) spawn(t);
        return this;
    }

    private Behavior<Command> onStopped(RuntimeContainer rc) {
        Tracked t = containers.get(rc.id());
        if (t == null || !t.runtime.sameProcess(rc)) return this;
        containers.remove(rc.id());
        awaitingFirstPublish.remove(rc.id());
        if (t.actor != null) t.actor.tell(new ContainerActor.Stop());
        return checkReady();
    }

    private Behavior<Command> onPoliciesReplaced(PoliciesReplaced m) {
        Map<String, Policy> changed = new HashMap<>();
        Set<String> present = new HashSet<>();
        for (Policy p : m.policies()) {
            present.add(p.key());
            if (!p.equals(policies.get(p.key()))) changed.put(p.key(), p);
        }
        for (String key : policies.keySet()) if (!present.contains(key)) changed.put(key, null);
        return changed.isEmpty() ? this : applyPolicyChanges(changed);
    }

    /** @param changed new versions by key; a null value is a removal */
    private Behavior<Command> applyPolicyChanges(Map<String, Policy> changed) {
        boolean hostTouched = false;
        List<Map.Entry<String, Policy>> forContainers = new ArrayList<>();
        for (Map.Entry<String, Policy> e : changed.entrySet()) {
            Policy old = e.getValue() == null ? policies.remove(e.getKey()) : policies.put(e.getKey(), e.getValue());
            Policy now = e.getValue();
            boolean isHost = (old != null && old.kind() == PolicyKind.KUBEARMOR_HOST_POLICY)
                    || (now != null && now.kind() == PolicyKind.KUBEARMOR_HOST_POLICY);
            if (isHost) hostTouched = true;
            else forContainers.add(e);
        }
        if (!forContainers.isEmpty()) {
            for (Tracked t : containers.values()) {
                boolean dirty = false;
                for (Map.Entry<String, Policy> e : forContainers) {
                    Policy p = e.getValue();
                    if (p != null && PolicySelector.selects(p, t.identity)) {
                        dirty |= t.selected.put(e.getKey(), p) != p;
                    } else {
                        dirty |= t.selected.remove(e.getKey()) != null;
                    }
                }
                if (dirty) configure(t);
            }
        }
        if (hostTouched) configureHost();
        return this;
    }

    private Behavior<Command> onPod(PodUpserted m) {
        PodMetadata pod = m.pod();
        if (!settings.nodeName().isEmpty() && !pod.nodeName().isEmpty() && !pod.nodeName().equals(settings.nodeName())) {
            return this; // another node's pod (a source that cannot filter by node)
        }
        pods.put(pod);
        for (Tracked t : containers.values()) {
            if (t.info.podUid().equals(pod.uid()) || pods.podOf(t.runtime) == pod) refreshIdentity(t, pod);
        }
        return this;
    }

    /** Re-derives a container's identity with its pod; re-selects its policies if anything selection sees changed. */
    private void refreshIdentity(Tracked t, PodMetadata pod) {
        ContainerInfo info = ContainerIdentities.of(t.runtime, pod);
        boolean audited = ContainerIdentities.audited(t.runtime, pod);
        if (info.equals(t.info) && audited == t.audited) return;
        boolean reselect = !info.identity().equals(t.identity);
        boolean namespaceChanged = !info.namespace().equals(t.info.namespace());
        t.info = info;
        t.identity = info.identity();
        t.audited = audited;
        if (namespaceChanged) t.posture = posture(info.namespace());
        if (reselect) selectAll(t);
        configure(t);
    }

    private Behavior<Command> onNamespace(NamespaceChanged m) {
        Map<String, String> before = namespaceAnnotations.getOrDefault(m.namespace(), Map.of());
        if (before.equals(m.annotations())) return this;
        if (m.annotations().isEmpty()) namespaceAnnotations.remove(m.namespace());
        else namespaceAnnotations.put(m.namespace(), m.annotations());
        PostureResolver.Resolved r = PostureResolver.resolve(settings.posture(), m.namespace(), m.annotations());
        for (PostureResolver.Problem problem : r.problems()) {
            // Only when that annotation changed: the same bad value is not reported again on every update.
            if (!problem.value().equals(before.get(problem.annotation()))) {
                getContext().getLog().warn(problem.message());
                outputs.messages().warning(problem.message());
            }
        }
        Posture old = postureByNamespace.put(m.namespace(), r.posture());
        if (r.posture().equals(old)) return this;
        for (Tracked t : containers.values()) {
            if (t.info.namespace().equals(m.namespace())) {
                t.posture = r.posture();
                configure(t);
            }
        }
        return this;
    }

    private Behavior<Command> onNodeLabels(NodeLabelsChanged m) {
        Map<String, String> merged = new HashMap<>(settings.nodeLabels());
        merged.putAll(m.labels());
        if (merged.equals(nodeLabels)) return this;
        nodeLabels = Map.copyOf(merged);
        configureHost();
        return this;
    }

    private Behavior<Command> onSynced() {
        if (sourcesSynced) return this;
        sourcesSynced = true;
        getContext().getLog().info("policy sources synced: {} policies; protecting {} containers", policies.size(),
                containers.size());
        for (Tracked t : containers.values()) if (t.actor == null) spawn(t);
        configureHost();
        return checkReady();
    }

    private void selectAll(Tracked t) {
        t.selected.clear();
        var identity = t.identity;
        for (Policy p : policies.values()) {
            if (p.kind() != PolicyKind.KUBEARMOR_HOST_POLICY && PolicySelector.selects(p, identity)) t.selected.put(p.key(), p);
        }
    }

    private void spawn(Tracked t) {
        t.actor = getContext().spawn(ContainerActor.create(outputs, containerPublished),
                "container-" + t.runtime.id() + "-" + (++spawned), DispatcherSelector.blocking());
        configure(t);
    }

    private void configure(Tracked t) {
        if (t.actor == null) return;
        ContainerActor.Configure c = new ContainerActor.Configure(t.info, List.copyOf(t.selected.values()), t.posture,
                t.audited);
        if (c.equals(t.sent)) return;
        t.sent = c;
        t.actor.tell(c);
    }

    private void configureHost() {
        if (!sourcesSynced) return;
        HostIdentity identity = new HostIdentity(settings.nodeName(), nodeLabels);
        List<Policy> selected = policies.values().stream().filter(p -> PolicySelector.selects(p, identity))
                .sorted(java.util.Comparator.comparing(Policy::key)).toList();
        host.tell(new HostActor.Configure(selected, settings.posture().host()));
    }

    private Posture posture(String namespace) {
        return postureByNamespace.computeIfAbsent(namespace, ns -> PostureResolver.resolve(settings.posture(), ns,
                namespaceAnnotations.getOrDefault(ns, Map.of())).posture());
    }

    private Behavior<Command> checkReady() {
        if (!ready.isDone() && sourcesSynced && initialScanDone && hostPublished && awaitingFirstPublish.isEmpty()) {
            getContext().getLog().info("initial state in force: {} containers, {} policies", containers.size(), policies.size());
            ready.complete(Done.getInstance());
        }
        return this;
    }

    private static Map<String, Policy> single(String key, Policy p) {
        Map<String, Policy> m = new HashMap<>();
        m.put(key, p);
        return m;
    }
}
