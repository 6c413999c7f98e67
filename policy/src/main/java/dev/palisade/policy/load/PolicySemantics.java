package dev.palisade.policy.load;

import dev.palisade.policy.compile.CommaList;
import dev.palisade.policy.glob.GlobSyntax;
import dev.palisade.policy.model.CapabilityRule;
import dev.palisade.policy.model.DirectoryRule;
import dev.palisade.policy.model.PathRule;
import dev.palisade.policy.model.PatternRule;
import dev.palisade.policy.model.PolicySpec;
import dev.palisade.policy.model.ProtocolRule;
import dev.palisade.policy.model.RuleFields;
import dev.palisade.policy.model.Selector;
import dev.palisade.policy.model.SelectorExpression;
import dev.palisade.policy.model.SourcePath;
import dev.palisade.policy.schema.PolicyKind;
import dev.palisade.policy.schema.PolicySchemas;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checks KubeArmor's CRD schema cannot express: a process rule names its executable exactly once, protocol
 * and capability names are real, globs are well formed, label values are {@code k=v}, the selector can match
 * something, and no resource is both allowed and blocked by the same policy. Also warns about features that are
 * accepted but not enforced.
 */
public final class PolicySemantics {
    private final String source;
    private final LineIndex lines;
    private final List<Problem> problems;
    /** resource key -> (effective action -> field path of the first rule saying so) */
    private final Map<String, Map<String, String>> actionsByResource = new HashMap<>();

    private PolicySemantics(String source, LineIndex lines, List<Problem> problems) {
        this.source = source;
        this.lines = lines;
        this.problems = problems;
    }

    public static void check(PolicyKind kind, PolicySpec spec, String source, LineIndex lines, List<Problem> problems) {
        new PolicySemantics(source, lines, problems).run(kind, spec);
    }

    private void error(String path, String reason) {
        problems.add(Problem.error(source, lines.lineOf(path), path, reason));
    }

    private void warning(String path, String reason) {
        problems.add(Problem.warning(source, lines.lineOf(path), path, reason));
    }

    private void run(PolicyKind kind, PolicySpec spec) {
        if (spec == null) {
            error("spec", "required field is missing");
            return;
        }
        if (kind != PolicyKind.KUBEARMOR_HOST_POLICY) checkSelector(kind, spec.selector());
        int rules = 0;
        if (spec.process() != null) {
            rules += processRules(spec, "spec.process");
        }
        if (spec.file() != null) {
            rules += fileRules(spec, "spec.file");
        }
        if (spec.network() != null) {
            List<ProtocolRule> protocols = list(spec.network().matchProtocols());
            for (int i = 0; i < protocols.size(); i++) {
                ProtocolRule r = protocols.get(i);
                String p = "spec.network.matchProtocols[" + i + "]";
                checkSources(r.fromSource(), p);
                for (String part : CommaList.split(r.protocol())) {
                    String name = part.toLowerCase(Locale.ROOT);
                    if (!PolicySchemas.PROTOCOLS.contains(name)) {
                        error(p + ".protocol", "unknown protocol \"" + part + "\"; use one of "
                                + String.join(", ", PolicySchemas.PROTOCOLS));
                    }
                    remember("network:" + name, r.fromSource(), effective(r, spec.network(), spec), p);
                }
            }
            rules += protocols.size();
            if (!list(spec.network().matchDnsQueries()).isEmpty()) {
                warning("spec.network.matchDNSQueries", "accepted, but Palisade does not enforce DNS query rules yet");
                rules += spec.network().matchDnsQueries().size();
            }
        }
        if (spec.capabilities() != null) {
            List<CapabilityRule> caps = list(spec.capabilities().matchCapabilities());
            for (int i = 0; i < caps.size(); i++) {
                CapabilityRule r = caps.get(i);
                String p = "spec.capabilities.matchCapabilities[" + i + "]";
                checkSources(r.fromSource(), p);
                for (String part : CommaList.split(r.capability())) {
                    String name = normalizeCapability(part);
                    if (!PolicySchemas.CAPABILITIES.contains(name)) {
                        error(p + ".capability", "unknown capability \"" + part
                                + "\"; use a Linux capability name such as net_raw or sys_admin (cap_ prefix optional)");
                    }
                    remember("capability:" + name, r.fromSource(), effective(r, spec.capabilities(), spec), p);
                }
            }
            rules += caps.size();
        }
        if (spec.syscalls() != null) {
            warning("spec.syscalls", "accepted, but Palisade does not act on syscall rules yet");
            rules += list(spec.syscalls().matchSyscalls()).size() + list(spec.syscalls().matchPaths()).size();
        }
        if (spec.apparmor() != null) warning("spec.apparmor", "AppArmor profiles are KubeArmor-specific; ignored");
        if (spec.presets() != null) warning("spec.presets", "KubeArmor presets are not supported; ignored");
        if (spec.device() != null) warning("spec.device", "device rules are not supported; ignored");
        if (rules == 0) error("spec", "the policy has no rules (process, file, network, capabilities or syscalls)");
        reportConflicts();
    }

