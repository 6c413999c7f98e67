package dev.palisade.kernel.enforce;

import dev.palisade.policy.compile.RuleSet;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;

/**
 * For nodes that can deny nothing (no BPF-LSM, no fanotify permission events): rule sets are accepted and every
 * decision is made from the monitor's events in user space, reported as {@code Audit (Block)} where a block was due.
 */
public final class AuditOnlyEnforcer implements Enforcer {
    @Override
    public EnforcerKind kind() {
        return EnforcerKind.AUDIT_ONLY;
    }

    @Override
    public void apply(ProtectedWorkload w) {}

    @Override
    public void remove(ContainerInfo container) {}

    @Override
    public void applyHost(RuleSet rules) {}

    @Override
    public void close() {}
}
