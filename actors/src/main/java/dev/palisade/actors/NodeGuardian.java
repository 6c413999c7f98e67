package dev.palisade.actors;

import dev.palisade.actors.discovery.ContainerIdentities;
import dev.palisade.actors.discovery.RuntimeContainer;
import dev.palisade.actors.posture.PostureResolver;
import dev.palisade.actors.posture.PostureSettings;
import dev.palisade.kernel.enforce.EnforcementException;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.select.HostIdentity;
import dev.palisade.policy.select.PolicySelector;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.workload.ContainerInfo;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The node's policy state: the policies in force, namespace annotations, one {@link ContainerActor} per running
 * container, and the host's rule set. Fans every change out to the container actors it concerns; says when the
 * whole initial state is in force.
 */
public final class NodeGuardian extends AbstractBehavior<NodeGuardian.Command> {
    public sealed interface Command permits ContainerStarted, ContainerStopped, ContainerMetadata, PoliciesChanged,
            NamespaceChanged, InitialScanDone, Published, Shutdown {}

    public record ContainerStarted(RuntimeContainer container) implements Command {}

    public record ContainerStopped(RuntimeContainer container) implements Command {}

    /** Kubernetes mode: what the pod adds (labels, owner, namespace, names) to a container the runtime reported. */
    public record ContainerMetadata(String containerId, java.util.function.UnaryOperator<ContainerInfo> update,
                                    boolean audited) implements Command {}

    public record PoliciesChanged(List<Policy> policies) implements Command {}

    public record NamespaceChanged(String namespace, Map<String, String> annotations) implements Command {}

    public record InitialScanDone() implements Command {}

    record Published(ContainerActor.Published p) implements Command {}

    /** Stops every container actor (each removes its rules from the enforcer and the view), then the guardian. */
    public record Shutdown() implements Command {}

    private final NodeSettings settings;
    private final Enforcer enforcer;
    private final SnapshotPublisher view;
    private final MonitorVisibility visibility;
    private final Consumer<AgentMessage> messages;
    private final CompletableFuture<Done> ready;
    private final ActorRef<ContainerActor.Published> publishedAdapter;

    private List<Policy> policies;
    private final Map<String, Map<String, String>> namespaceAnnotations = new HashMap<>();
    private final Map<String, ContainerInfo> infos = new HashMap<>();
    private final Map<String, Boolean> audited = new HashMap<>();
    private final Map<String, ActorRef<ContainerActor.Command>> actors = new HashMap<>();
    private final Set<String> awaitingFirstPublish = new HashSet<>();
    private boolean initialScanDone;

    static Behavior<Command> create(NodeSettings settings, List<Policy> initialPolicies, Enforcer enforcer,
                                    SnapshotPublisher view, MonitorVisibility visibility, Consumer<AgentMessage> messages,
                                    CompletableFuture<Done> ready) {
        return Behaviors.setup(ctx -> new NodeGuardian(ctx, settings, initialPolicies, enforcer, view, visibility, messages, ready));
    }

    private NodeGuardian(ActorContext<Command> ctx, NodeSettings settings, List<Policy> initialPolicies, Enforcer enforcer,
                         SnapshotPublisher view, MonitorVisibility visibility, Consumer<AgentMessage> messages,
                         CompletableFuture<Done> ready) {
        super(ctx);
        this.settings = settings;
        this.enforcer = enforcer;
        this.view = view;
        this.visibility = visibility;
        this.messages = messages;
        this.ready = ready;
        this.policies = initialPolicies;
        this.publishedAdapter = ctx.messageAdapter(ContainerActor.Published.class, Published::new);
        applyHost();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(ContainerStarted.class, this::onStarted)
                .onMessage(ContainerStopped.class, this::onStopped)
                .onMessage(ContainerMetadata.class, this::onMetadata)
                .onMessage(PoliciesChanged.class, this::onPolicies)
                .onMessage(NamespaceChanged.class, this::onNamespace)
                .onMessage(InitialScanDone.class, m -> {
                    initialScanDone = true;
                    checkReady();
                    return this;
                })
                .onMessage(Shutdown.class, m -> Behaviors.stopped())
                .onMessage(Published.class, m -> {
                    awaitingFirstPublish.remove(m.p().containerId());
                    checkReady();
                    return this;
                })
                .build();
    }

