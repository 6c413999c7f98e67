package dev.palisade.policy.compile;

import dev.palisade.telemetry.TelemetryTypes;

/** Whom a rule set protects: a container (KubeArmorPolicy, ClusterPolicy) or the host (HostPolicy). */
public enum Scope {
    CONTAINER(TelemetryTypes.MATCHED_POLICY), HOST(TelemetryTypes.MATCHED_HOST_POLICY);

    private final String alertType;

    Scope(String alertType) {
        this.alertType = alertType;
    }

    /** The {@code Type} of alerts raised in this scope. */
    public String alertType() {
        return alertType;
    }
}
