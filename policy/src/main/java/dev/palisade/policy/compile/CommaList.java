package dev.palisade.policy.compile;

import java.util.ArrayList;
import java.util.List;

/** KubeArmor accepts {@code protocol: tcp,udp} (and likewise capabilities and domains) as several rules. */
public final class CommaList {
    private CommaList() {}

    public static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        for (String part : value.split(",")) {
            String p = part.replace(" ", "");
            if (!p.isEmpty()) out.add(p);
        }
        return out;
    }
}