    private int processRules(PolicySpec spec, String base) {
        var section = spec.process();
        List<PathRule> paths = list(section.matchPaths());
        for (int i = 0; i < paths.size(); i++) {
            PathRule r = paths.get(i);
            String p = base + ".matchPaths[" + i + "]";
            if (r.path() == null && r.execname() == null) {
                error(p, "needs a path or an execname");
            } else if (r.path() != null && r.execname() != null) {
                error(p, "has both path and execname; a rule names its executable one way");
            }
            checkSources(r.fromSource(), p);
            String resource = r.path() != null ? "path:" + r.path() : "execname:" + r.execname();
            remember("process:" + resource, r.fromSource(), effective(r, section, spec), p);
        }
        List<DirectoryRule> dirs = list(section.matchDirectories());
        for (int i = 0; i < dirs.size(); i++) {
            DirectoryRule r = dirs.get(i);
            String p = base + ".matchDirectories[" + i + "]";
            checkSources(r.fromSource(), p);
            remember("process:dir:" + r.dir() + ":" + Boolean.TRUE.equals(r.recursive()), r.fromSource(),
                    effective(r, section, spec), p);
        }
        List<PatternRule> patterns = list(section.matchPatterns());
        for (int i = 0; i < patterns.size(); i++) {
            PatternRule r = patterns.get(i);
            String p = base + ".matchPatterns[" + i + "]";
            checkPattern(r, p);
            remember("process:pattern:" + r.pattern(), null, effective(r, section, spec), p);
        }
        return paths.size() + dirs.size() + patterns.size();
    }

    private int fileRules(PolicySpec spec, String base) {
        var section = spec.file();
        List<PathRule> paths = list(section.matchPaths());
        for (int i = 0; i < paths.size(); i++) {
            PathRule r = paths.get(i);
            String p = base + ".matchPaths[" + i + "]";
            checkSources(r.fromSource(), p);
            remember("file:path:" + r.path() + ":" + Boolean.TRUE.equals(r.readOnly()), r.fromSource(),
                    effective(r, section, spec), p);
        }
        List<DirectoryRule> dirs = list(section.matchDirectories());
        for (int i = 0; i < dirs.size(); i++) {
            DirectoryRule r = dirs.get(i);
            String p = base + ".matchDirectories[" + i + "]";
            checkSources(r.fromSource(), p);
            remember("file:dir:" + r.dir() + ":" + Boolean.TRUE.equals(r.recursive()) + ":"
                    + Boolean.TRUE.equals(r.readOnly()), r.fromSource(), effective(r, section, spec), p);
        }
        List<PatternRule> patterns = list(section.matchPatterns());
        for (int i = 0; i < patterns.size(); i++) {
            PatternRule r = patterns.get(i);
            String p = base + ".matchPatterns[" + i + "]";
            checkPattern(r, p);
            remember("file:pattern:" + r.pattern() + ":" + Boolean.TRUE.equals(r.readOnly()), null,
                    effective(r, section, spec), p);
        }
        return paths.size() + dirs.size() + patterns.size();
    }

    private void checkPattern(PatternRule r, String p) {
        if (r.pattern() == null) return;
        GlobSyntax.check(r.pattern()).ifPresent(why -> error(p + ".pattern", why));
    }

    private void checkSources(List<SourcePath> sources, String rulePath) {
        List<SourcePath> s = list(sources);
        for (int i = 0; i < s.size(); i++) {
            if (s.get(i).path() == null) error(rulePath + ".fromSource[" + i + "].path", "required field is missing");
        }
    }

