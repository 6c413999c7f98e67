package dev.palisade.actors;

import dev.palisade.kernel.enforce.EnforcementException;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RootfsAliases;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCache;
import dev.palisade.policy.compile.Scope;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns one container's policy state: its identity, the policies that select it, its posture per class, and the
 * rule set compiled from them. Every change recompiles and publishes, first to the enforcer, then to the
 * published view, so readers never see rules the kernel does not hold. The enforcer replaces a container's rules
 * whole or not at all; a refused publish leaves the previous rules in force (in the kernel and in the view), is
 * reported, and is retried with exponential backoff until it succeeds or a newer change supersedes it.
 *
 * <p>Policy paths are resolved against the container's own root filesystem, {@code /proc/<init pid>/root} (what
 * the container sees, bind mounts included), with {@link RootfsAliases}: a rule on {@code /bin/bash} also covers
 * the {@code /usr/bin/bash} the kernel reports on a merged-/usr image. The aliases are read once per container.
 */
public final class ContainerActor extends AbstractBehavior<ContainerActor.Command> {
    public sealed interface Command permits Configure, Retry, Stop {}

    /**
     * Everything the container's rules depend on; the guardian sends a new one whenever any part changes.
     *
     * @param policies the policies that select the container
     * @param audited  every policy is compiled as dry-run (pod annotation {@code kubearmor-policy: audited})
     */
    public record Configure(ContainerInfo info, List<Policy> policies, Posture posture, boolean audited)
            implements Command {
        public Configure {
            policies = List.copyOf(policies);
        }
    }

    private record Retry() implements Command {}

    public record Stop() implements Command {}

    /** Told to the parent once a rule set the enforcer accepted is visible in the view. */
    public record Published(String containerId, ProtectedWorkload workload) {}

    /** Where an actor publishes and reports; shared by every container actor of a node. */
    record Outputs(Enforcer enforcer, SnapshotPublisher view, MonitorVisibility visibility, AgentMessages messages,
                   PublishCounters counters, Duration minBackoff, Duration maxBackoff, RuleSetCache compiled) {
        Outputs(Enforcer enforcer, SnapshotPublisher view, MonitorVisibility visibility, AgentMessages messages,
                PublishCounters counters, Duration minBackoff, Duration maxBackoff) {
            this(enforcer, view, visibility, messages, counters, minBackoff, maxBackoff, new RuleSetCache());
        }
    }

    private static final String RETRY = "retry";
    private final Outputs out;
    private final ActorRef<Published> parent;
    private final TimerScheduler<Command> timers;
    private final Backoff backoff;
    private Configure config;
    private PathAliases aliases;
    private String aliasesRoot;
    private ProtectedWorkload pending;
    private ProtectedWorkload inForce;
    private boolean watching;

    static Behavior<Command> create(Outputs out, ActorRef<Published> parent) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ContainerActor(ctx, timers, out, parent)));
    }

    private ContainerActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Outputs out,
                           ActorRef<Published> parent) {
        super(ctx);
        this.timers = timers;
        this.out = out;
        this.parent = parent;
        this.backoff = new Backoff(out.minBackoff(), out.maxBackoff());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Configure.class, this::onConfigure)
                .onMessage(Retry.class, r -> publish())
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onSignal(PostStop.class, s -> cleanUp())
                .build();
    }

    private Behavior<Command> onConfigure(Configure c) {
        if (c.equals(config)) return this;
        config = c;
        List<Policy> policies = c.policies();
        RuleSet rules;
        try {
            // Replicas share their compiled rules: a change selecting every container compiles each selection once.
            rules = out.compiled().compile(Scope.CONTAINER, policies, c.posture(), c.audited(), aliases(c.info()));
        } catch (RuntimeException e) {
            // Validated policies compile; if one does not, the rules in force stay rather than a half-made set.
            getContext().getLog().error("container {}: compiling {} failed; the previous rules stay in force",
                    describe(c.info()), keys(policies), e);
            out.messages().warning("rules for container " + describe(c.info()) + " could not be compiled from "
                    + keys(policies) + " (" + e + "); the previous rules stay in force");
            return this;
        }
        pending = new ProtectedWorkload(c.info(), rules);
        timers.cancel(RETRY);
        backoff.reset();
        return publish();
    }

    private Behavior<Command> publish() {
        if (pending == null) return this;
        ProtectedWorkload w = pending;
        try {
            out.enforcer().apply(w);
        } catch (EnforcementException | RuntimeException e) {
            out.counters().refused();
            Duration wait = backoff.failed();
            getContext().getLog().warn("container {}: the enforcer refused its rules (attempt {}), retrying in {}: {}",
                    describe(w.container()), backoff.failures(), wait, e.getMessage());
            if (backoff.failures() == 1) {
                out.messages().warning("rules for container " + describe(w.container()) + " were not applied: "
                        + e.getMessage() + "; " + (inForce == null ? "it has no rules in force yet" : "its previous rules stay in force")
                        + "; retrying with backoff");
            }
            timers.startSingleTimer(RETRY, new Retry(), wait);
            return this;
        }
        if (backoff.failures() > 0) {
            out.messages().info("rules for container " + describe(w.container()) + " applied after "
                    + (backoff.failures() + 1) + " attempts");
        }
        backoff.reset();
        // The monitor starts recording, and the parent hears of it, once readers can see the rules: events of
        // the container are then always enriched with them. (Callbacks run in queue order, so a removal's
        // unwatch always comes after this watch.)
        long cg = w.container().cgroupId();
        boolean first = !watching;
        watching = true;
        // Counted before the view takes it: the view's callback may tell the parent before this line would run.
        out.counters().published();
        out.view().put(w, () -> {
            if (first) out.visibility().watch(cg);
            parent.tell(new Published(w.container().containerId(), w));
        });
        if (inForce == null || getContext().getLog().isDebugEnabled()) {
            getContext().getLog().info("container {}: {} rules from {} in force", describe(w.container()),
                    w.rules().rules().size(), w.rules().policies());
        }
        inForce = w;
        pending = null;
        return this;
    }

    private Behavior<Command> cleanUp() {
        if (config == null) return this;
        ContainerInfo info = config.info();
        boolean watched = watching;
        out.view().remove(info.cgroupId(), info.containerId(), () -> {
            if (watched) out.visibility().unwatch(info.cgroupId());
        });
        try {
            out.enforcer().remove(info);
            out.counters().removed();
        } catch (EnforcementException | RuntimeException e) {
            getContext().getLog().warn("container {}: removing its rules failed: {}", describe(info), e.getMessage());
        }
        return this;
    }

    /** The container's root as it sees it; without one (it is gone already) paths are taken as written. */
    private PathAliases aliases(ContainerInfo info) {
        if (!info.rootfs().equals(aliasesRoot)) {
            aliasesRoot = info.rootfs();
            Path root = Path.of(info.rootfs());
            aliases = Files.isDirectory(root) ? new RootfsAliases(root) : PathAliases.NONE;
        }
        return aliases;
    }

    static String describe(ContainerInfo info) {
        String id = info.containerId().substring(0, Math.min(12, info.containerId().length()));
        return info.namespace() + "/" + (info.podName().isEmpty() ? "" : info.podName() + "/") + info.containerName()
                + " (" + id + ")";
    }

    private static List<String> keys(List<Policy> policies) {
        return policies.stream().map(Policy::key).toList();
    }
}
