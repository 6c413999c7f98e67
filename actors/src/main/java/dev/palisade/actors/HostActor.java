package dev.palisade.actors;

import dev.palisade.kernel.enforce.EnforcementException;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The host's policy state: the host policies whose nodeSelector matches this node, and the host posture. Like a
 * container actor it publishes to the enforcer first and retries a refused publish with backoff; the host's
 * paths are taken as written (the host root is the one the kernel reports against).
 */
final class HostActor extends AbstractBehavior<HostActor.Command> {
    sealed interface Command permits Configure, Retry {}

    record Configure(List<Policy> policies, Posture posture) implements Command {
        Configure {
            policies = List.copyOf(policies);
        }
    }

    private record Retry() implements Command {}

    /** Told to the parent after each publish the enforcer accepted. */
    record Published(RuleSet rules) {}

    private static final String RETRY = "retry";
    private final ContainerActor.Outputs out;
    private final ActorRef<Published> parent;
    private final TimerScheduler<Command> timers;
    private final Backoff backoff;
    private Configure config;
    private RuleSet pending;

    static Behavior<Command> create(ContainerActor.Outputs out, ActorRef<Published> parent) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new HostActor(ctx, timers, out, parent)));
    }

    private HostActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, ContainerActor.Outputs out,
                      ActorRef<Published> parent) {
        super(ctx);
        this.out = out;
        this.parent = parent;
        this.timers = timers;
        this.backoff = new Backoff(out.minBackoff(), out.maxBackoff());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Configure.class, this::onConfigure)
                .onMessage(Retry.class, r -> publish())
                .build();
    }

    private Behavior<Command> onConfigure(Configure c) {
        if (c.equals(config)) return this;
        config = c;
        try {
            pending = RuleSetCompiler.compile(Scope.HOST, c.policies(), c.posture(), PathAliases.NONE);
        } catch (RuntimeException e) {
            getContext().getLog().error("host: compiling {} failed; the previous rules stay in force", c.policies(), e);
            out.messages().warning("host rules could not be compiled (" + e + "); the previous rules stay in force");
            return this;
        }
        timers.cancel(RETRY);
        backoff.reset();
        return publish();
    }

    private Behavior<Command> publish() {
        if (pending == null) return this;
        try {
            out.enforcer().applyHost(pending);
        } catch (EnforcementException | RuntimeException e) {
            out.counters().refused();
            Duration wait = backoff.failed();
            getContext().getLog().warn("host: the enforcer refused its rules (attempt {}), retrying in {}: {}",
                    backoff.failures(), wait, e.getMessage());
            if (backoff.failures() == 1) {
                out.messages().warning("host rules were not applied: " + e.getMessage()
                        + "; the previous ones stay in force; retrying with backoff");
            }
            timers.startSingleTimer(RETRY, new Retry(), wait);
            return this;
        }
        if (backoff.failures() > 0) out.messages().info("host rules applied after " + (backoff.failures() + 1) + " attempts");
        backoff.reset();
        RuleSet rules = pending;
        out.counters().published(); // before the view's callback can tell the parent
        out.view().host(rules, () -> parent.tell(new Published(rules)));
        getContext().getLog().info("host: {} rules from {} in force", rules.rules().size(), rules.policies());
        pending = null;
        return this;
    }
}
