package dev.palisade.kernel.enforce;

import dev.palisade.policy.compile.RuleSet;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;

/**
 * Puts compiled rule sets into force in the kernel. The actors are the only callers; each call replaces what a
 * workload is held to as a whole (built aside, then swapped), so no container is ever briefly unprotected or
 * over-blocked. Calls for different workloads may come from different threads.
 */
public interface Enforcer extends AutoCloseable {
    EnforcerKind kind();

    /** Enforces {@code w.rules()} for {@code w.container()}, replacing what it had. */
    void apply(ProtectedWorkload w) throws EnforcementException;

    /** Stops enforcing for a container that is gone; removes everything installed for it. */
    void remove(ContainerInfo container) throws EnforcementException;

    /** Enforces host policies for processes outside every container. */
    void applyHost(RuleSet rules) throws EnforcementException;

    /** Detaches programs and removes every mark and map entry this enforcer made. */
    @Override
    void close();
}
