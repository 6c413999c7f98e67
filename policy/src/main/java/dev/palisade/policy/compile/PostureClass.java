package dev.palisade.policy.compile;

import java.util.Locale;
import java.util.Optional;

/** What a posture setting covers; the names are those of the namespace annotations ({@code kubearmor-<name>-posture}). */
public enum PostureClass {
    FILE, NETWORK, CAPABILITIES;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The namespace annotation that overrides this class's posture. */
    public String annotation() {
        return "kubearmor-" + configName() + "-posture";
    }

    public static Optional<PostureClass> parse(String name) {
        for (PostureClass c : values()) if (c.configName().equalsIgnoreCase(name.trim())) return Optional.of(c);
        return Optional.empty();
    }
}
