package dev.palisade.actors;

import dev.palisade.actors.discovery.ContainerDiscovery;
import dev.palisade.actors.discovery.RuntimeContainer;
import dev.palisade.actors.policies.PolicyDirectory;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.policy.Policy;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.workload.WorkloadView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * The actors side of a running agent, standalone: container discovery, the policy directory, the node guardian and
 * its container actors. The agent starts it with an enforcer and gets the published view and a readiness signal.
 */
public final class Node implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();
    private final ActorRef<NodeGuardian.Command> guardian;
    private final SnapshotPublisher view;
    private final CompletableFuture<Done> ready;
    private final List<AutoCloseable> sources = new ArrayList<>();

    private Node(ActorRef<NodeGuardian.Command> guardian, SnapshotPublisher view, CompletableFuture<Done> ready) {
        this.guardian = guardian;
        this.view = view;
        this.ready = ready;
    }

    /**
     * Starts discovery and the policy directory (standalone mode).
     *
     * @param visibility switches the kernel monitor on for protected containers
     * @param messages   agent messages (e.g. an unusable posture annotation) for the sinks
     */
    public static Node startStandalone(ActorSystem<?> system, NodeSettings settings, Enforcer enforcer,
                                       MonitorVisibility visibility, Consumer<AgentMessage> messages) {
        SnapshotPublisher view = new SnapshotPublisher();
        CompletableFuture<Done> ready = new CompletableFuture<>();
        List<List<Policy>> initial = new ArrayList<>(List.of(List.of()));
        // The first load happens before the guardian starts, so containers are compiled once with the real policies.
        PolicyDirectory directory;
        NodeHolder holder = new NodeHolder();
        try {
            directory = new PolicyDirectory(settings.policiesDirectory(), settings.reconcileInterval(), (policies, problems) -> {
                if (holder.node == null) initial.set(0, policies);
                else holder.node.guardian.tell(new NodeGuardian.PoliciesChanged(policies));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch the policy directory " + settings.policiesDirectory(), e);
        }
        directory.start();
        ActorRef<NodeGuardian.Command> guardian = system.systemActorOf(
                NodeGuardian.create(settings, initial.getFirst(), enforcer, view, visibility, messages, ready),
                "node-guardian-" + INSTANCES.incrementAndGet(), Props.empty());
        Node node = new Node(guardian, view, ready);
        holder.node = node;
        node.sources.add(directory);
        try {
            node.sources.add(new ContainerDiscovery(settings.stateRoots(), settings.reconcileInterval(),
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
            node.close();
            throw new UncheckedIOException("cannot watch the container runtimes' state directories", e);
        }
        return node;
    }

    /** Set once the guardian exists, so later directory reloads reach it. */
    private static final class NodeHolder {
        volatile Node node;
    }

    public WorkloadView view() {
        return view;
    }

    /** Completes when every container running at start has its rules in force. */
    public CompletionStage<Done> ready() {
        return ready;
    }

    public ActorRef<NodeGuardian.Command> guardian() {
        return guardian;
    }

    /** Stops discovery and the policy source, then the actors (which take their rules out of the enforcer). */
    @Override
    public void close() {
        guardian.tell(new NodeGuardian.Shutdown());
        for (AutoCloseable s : sources) {
            try {
                s.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Node.class).debug("closing {}: {}", s, e.toString());
            }
        }
    }
}
