package dev.palisade.policy.match;

import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.ResourceKind;
import dev.palisade.policy.compile.RuleAction;
import dev.palisade.policy.compile.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides operations against one compiled rule set. Immutable and thread-safe; no decision allocates.
 *
 * <p>Order of lookup, first hit wins (KubeArmor's, plus patterns):
 * <ol>
 *   <li>the exact path, with a rule for the operation's source,</li>
 *   <li>directories with a rule for the source, deepest first,</li>
 *   <li>the exact path, any source,</li>
 *   <li>the executable's name (process rules only),</li>
 *   <li>patterns (a glob is taken as more specific than a directory),</li>
 *   <li>directories, any source, deepest first.</li>
 * </ol>
 * A directory rule also covers the directory itself ({@code /etc/} covers opening {@code /etc}). Among the rules
 * on one key, Block beats Audit beats Allow; then policy order. A rule whose {@code pts} flag is set applies only
 * to a task with a terminal; a non-recursive directory rule only to direct children.
 *
 * <p>Within the matched rules: a Block or Audit rule with {@code ownerOnly}, {@code readOnly} or
 * {@code allowedArgs} acts only when its condition is broken (a non-owner, a write, an argument not listed), and
 * otherwise lets the operation pass. An Allow rule whose owner or read-only condition is broken yields
 * DefaultPosture Block whatever the posture; one whose arguments are not listed yields the posture. An Audit
 * match inside an allow-list is a posture miss. No match: the class's posture when it is an allow-list, else
 * pass silently.
 */
public final class Matcher {
    private final PathIndex process;
    private final PathIndex file;
    private final PathTable network;
    private final RuleBucket[] capabilities;
    private final Verdict processMiss, fileMiss, networkMiss, capabilityMiss;

    public Matcher(List<CompiledRule> rules, Map<OperationClass, Verdict> misses) {
        process = new PathIndex(rules.stream().filter(r -> r.operation() == OperationClass.PROCESS).toList());
        file = new PathIndex(rules.stream().filter(r -> r.operation() == OperationClass.FILE).toList());
        network = new PathTable(RuleBucket.group(
                rules.stream().filter(r -> r.operation() == OperationClass.NETWORK).toList(), CompiledRule::resource).values());
        capabilities = new RuleBucket[Capabilities.COUNT];
        RuleBucket.group(rules.stream().filter(r -> r.operation() == OperationClass.CAPABILITIES).toList(),
                r -> Capabilities.number(r.resource())).forEach((n, b) -> {
                    if (n >= 0) capabilities[n] = b;
                });
        processMiss = misses.get(OperationClass.PROCESS);
        fileMiss = misses.get(OperationClass.FILE);
        networkMiss = misses.get(OperationClass.NETWORK);
        capabilityMiss = misses.get(OperationClass.CAPABILITIES);
    }

    /**
     * An exec of {@code path}.
     *
     * @param parentExe the executable doing the exec (the source of process rules), null when unknown
     * @param ownerUid  owner of the executable file, -1 when unknown (then the task is taken as not its owner)
     * @param args      argv[1..], null when unknown
     */
    public Verdict process(String path, String parentExe, boolean tty, int uid, int ownerUid, String[] args) {
        return decidePath(process, processMiss, path, parentExe, true, tty, uid == ownerUid && ownerUid >= 0, false, args);
    }

    /**
     * An open of {@code path} by {@code exe}.
     *
     * @param write for writing or appending
     */
    public Verdict file(String path, String exe, boolean write, boolean tty, int uid, int ownerUid) {
        return decidePath(file, fileMiss, path, exe, false, tty, uid == ownerUid && ownerUid >= 0, write, null);
    }

    /**
     * A socket operation by {@code exe}; type and protocol as given to {@code socket(2)}, -1 when unknown.
     */
    public Verdict network(String exe, int family, int type, int protocol, boolean tty) {
        String typeName = type < 0 ? null : SocketNames.typeName(type);
        String protoName = protocol < 0 ? null : SocketNames.protocolName(family, type, protocol);
        if (exe != null) {
            Verdict v = networkStep(typeName, exe, tty);
            if (v == null) v = networkStep(protoName, exe, tty);
            if (v == null) v = networkStep("all", exe, tty);
            if (v != null) return v;
        }
        Verdict v = networkStep(typeName, null, tty);
        if (v == null) v = networkStep(protoName, null, tty);
        if (v == null) v = networkStep("all", null, tty);
        return v != null ? v : networkMiss;
    }

    private Verdict networkStep(String key, String source, boolean tty) {
        if (key == null) return null;
        RuleBucket b = network.get(key);
        if (b == null) return null;
        CompiledRule[] rules = source == null ? b.anySource : b.forSource(source);
        return rules == null ? null : evaluate(rules, true, tty, true, false, null, networkMiss);
    }

    /** Use of capability number {@code capability} by {@code exe}. */
    public Verdict capability(String exe, int capability) {
        RuleBucket b = capability >= 0 && capability < capabilities.length ? capabilities[capability] : null;
        if (b != null) {
            CompiledRule[] rules = b.forSource(exe);
            Verdict v = rules == null ? null : evaluate(rules, true, false, true, false, null, capabilityMiss);
            if (v == null) v = evaluate(b.anySource, true, false, true, false, null, capabilityMiss);
            if (v != null) return v;
        }
        return capabilityMiss;
    }

    private static Verdict decidePath(PathIndex idx, Verdict miss, String path, String source, boolean exec,
                                      boolean tty, boolean owner, boolean write, String[] args) {
        RuleBucket exact = idx.exact.get(path);
        if (exact != null && source != null) {
            CompiledRule[] r = exact.forSource(source);
            Verdict v = r == null ? null : evaluate(r, true, tty, owner, write, args, miss);
            if (v != null) return v;
        }
        // One pass over the path's ancestors finds the deepest directory verdicts with and without the source.
        Verdict dirWithSource = null, dirAny = null;
        if (!idx.directories.isEmpty()) {
            int last = path.lastIndexOf('/');
            int maxSlashes = idx.directories.maxSlashes();
            int h = 0, slashes = 0;
            for (int i = 0, n = path.length(); i < n; i++) {
                char c = path.charAt(i);
                h = 31 * h + c;
                if (c != '/' || ++slashes > maxSlashes) continue;
                RuleBucket b = idx.directories.get(path, 0, i + 1, h);
                if (b == null) continue;
                boolean child = i == last;
                Verdict v = source == null ? null : evaluateOrNull(b.forSource(source), child, tty, owner, write, args, miss);
                if (v != null) dirWithSource = v;
                v = b.single != null ? outcome(b.single, miss) : evaluate(b.anySource, child, tty, owner, write, args, miss);
                if (v != null) dirAny = v;
            }
            if (last != path.length() - 1 && slashes < maxSlashes) { // the directory itself, as if written with '/'
                RuleBucket b = idx.directories.getWithSuffix(path, '/', 31 * h + '/');
                if (b != null) {
                    Verdict v = source == null ? null : evaluateOrNull(b.forSource(source), true, tty, owner, write, args, miss);
                    if (v != null) dirWithSource = v;
                    v = evaluate(b.anySource, true, tty, owner, write, args, miss);
                    if (v != null) dirAny = v;
                }
            }
        }
        if (dirWithSource != null) return dirWithSource;
        if (exact != null) {
            Verdict v = exact.single != null ? outcome(exact.single, miss)
                    : evaluate(exact.anySource, true, tty, owner, write, args, miss);
            if (v != null) return v;
        }
        if (exec && !idx.execNames.isEmpty()) {
            int from = path.lastIndexOf('/') + 1;
            RuleBucket b = idx.execNames.get(path, from, path.length(), PathTable.hash(path, from, path.length()));
            if (b != null) {
                Verdict v = source == null ? null : evaluateOrNull(b.forSource(source), true, tty, owner, write, args, miss);
                if (v == null) v = evaluate(b.anySource, true, tty, owner, write, args, miss);
                if (v != null) return v;
            }
        }
        if (idx.patterns != null) {
            CompiledRule[] r = idx.patterns.match(path);
            Verdict v = r == null ? null : evaluate(r, true, tty, owner, write, args, miss);
            if (v != null) return v;
        }
        return dirAny != null ? dirAny : miss;
    }

    private static Verdict evaluateOrNull(CompiledRule[] rules, boolean directChild, boolean tty, boolean owner,
                                          boolean write, String[] args, Verdict miss) {
        return rules == null ? null : evaluate(rules, directChild, tty, owner, write, args, miss);
    }

    /**
     * The verdict of the rules on one key, or null when none applies (so the lookup goes on).
     * Rules come strongest first.
     */
    static Verdict evaluate(CompiledRule[] rules, boolean directChild, boolean tty, boolean owner, boolean write,
                            String[] args, Verdict miss) {
        boolean applied = false;
        CompiledRule audit = null, allow = null;
        for (CompiledRule r : rules) {
            if (r.tty() && !tty) continue;
            if (r.kind() == ResourceKind.DIRECTORY && !r.recursive() && !directChild) continue;
            applied = true;
            if (r.action() == RuleAction.ALLOW) {
                if (allow == null) allow = r;
            } else if (conditionBroken(r, owner, write, args)) {
                if (r.action() == RuleAction.BLOCK) return r.verdict();
                if (audit == null) audit = r;
            }
        }
        if (!applied) return null;
        if (allow != null) {
            if ((allow.ownerOnly() && !owner) || (allow.readOnly() && write)) return allow.violation();
            if (allow.allowedArgs() != null && !argsListed(allow.allowedArgs(), args)) return miss;
            return audit != null ? audit.verdict() : allow.verdict();
        }
        if (audit != null) return miss == Verdict.UNMATCHED ? audit.verdict() : miss;
        return Verdict.UNMATCHED; // only conditional Block/Audit rules matched, and their conditions held
    }

    /** What one unconditional rule decides: {@link #evaluate} for that case, without the loop. */
    private static Verdict outcome(CompiledRule r, Verdict miss) {
        if (r.action() == RuleAction.AUDIT) return miss == Verdict.UNMATCHED ? r.verdict() : miss;
        return r.verdict();
    }

    /** A Block or Audit rule acts unless it is conditional and every condition it sets holds. */
    private static boolean conditionBroken(CompiledRule r, boolean owner, boolean write, String[] args) {
        boolean conditional = r.ownerOnly() || r.readOnly() || r.allowedArgs() != null;
        if (!conditional) return true;
        return (r.ownerOnly() && !owner) || (r.readOnly() && write)
                || (r.allowedArgs() != null && !argsListed(r.allowedArgs(), args));
    }

    private static boolean argsListed(Set<String> allowed, String[] args) {
        if (args == null) return false;
        for (String a : args) if (!allowed.contains(a)) return false;
        return true;
    }
}
