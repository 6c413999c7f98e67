package dev.palisade.kernel.enforce;

import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.Verdict;
import java.time.Instant;

/**
 * A decision an enforcer took in the kernel's path that the pipeline must report: a denial, an audited operation,
 * or a default-posture miss. Every enforcer emits this one type.
 *
 * @param resource the path executed or opened, as the container sees it
 * @param source   the acting executable (for an exec: the one executing)
 * @param result   "Passed", or the errno text the task got ("Permission denied", "Operation not permitted")
 */
public record EnforcementEvent(Instant time, int pid, long cgroupId, int uid, OperationClass operation, String resource,
                               String source, Verdict verdict, String result, EnforcerKind enforcer) {}