    private Behavior<Command> onStarted(ContainerStarted m) {
        RuntimeContainer rc = m.container();
        if (actors.containsKey(rc.id())) return this;
        ContainerInfo info = ContainerIdentities.of(rc);
        if (info.cgroupId() == 0) {
            getContext().getLog().warn("container {}: no cgroup v2 directory ({}); it cannot be protected", rc.id(), rc.cgroupV2Path());
            return this;
        }
        boolean isAudited = "audited".equalsIgnoreCase(rc.annotations().getOrDefault("kubearmor-policy", ""));
        spawn(info, isAudited);
        return this;
    }

    private void spawn(ContainerInfo info, boolean isAudited) {
        ActorRef<ContainerActor.Command> ref = getContext().spawn(
                ContainerActor.create(info, enforcer, view, visibility, publishedAdapter, settings.publishMinBackoff(),
                        settings.publishMaxBackoff()),
                "container-" + info.containerId(), DispatcherSelector.blocking());
        infos.put(info.containerId(), info);
        audited.put(info.containerId(), isAudited);
        actors.put(info.containerId(), ref);
        awaitingFirstPublish.add(info.containerId());
        ref.tell(update(info));
    }

    private Behavior<Command> onStopped(ContainerStopped m) {
        ActorRef<ContainerActor.Command> ref = actors.remove(m.container().id());
        infos.remove(m.container().id());
        audited.remove(m.container().id());
        awaitingFirstPublish.remove(m.container().id());
        if (ref != null) ref.tell(new ContainerActor.Stop());
        checkReady();
        return this;
    }

    private Behavior<Command> onMetadata(ContainerMetadata m) {
        ContainerInfo old = infos.get(m.containerId());
        if (old == null) return this;
        ContainerInfo now = m.update().apply(old);
        if (now.equals(old) && audited.get(m.containerId()) == m.audited()) return this;
        // Identity changed (namespace, labels, names): a fresh actor publishes under the new identity.
        actors.remove(m.containerId()).tell(new ContainerActor.Stop());
        spawn(now, m.audited());
        return this;
    }

    private Behavior<Command> onPolicies(PoliciesChanged m) {
        policies = m.policies();
        infos.forEach((id, info) -> actors.get(id).tell(update(info)));
        applyHost();
        return this;
    }

    private Behavior<Command> onNamespace(NamespaceChanged m) {
        namespaceAnnotations.put(m.namespace(), Map.copyOf(m.annotations()));
        PostureResolver.Resolved r = PostureResolver.resolve(settings.posture(), m.namespace(), m.annotations());
        for (String problem : r.problems()) {
            getContext().getLog().warn(problem);
            messages.accept(new AgentMessage(Instant.now().getEpochSecond(), Instant.now().toString(), "",
                    settings.nodeName(), "", "Warning", "Warning", problem));
        }
        infos.forEach((id, info) -> {
            if (info.namespace().equals(m.namespace())) actors.get(id).tell(update(info));
        });
        return this;
    }

    private ContainerActor.Update update(ContainerInfo info) {
        PostureSettings ps = settings.posture();
        var resolved = PostureResolver.resolve(ps, info.namespace(), namespaceAnnotations.getOrDefault(info.namespace(), Map.of()));
        return new ContainerActor.Update(policies, resolved.posture(), audited.getOrDefault(info.containerId(), false));
    }

    private void applyHost() {
        HostIdentity host = new HostIdentity(settings.nodeName(), settings.nodeLabels());
        List<Policy> selected = policies.stream().filter(p -> PolicySelector.selects(p, host)).toList();
        RuleSet rules = RuleSetCompiler.compile(Scope.HOST, selected, settings.posture().host(), PathAliases.NONE);
        try {
            enforcer.applyHost(rules);
            view.host(rules);
        } catch (EnforcementException | RuntimeException e) {
            getContext().getLog().warn("host rules not applied (the previous ones stay in force): {}", e.getMessage());
        }
    }

    private void checkReady() {
        if (initialScanDone && awaitingFirstPublish.isEmpty()) ready.complete(Done.getInstance());
    }
}
