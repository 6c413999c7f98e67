package dev.palisade.policy.discover;

import java.util.Map;
import java.util.TreeMap;

/** How often a resource was used, by which executables, and whether it was ever written. Mutable, single-threaded. */
final class Usage {
    long count;
    boolean written;
    final Map<String, Long> sources = new TreeMap<>();

    void add(String source, boolean write) {
        count++;
        written |= write;
        if (source != null) sources.merge(source, 1L, Long::sum);
    }

    void addAll(Usage other) {
        count += other.count;
        written |= other.written;
        other.sources.forEach((s, n) -> sources.merge(s, n, Long::sum));
    }

    /** The one executable behind every use, if there is one and it was seen at least {@code minEvents} times. */
    String stableSource(long minEvents) {
        if (sources.size() != 1) return null;
        Map.Entry<String, Long> only = sources.entrySet().iterator().next();
        return only.getValue() >= minEvents && only.getValue() == count ? only.getKey() : null;
    }

    String describe() {
        StringBuilder b = new StringBuilder(count + (count == 1 ? " event" : " events"));
        if (written) b.append(", written");
        if (!sources.isEmpty()) {
            b.append("; by ");
            int i = 0;
            for (Map.Entry<String, Long> e : sources.entrySet()) {
                if (i++ == 3) {
                    b.append(", ... (").append(sources.size()).append(" programs)");
                    break;
                }
                if (i > 1) b.append(", ");
                b.append(e.getKey()).append(" (").append(e.getValue()).append(')');
            }
        }
        return b.toString();
    }
}
