package dev.palisade.policy.compile;

import java.util.EnumMap;
import java.util.Map;

/** The posture of each class for one container (or the host), after namespace annotations were applied. */
public record Posture(PostureMode file, PostureMode network, PostureMode capabilities) {

    /** KubeArmor's code default. */
    public static final Posture AUDIT = new Posture(PostureMode.AUDIT, PostureMode.AUDIT, PostureMode.AUDIT);
    public static final Posture BLOCK = new Posture(PostureMode.BLOCK, PostureMode.BLOCK, PostureMode.BLOCK);

    public PostureMode of(PostureClass c) {
        return switch (c) {
            case FILE -> file;
            case NETWORK -> network;
            case CAPABILITIES -> capabilities;
        };
    }

    public PostureMode of(OperationClass c) {
        return of(c.postureClass());
    }

    public Posture with(PostureClass c, PostureMode m) {
        return switch (c) {
            case FILE -> new Posture(m, network, capabilities);
            case NETWORK -> new Posture(file, m, capabilities);
            case CAPABILITIES -> new Posture(file, network, m);
        };
    }

    /**
     * Parses {@code file=block,network=audit,capabilities=audit} over {@code base}; classes not named keep the
     * base value.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static Posture parse(String text, Posture base) {
        Posture p = base;
        if (text == null || text.isBlank()) return p;
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("posture \"" + part.trim() + "\" is not class=mode (e.g. file=block)");
            }
            PostureClass c = PostureClass.parse(kv[0]).orElseThrow(() -> new IllegalArgumentException(
                    "unknown posture class \"" + kv[0].trim() + "\"; use file, network or capabilities"));
            PostureMode m = PostureMode.parse(kv[1]).orElseThrow(() -> new IllegalArgumentException(
                    "unknown posture \"" + kv[1].trim() + "\" for " + c.configName() + "; use audit or block"));
            p = p.with(c, m);
        }
        return p;
    }

    public Map<PostureClass, PostureMode> asMap() {
        Map<PostureClass, PostureMode> m = new EnumMap<>(PostureClass.class);
        for (PostureClass c : PostureClass.values()) m.put(c, of(c));
        return m;
    }

    @Override
    public String toString() {
        return "file=" + file.configName() + ",network=" + network.configName() + ",capabilities="
                + capabilities.configName();
    }
}
