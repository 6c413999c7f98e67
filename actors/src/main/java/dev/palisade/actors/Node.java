package dev.palisade.actors;

import com.typesafe.config.Config;
import dev.palisade.actors.discovery.ContainerDiscovery;
import dev.palisade.actors.discovery.RuntimeContainer;
import dev.palisade.actors.kubernetes.KubernetesClients;
import dev.palisade.actors.kubernetes.KubernetesSources;
import dev.palisade.actors.policies.PolicyDirectory;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.policy.Policy;
import dev.palisade.policy.load.Problem;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.workload.WorkloadView;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actors side of a running agent: container discovery, a policy source (the policy directory, or the
 * Kubernetes API server), the {@link NodeGuardian} with one {@link ContainerActor} per container. The agent
 * starts it with an enforcer and gets the published view, a readiness signal and a way to stop.
 *
 * <pre>{@code
 * Node node = Node.start(system, config, enforcer, visibility, messages::offer);
 * node.ready().toCompletableFuture().get(30, SECONDS);   // /readyz
 * WorkloadSnapshot now = node.view().current();           // per event, no actor round trip
 * node.close();                                           // takes every container's rules out of force
 * }</pre>
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ActorRef<NodeGuardian.Command> guardian;
    private final SnapshotPublisher view;
    private final CompletableFuture<Done> ready;
    private final CompletableFuture<Done> stopped;
    private final PublishCounters counters;
    private final List<AutoCloseable> sources = new ArrayList<>();

    private Node(ActorRef<NodeGuardian.Command> guardian, SnapshotPublisher view, CompletableFuture<Done> ready,
                 CompletableFuture<Done> stopped, PublishCounters counters) {
        this.guardian = guardian;
        this.view = view;
        this.ready = ready;
        this.stopped = stopped;
        this.counters = counters;
    }

    /** Reads {@code palisade.*} from {@code config} and starts in the configured mode. */
    public static Node start(ActorSystem<?> system, Config config, Enforcer enforcer, MonitorVisibility visibility,
                             Consumer<AgentMessage> messages) {
        return start(system, NodeSettings.from(config), enforcer, visibility, messages);
    }

    /** Starts in {@code settings.mode()}; in Kubernetes mode the client is built from the settings and closed on close. */
    public static Node start(ActorSystem<?> system, NodeSettings settings, Enforcer enforcer,
                             MonitorVisibility visibility, Consumer<AgentMessage> messages) {
        if (!NodeSettings.KUBERNETES.equals(settings.mode())) {
            return startStandalone(system, settings, enforcer, visibility, messages);
        }
        KubernetesClient client = KubernetesClients.create(settings.kubernetes());
        try {
            Node node = startKubernetes(system, settings, client, enforcer, visibility, messages);
            node.sources.add(client);
            return node;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Standalone: policies from {@code palisade.policies.directory}, identities from container annotations,
     * posture from the configuration.
     *
     * @param visibility switches the kernel monitor on for protected containers
     * @param messages   agent messages (an unusable posture annotation, a rejected policy, refused rules)
     */
    public static Node startStandalone(ActorSystem<?> system, NodeSettings settings, Enforcer enforcer,
                                       MonitorVisibility visibility, Consumer<AgentMessage> messages) {
        AgentMessages reporter = new AgentMessages(settings.clusterName(), settings.nodeName(), messages);
        // The first load happens before the guardian starts, so containers are compiled once with the real policies.
        AtomicReference<List<Policy>> initial = new AtomicReference<>(List.of());
        AtomicReference<ActorRef<NodeGuardian.Command>> target = new AtomicReference<>();
        PolicyDirectory directory;
        try {
            directory = new PolicyDirectory(settings.policiesDirectory(), settings.reconcileInterval(), (policies, problems) -> {
                for (Problem p : problems) if (p.isError()) reporter.warning("policy rejected: " + p);
                ActorRef<NodeGuardian.Command> g = target.get();
                if (g == null) initial.set(policies);
                else g.tell(new NodeGuardian.PoliciesReplaced(policies));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch the policy directory " + settings.policiesDirectory(), e);
        }
        directory.start();
        Node node = spawn(system, settings, initial.get(), true, enforcer, visibility, reporter);
        target.set(node.guardian);
        node.sources.add(directory);
        node.startDiscovery(settings);
        return node;
    }

    /**
     * Kubernetes: pods of this node, namespaces, the node and the policies from the API server; containers from
     * the runtimes' state. The caller owns {@code client}.
     */
    public static Node startKubernetes(ActorSystem<?> system, NodeSettings settings, KubernetesClient client,
                                       Enforcer enforcer, MonitorVisibility visibility, Consumer<AgentMessage> messages) {
        AgentMessages reporter = new AgentMessages(settings.clusterName(), settings.nodeName(), messages);
        Node node = spawn(system, settings, List.of(), false, enforcer, visibility, reporter);
        try {
            node.sources.add(new KubernetesSources(client, settings, node.guardian, reporter).start());
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        node.startDiscovery(settings);
        return node;
    }

    /**
     * Only the guardian, no source: the caller reports containers, policies and {@link NodeGuardian.SourcesSynced}
     * / {@link NodeGuardian.InitialScanDone} itself (tests, benchmarks, an embedding with its own sources).
     */
    public static Node startWithoutSources(ActorSystem<?> system, NodeSettings settings, Enforcer enforcer,
                                           MonitorVisibility visibility, Consumer<AgentMessage> messages) {
        AgentMessages reporter = new AgentMessages(settings.clusterName(), settings.nodeName(), messages);
        return spawn(system, settings, List.of(), false, enforcer, visibility, reporter);
    }

    private static Node spawn(ActorSystem<?> system, NodeSettings settings, List<Policy> initialPolicies,
                              boolean synced, Enforcer enforcer, MonitorVisibility visibility, AgentMessages reporter) {
        SnapshotPublisher view = new SnapshotPublisher();
        PublishCounters counters = new PublishCounters();
        CompletableFuture<Done> ready = new CompletableFuture<>();
        CompletableFuture<Done> stopped = new CompletableFuture<>();
        var outputs = new ContainerActor.Outputs(enforcer, view, visibility, reporter, counters,
                settings.publishMinBackoff(), settings.publishMaxBackoff());
        ActorRef<NodeGuardian.Command> guardian = system.systemActorOf(
                NodeGuardian.create(settings, initialPolicies, synced, outputs, ready, stopped),
                "node-guardian-" + INSTANCES.incrementAndGet(), Props.empty());
        return new Node(guardian, view, ready, stopped, counters);
    }

    private void startDiscovery(NodeSettings settings) {
        try {
            sources.add(new ContainerDiscovery(settings.stateRoots(), settings.reconcileInterval(),
                    new ContainerDiscovery.Listener() {
                        @Override
                        public void started(RuntimeContainer c) {
                            guardian.tell(new NodeGuardian.ContainerStarted(c));
                        }

                        @Override
                        public void stopped(RuntimeContainer c) {
                            guardian.tell(new NodeGuardian.ContainerStopped(c));
                        }

                        @Override
                        public void initialScanDone() {
                            guardian.tell(new NodeGuardian.InitialScanDone());
                        }
                    }).start());
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot watch the container runtimes' state directories", e);
        }
    }

    /** The published snapshots: what the enforcer holds, per container and for the host. */
    public WorkloadView view() {
        return view;
    }

    /** Completes when the sources are synced and every container found at start (and the host) has its rules in force. */
    public CompletionStage<Done> ready() {
        return ready;
    }

    public ActorRef<NodeGuardian.Command> guardian() {
        return guardian;
    }

    public PublishCounters counters() {
        return counters;
    }

    /**
     * Stops the sources, then the actors, each of which takes its container's rules out of the enforcer and the
     * view. Completes when all of them have stopped.
     */
    public CompletionStage<Done> stop() {
        for (AutoCloseable s : sources.reversed()) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", s, e.toString());
            }
        }
        sources.clear();
        guardian.tell(new NodeGuardian.Shutdown());
        return stopped.thenApply(done -> {
            view.close(); // every removal queued by the stopping actors is visible before this completes
            return done;
        });
    }

    /** {@link #stop()} and wait (up to 10 s) for every container's rules to be out of force. */
    @Override
    public void close() {
        try {
            stop().toCompletableFuture().get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("the actors did not stop within 10 s: {}", e.toString());
        }
    }
}
