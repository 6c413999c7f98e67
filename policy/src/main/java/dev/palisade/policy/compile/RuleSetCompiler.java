package dev.palisade.policy.compile;

import dev.palisade.policy.Policy;
import dev.palisade.policy.load.PolicySemantics;
import dev.palisade.policy.model.CapabilityRule;
import dev.palisade.policy.model.DirectoryRule;
import dev.palisade.policy.model.PathRule;
import dev.palisade.policy.model.PatternRule;
import dev.palisade.policy.model.PolicySpec;
import dev.palisade.policy.model.ProtocolRule;
import dev.palisade.policy.model.RuleFields;
import dev.palisade.policy.model.SourcePath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the policies selecting one workload, with its posture, into a {@link RuleSet}. Inheritance
 * (rule, then section, then spec; an empty spec action is Block), comma lists, {@code fromSource} entries and
 * path aliases are all resolved here, once, so deciding never has to.
 */
public final class RuleSetCompiler {
    private final Scope scope;
    private final PathAliases aliases;
    private final List<CompiledRule> rules = new ArrayList<>();
    private final Map<OperationClass, ClassMode> modes = new EnumMap<>(OperationClass.class);

    private RuleSetCompiler(Scope scope, PathAliases aliases) {
        this.scope = scope;
        this.aliases = aliases;
        for (OperationClass c : OperationClass.values()) modes.put(c, ClassMode.OPEN);
    }

    /**
     * @param policies the policies that select the workload (any order; compiled in key order for determinism)
     * @param aliases  the equivalent spellings of paths inside the workload's filesystem
     */
    public static RuleSet compile(Scope scope, List<Policy> policies, Posture posture, PathAliases aliases) {
        RuleSetCompiler c = new RuleSetCompiler(scope, aliases);
        List<Policy> sorted = new ArrayList<>(policies);
        sorted.sort(Comparator.comparing(Policy::key));
        for (Policy p : sorted) c.add(p);
        return new RuleSet(scope, posture, c.rules, c.modes, sorted.stream().map(Policy::key).toList());
    }

    private void add(Policy p) {
        PolicySpec spec = p.spec();
        if (spec.process() != null) {
            var s = spec.process();
            List<PathRule> paths = list(s.matchPaths());
            for (int i = 0; i < paths.size(); i++) {
                PathRule r = paths.get(i);
                String f = "spec.process.matchPaths[" + i + "]";
                RuleOrigin o = origin(p, f, r, s, spec);
                Set<String> args = r.allowedArgs() == null ? null : new HashSet<>(r.allowedArgs());
                if (r.path() != null) {
                    addPaths(OperationClass.PROCESS, ResourceKind.PATH, r.path(), false, r.fromSource(), action(r, s, spec),
                            false, is(r.ownerOnly()), is(r.pts()), args, o);
                } else {
                    addPaths(OperationClass.PROCESS, ResourceKind.EXEC_NAME, r.execname(), false, r.fromSource(),
                            action(r, s, spec), false, is(r.ownerOnly()), is(r.pts()), args, o);
                }
            }
            addDirectories(OperationClass.PROCESS, p, "spec.process", list(s.matchDirectories()), s, spec);
            addPatterns(OperationClass.PROCESS, p, "spec.process", list(s.matchPatterns()), s, spec);
        }
        if (spec.file() != null) {
            var s = spec.file();
            List<PathRule> paths = list(s.matchPaths());
            for (int i = 0; i < paths.size(); i++) {
                PathRule r = paths.get(i);
                RuleOrigin o = origin(p, "spec.file.matchPaths[" + i + "]", r, s, spec);
                addPaths(OperationClass.FILE, ResourceKind.PATH, r.path(), false, r.fromSource(), action(r, s, spec),
                        is(r.readOnly()), is(r.ownerOnly()), is(r.pts()), null, o);
            }
            addDirectories(OperationClass.FILE, p, "spec.file", list(s.matchDirectories()), s, spec);
            addPatterns(OperationClass.FILE, p, "spec.file", list(s.matchPatterns()), s, spec);
        }
        if (spec.network() != null) {
            var s = spec.network();
            List<ProtocolRule> protocols = list(s.matchProtocols());
            for (int i = 0; i < protocols.size(); i++) {
                ProtocolRule r = protocols.get(i);
                RuleOrigin o = origin(p, "spec.network.matchProtocols[" + i + "]", r, s, spec);
                for (String name : CommaList.split(r.protocol())) {
                    addPaths(OperationClass.NETWORK, ResourceKind.PROTOCOL, name.toLowerCase(Locale.ROOT), false,
                            r.fromSource(), action(r, s, spec), false, false, is(r.pts()), null, o);
                }
            }
        }
        if (spec.capabilities() != null) {
            var s = spec.capabilities();
            List<CapabilityRule> caps = list(s.matchCapabilities());
            for (int i = 0; i < caps.size(); i++) {
                CapabilityRule r = caps.get(i);
                RuleOrigin o = origin(p, "spec.capabilities.matchCapabilities[" + i + "]", r, s, spec);
                for (String name : CommaList.split(r.capability())) {
                    addPaths(OperationClass.CAPABILITIES, ResourceKind.CAPABILITY,
                            PolicySemantics.normalizeCapability(name), false, r.fromSource(), action(r, s, spec), false,
                            false, false, null, o);
                }
            }
        }
    }