    private void checkSelector(PolicyKind kind, Selector selector) {
        if (selector == null) {
            if (kind == PolicyKind.KUBEARMOR_POLICY) {
                error("spec.selector", "required field is missing (use matchLabels: {} to select every pod of the namespace)");
            }
            return;
        }
        Map<String, String> labels = selector.matchLabels() == null ? Map.of() : selector.matchLabels();
        Set<String> notInLabels = new HashSet<>();
        Set<String> notInNamespaces = new HashSet<>();
        List<SelectorExpression> exprs = list(selector.matchExpressions());
        for (int i = 0; i < exprs.size(); i++) {
            SelectorExpression e = exprs.get(i);
            if ("NotIn".equals(e.operator())) {
                ("namespace".equals(e.key()) ? notInNamespaces : notInLabels).addAll(list(e.values()));
            }
        }
        for (int i = 0; i < exprs.size(); i++) {
            SelectorExpression e = exprs.get(i);
            String p = "spec.selector.matchExpressions[" + i + "]";
            List<String> values = list(e.values());
            if (e.key() == null) error(p + ".key", "required field is missing");
            if (e.operator() == null) error(p + ".operator", "required field is missing");
            if ("label".equals(e.key())) {
                for (int j = 0; j < values.size(); j++) {
                    if (values.get(j).indexOf('=') <= 0) {
                        error(p + ".values[" + j + "]", "a label value must be key=value (got \"" + values.get(j) + "\")");
                    }
                }
            }
            if (!"In".equals(e.operator())) continue;
            if (values.isEmpty()) {
                error(p + ".values", "an In expression with no values can never match");
                continue;
            }
            boolean anyPossible = false;
            for (String v : values) {
                if ("namespace".equals(e.key())) {
                    if (!notInNamespaces.contains(v)) anyPossible = true;
                } else {
                    int eq = v.indexOf('=');
                    String k = eq > 0 ? v.substring(0, eq) : v;
                    String val = eq > 0 ? v.substring(eq + 1) : "";
                    boolean contradictsLabels = labels.containsKey(k) && !labels.get(k).equals(val);
                    if (!notInLabels.contains(v) && !contradictsLabels) anyPossible = true;
                }
            }
            if (!anyPossible) {
                error(p, "this selector can never match: every value of this In expression is excluded by "
                        + "matchLabels or by a NotIn expression");
            }
        }
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (notInLabels.contains(l.getKey() + "=" + l.getValue())) {
                error("spec.selector", "this selector can never match: matchLabels requires " + l.getKey() + "="
                        + l.getValue() + " and a NotIn expression excludes it");
            }
        }
    }

    /** The action a rule has after inheritance: rule, then section, then spec; an empty spec action means Block. */
    public static String effective(RuleFields rule, RuleFields section, RuleFields spec) {
        if (rule.action() != null && !rule.action().isEmpty()) return rule.action();
        if (section != null && section.action() != null && !section.action().isEmpty()) return section.action();
        if (spec != null && spec.action() != null && !spec.action().isEmpty()) return spec.action();
        return "Block";
    }

    public static String normalizeCapability(String name) {
        if (name == null) return null;
        String n = name.toLowerCase(Locale.ROOT);
        return n.startsWith("cap_") ? n.substring(4) : n;
    }

    private void remember(String resource, List<SourcePath> sources, String action, String path) {
        List<String> keys = new ArrayList<>();
        if (list(sources).isEmpty()) {
            keys.add(resource);
        } else {
            for (SourcePath s : sources) keys.add(resource + " from " + s.path());
        }
        for (String k : keys) actionsByResource.computeIfAbsent(k, x -> new HashMap<>()).putIfAbsent(action, path);
    }

    private void reportConflicts() {
        for (Map<String, String> byAction : actionsByResource.values()) {
            String allow = byAction.get("Allow");
            String block = byAction.get("Block");
            if (allow != null && block != null) {
                String later = lines.lineOf(allow) >= lines.lineOf(block) ? allow : block;
                error(later, "the same resource is both allowed (" + allow + ") and blocked (" + block
                        + ") by this policy");
            }
        }
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
