package dev.palisade.actors;

import dev.palisade.kernel.enforce.EnforcementException;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RootfsAliases;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.select.PolicySelector;
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
 * Owns one container's policy state: which policies select it, its posture, its compiled rule set. Every change
 * recompiles and publishes — first to the enforcer, then to the published view, so the pipeline never reports
 * rules the kernel does not hold. A failed publish keeps what was in force and is retried with backoff.
 */
public final class ContainerActor extends AbstractBehavior<ContainerActor.Command> {
    public sealed interface Command permits Update, Retry, Stop {}

    /**
     * @param audited every policy for this container is dry-run (pod annotation {@code kubearmor-policy: audited})
     */
    public record Update(List<Policy> policies, Posture posture, boolean audited) implements Command {}

    record Retry() implements Command {}

    public record Stop() implements Command {}

    /** Told to the parent after each successful publish. */
    public record Published(String containerId, RuleSet rules) {}

    private final ContainerInfo info;
    private final Enforcer enforcer;
    private final SnapshotPublisher view;
    private final MonitorVisibility visibility;
    private final ActorRef<Published> parent;
    private final TimerScheduler<Command> timers;
    private final Duration minBackoff, maxBackoff;
    private final PathAliases aliases;
    private List<Policy> selected;
    private Posture posture;
    private RuleSet pending;
    private Duration backoff;
    private boolean published;

    public static Behavior<Command> create(ContainerInfo info, Enforcer enforcer, SnapshotPublisher view,
                                           MonitorVisibility visibility, ActorRef<Published> parent,
                                           Duration minBackoff, Duration maxBackoff) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new ContainerActor(ctx, timers, info, enforcer, view, visibility, parent, minBackoff, maxBackoff)));
    }

    private ContainerActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, ContainerInfo info, Enforcer enforcer,
                           SnapshotPublisher view, MonitorVisibility visibility, ActorRef<Published> parent,
                           Duration minBackoff, Duration maxBackoff) {
        super(ctx);
        this.timers = timers;
        this.info = info;
        this.enforcer = enforcer;
        this.view = view;
        this.visibility = visibility;
        this.parent = parent;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.backoff = minBackoff;
        Path root = Path.of(info.rootfs());
        this.aliases = Files.isDirectory(root) ? new RootfsAliases(root) : PathAliases.NONE;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Update.class, this::onUpdate)
                .onMessage(Retry.class, r -> publish())
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onSignal(PostStop.class, s -> cleanUp())
                .build();
    }

    private Behavior<Command> onUpdate(Update u) {
        List<Policy> now = u.policies().stream().filter(p -> PolicySelector.selects(p, info.identity()))
                .map(p -> u.audited() && !p.dryRun() ? asDryRun(p) : p).toList();
        if (published && now.equals(selected) && u.posture().equals(posture)) return this;
        selected = now;
        posture = u.posture();
        pending = RuleSetCompiler.compile(Scope.CONTAINER, now, u.posture(), aliases);
        timers.cancel("retry");
        backoff = minBackoff;
        return publish();
    }

    private Behavior<Command> publish() {
        if (pending == null) return this;
        ProtectedWorkload w = new ProtectedWorkload(info, pending);
        try {
            enforcer.apply(w);
        } catch (EnforcementException | RuntimeException e) {
            getContext().getLog().warn("container {} ({}): rules not applied, retrying in {}: {}", info.containerName(),
                    shortId(), backoff, e.getMessage());
            timers.startSingleTimer("retry", new Retry(), backoff);
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            return this;
        }
        view.put(w);
        if (!published) visibility.watch(info.cgroupId());
        published = true;
        getContext().getLog().info("container {}/{} ({}): {} rules from {} in force", info.namespace(),
                info.containerName(), shortId(), pending.rules().size(), pending.policies());
        parent.tell(new Published(info.containerId(), pending));
        pending = null;
        return this;
    }

    private Behavior<Command> cleanUp() {
        visibility.unwatch(info.cgroupId());
        view.remove(info.cgroupId());
        try {
            enforcer.remove(info);
        } catch (EnforcementException | RuntimeException e) {
            getContext().getLog().warn("container {}: removing its rules failed: {}", shortId(), e.getMessage());
        }
        return this;
    }

    private String shortId() {
        return info.containerId().substring(0, Math.min(12, info.containerId().length()));
    }

    private static Policy asDryRun(Policy p) {
        return new Policy(p.kind(), p.name(), p.namespace(), p.spec(), p.annotations(), true, p.source(), p.lines());
    }
}
