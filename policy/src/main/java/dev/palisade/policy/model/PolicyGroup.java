package dev.palisade.policy.model;

/** The API group and version of KubeArmor's policy kinds, which Palisade serves unchanged. */
public final class PolicyGroup {
    private PolicyGroup() {}

    public static final String GROUP = "security.kubearmor.com";
    public static final String VERSION = "v1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
}