    private void addDirectories(OperationClass c, Policy p, String base, List<DirectoryRule> dirs, RuleFields section,
                                PolicySpec spec) {
        for (int i = 0; i < dirs.size(); i++) {
            DirectoryRule r = dirs.get(i);
            RuleOrigin o = origin(p, base + ".matchDirectories[" + i + "]", r, section, spec);
            addPaths(c, ResourceKind.DIRECTORY, r.dir(), is(r.recursive()), r.fromSource(), action(r, section, spec),
                    c == OperationClass.FILE && is(r.readOnly()), is(r.ownerOnly()), is(r.pts()), null, o);
        }
    }

    private void addPatterns(OperationClass c, Policy p, String base, List<PatternRule> patterns, RuleFields section,
                             PolicySpec spec) {
        for (int i = 0; i < patterns.size(); i++) {
            PatternRule r = patterns.get(i);
            RuleOrigin o = origin(p, base + ".matchPatterns[" + i + "]", r, section, spec);
            // A glob is matched against the path as the kernel reports it; it gets no alias expansion.
            emit(c, ResourceKind.PATTERN, r.pattern(), false, null, action(r, section, spec),
                    c == OperationClass.FILE && is(r.readOnly()), is(r.ownerOnly()), false, null, o);
        }
    }

    /** One compiled rule per alias of the resource and per alias of each source. */
    private void addPaths(OperationClass c, ResourceKind kind, String resource, boolean recursive,
                          List<SourcePath> sources, RuleAction action, boolean readOnly, boolean ownerOnly, boolean tty,
                          Set<String> args, RuleOrigin o) {
        boolean isPath = kind == ResourceKind.PATH || kind == ResourceKind.DIRECTORY;
        List<String> resources = isPath ? aliases.aliases(resource) : List.of(resource);
        List<String> sourceList = new ArrayList<>();
        for (SourcePath s : list(sources)) {
            if (s.path() != null) sourceList.addAll(aliases.aliases(s.path()));
        }
        for (String r : resources) {
            if (sourceList.isEmpty()) {
                emit(c, kind, r, recursive, null, action, readOnly, ownerOnly, tty, args, o);
            } else {
                for (String src : new java.util.LinkedHashSet<>(sourceList)) {
                    emit(c, kind, r, recursive, src, action, readOnly, ownerOnly, tty, args, o);
                }
            }
        }
    }

    private void emit(OperationClass c, ResourceKind kind, String resource, boolean recursive, String source,
                      RuleAction action, boolean readOnly, boolean ownerOnly, boolean tty, Set<String> args,
                      RuleOrigin o) {
        Verdict v = Verdict.ofRule(action, o, scope);
        Verdict violation = Verdict.defaultPosture(RuleAction.BLOCK, scope, o.dryRun(),
                o.reference() + (ownerOnly ? " (ownerOnly)" : "") + (readOnly ? " (readOnly)" : ""));
        rules.add(new CompiledRule(c, kind, resource, recursive, source, action, readOnly, ownerOnly, tty, args, o, v,
                violation));
        if (action == RuleAction.ALLOW) {
            ClassMode now = modes.get(c);
            if (!o.dryRun()) modes.put(c, ClassMode.LEAST_PERMISSIVE);
            else if (now == ClassMode.OPEN) modes.put(c, ClassMode.LEAST_PERMISSIVE_DRY_RUN);
        }
    }

    private RuleOrigin origin(Policy p, String field, RuleFields rule, RuleFields section, PolicySpec spec) {
        int severity = rule.severity() != null ? rule.severity()
                : section.severity() != null ? section.severity() : spec.severity() != null ? spec.severity() : 0;
        List<String> tags = nonEmpty(rule.tags()) ? rule.tags() : nonEmpty(section.tags()) ? section.tags()
                : nonEmpty(spec.tags()) ? spec.tags() : List.of();
        String message = nonEmpty(rule.message()) ? rule.message() : nonEmpty(section.message()) ? section.message()
                : nonEmpty(spec.message()) ? spec.message() : "";
        return new RuleOrigin(p.key(), p.name(), field, severity, tags, message, p.dryRun());
    }

    private static RuleAction action(RuleFields rule, RuleFields section, PolicySpec spec) {
        return RuleAction.parse(PolicySemantics.effective(rule, section, spec));
    }

    private static boolean is(Boolean b) {
        return Boolean.TRUE.equals(b);
    }

    private static boolean nonEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
