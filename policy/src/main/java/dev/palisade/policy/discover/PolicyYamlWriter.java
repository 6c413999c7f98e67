package dev.palisade.policy.discover;

import dev.palisade.policy.model.PolicyGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes learned policies as YAML that {@code kubectl apply} and {@code palisade policy validate} accept, with a
 * comment above every rule saying what it was learned from. Hand-written because YAML libraries drop comments.
 */
public final class PolicyYamlWriter {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./ =+-]*");
    private static final List<String> SECTIONS = List.of("process", "file", "network", "capabilities");
    private static final List<String> LISTS = List.of("matchPaths", "matchDirectories", "matchProtocols", "matchCapabilities");

    private PolicyYamlWriter() {}

    public static String write(PolicyDraft d, String header) {
        StringBuilder b = new StringBuilder();
        for (String line : header.split("\n")) b.append("# ").append(line).append('\n');
        for (String note : d.notes()) b.append("# note: ").append(note).append('\n');
        b.append("apiVersion: ").append(PolicyGroup.API_VERSION).append('\n');
        b.append("kind: KubeArmorPolicy\n");
        b.append("metadata:\n");
        b.append("  name: ").append(scalar(d.policyName())).append('\n');
        b.append("  namespace: ").append(scalar(d.workload().namespace())).append('\n');
        b.append("spec:\n");
        b.append("  selector:\n    matchLabels:\n");
        d.workload().selector().forEach((k, v) -> b.append("      ").append(scalar(k)).append(": ").append(scalar(v)).append('\n'));
        for (String section : SECTIONS) {
            Map<String, List<DraftRule>> lists = new LinkedHashMap<>();
            for (String l : LISTS) {
                List<DraftRule> rs = d.rules().stream().filter(r -> r.section().equals(section) && r.list().equals(l)).toList();
                if (!rs.isEmpty()) lists.put(l, rs);
            }
            if (lists.isEmpty()) continue;
            b.append("  ").append(section).append(":\n");
            lists.forEach((list, rs) -> {
                b.append("    ").append(list).append(":\n");
                for (DraftRule r : rs) {
                    b.append("    # ").append(r.comment().replace('\n', ' ')).append('\n');
                    b.append("    - ").append(r.field()).append(": ").append(scalar(r.value())).append('\n');
                    if (r.recursive()) b.append("      recursive: true\n");
                    if (r.readOnly()) b.append("      readOnly: true\n");
                    if (r.fromSource() != null) {
                        b.append("      fromSource:\n      - path: ").append(scalar(r.fromSource())).append('\n');
                    }
                }
            });
        }
        b.append("  action: Allow\n");
        return b.toString();
    }

    /** A plain scalar when safe, else double-quoted with escapes. */
    static String scalar(String s) {
        boolean ambiguous = s.isEmpty() || s.endsWith(" ") || s.startsWith(" ")
                || s.matches("(?i)true|false|yes|no|on|off|null|~|[-+]?[0-9][0-9_.eE+-]*|0x[0-9a-f]+|0o[0-7]+");
        if (!ambiguous && PLAIN.matcher(s).matches()) return s;
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\x%02x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
