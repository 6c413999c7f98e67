package dev.palisade.workload;

import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.Scope;
import java.util.HashMap;
import java.util.Map;

/**
 * Every protected workload of this node at one moment, by cgroup id, plus the host's rule set. Immutable: the
 * event pipeline reads the current snapshot for each event (no actor round trip), the actors publish a new one
 * after every change.
 */
public final class WorkloadSnapshot {
    public static final WorkloadSnapshot EMPTY = new WorkloadSnapshot(0, Map.of(), RuleSet.empty(Scope.HOST, Posture.AUDIT));

    private final long version;
    private final Map<Long, ProtectedWorkload> byCgroup;
    private final RuleSet host;

    public WorkloadSnapshot(long version, Map<Long, ProtectedWorkload> byCgroup, RuleSet host) {
        this.version = version;
        this.byCgroup = Map.copyOf(byCgroup);
        this.host = host;
    }

    public long version() {
        return version;
    }

    /** The container whose cgroup id this is, or null (a host process, or a container not known yet). */
    public ProtectedWorkload byCgroupId(long cgroupId) {
        return byCgroup.get(cgroupId);
    }

    public Map<Long, ProtectedWorkload> all() {
        return byCgroup;
    }

    public RuleSet host() {
        return host;
    }

    /** A copy with one workload added or replaced. */
    public WorkloadSnapshot with(ProtectedWorkload w) {
        Map<Long, ProtectedWorkload> m = new HashMap<>(byCgroup);
        m.put(w.container().cgroupId(), w);
        return new WorkloadSnapshot(version + 1, m, host);
    }

    /** A copy without the workload of this cgroup. */
    public WorkloadSnapshot without(long cgroupId) {
        Map<Long, ProtectedWorkload> m = new HashMap<>(byCgroup);
        m.remove(cgroupId);
        return new WorkloadSnapshot(version + 1, m, host);
    }

    public WorkloadSnapshot withHost(RuleSet hostRules) {
        return new WorkloadSnapshot(version + 1, byCgroup, hostRules);
    }
}
