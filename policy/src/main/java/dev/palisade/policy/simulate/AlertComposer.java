package dev.palisade.policy.simulate;

import dev.palisade.policy.compile.Verdict;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.TelemetryTypes;

/** The alert an enforcing agent raises for a log and its verdict, in KubeArmor's schema. */
public final class AlertComposer {
    private AlertComposer() {}

    /**
     * @param enforcer     {@code BPFLSM}, {@code fanotify}, ...
     * @param deniedResult the errno text a denial returns with this enforcer ({@code Permission denied} for
     *                     BPF-LSM, {@code Operation not permitted} for fanotify)
     */
    public static Alert compose(Log log, Verdict v, String enforcer, String deniedResult) {
        return log.toAlert()
                .policyName(v.policyName())
                .severity(v.severity())
                .tags(v.tags())
                .atags(v.atags())
                .message(v.message())
                .type(v.alertType())
                .enforcer(enforcer)
                .action(v.actionText())
                .result(v.denied() ? deniedResult : TelemetryTypes.PASSED)
                .build();
    }
}
