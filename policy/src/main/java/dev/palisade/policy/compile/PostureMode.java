package dev.palisade.policy.compile;

import java.util.Locale;
import java.util.Optional;

/** What happens to an operation no rule allows, once its class is in least-permissive mode. */
public enum PostureMode {
    AUDIT, BLOCK;

    /** {@code audit} or {@code block}, any case; empty for anything else. */
    public static Optional<PostureMode> parse(String value) {
        if (value == null) return Optional.empty();
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "audit" -> Optional.of(AUDIT);
            case "block" -> Optional.of(BLOCK);
            default -> Optional.empty();
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
