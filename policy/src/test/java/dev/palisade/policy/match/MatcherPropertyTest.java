package dev.palisade.policy.match;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.ResourceKind;
import dev.palisade.policy.compile.RuleAction;
import dev.palisade.policy.compile.RuleOrigin;
import dev.palisade.policy.compile.Verdict;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The indexed matcher agrees with the plain reference on random rule sets and random operations. */
class MatcherPropertyTest {
    private static final String[] PARTS = {"a", "b", "ab", "bin", "etc", "x.conf", "sh"};
    private static final String[] SOURCES = {"/bin/s1", "/bin/s2", "/usr/bin/s3"};
    private static final String[] ARGS = {"-a", "-b", "status"};

    @Property(tries = 400)
    void indexedMatcherAgreesWithTheReference(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int ruleCount,
                                               @ForAll boolean leastPermissive) {
        Random rnd = new Random(seed);
        List<CompiledRule> rules = new ArrayList<>();
        for (int i = 0; i < ruleCount; i++) rules.add(randomRule(rnd, i));
        Verdict miss = leastPermissive
                ? new Verdict(RuleAction.BLOCK, true, true, false, "DefaultPosture", "", "", List.of(), "", "MatchedPolicy", "")
                : Verdict.UNMATCHED;
        Map<OperationClass, Verdict> misses = new EnumMap<>(OperationClass.class);
        for (OperationClass c : OperationClass.values()) misses.put(c, miss);
        Matcher indexed = new Matcher(rules, misses);
        ReferenceMatcher reference = new ReferenceMatcher(rules, miss);
        for (int q = 0; q < 60; q++) {
            String path = randomPath(rnd);
            String source = rnd.nextInt(4) == 0 ? null : SOURCES[rnd.nextInt(SOURCES.length)];
            boolean tty = rnd.nextBoolean(), owner = rnd.nextBoolean(), write = rnd.nextBoolean();
            int uid = 1000, ownerUid = owner ? 1000 : 0;
            String[] args = rnd.nextInt(5) == 0 ? null : randomArgs(rnd);
            Verdict expectedProcess = reference.decide(OperationClass.PROCESS, path, source, tty, owner, false, args);
            Verdict actualProcess = indexed.process(path, source, tty, uid, ownerUid, args);
            assertSame(expectedProcess, actualProcess, () -> "process " + path + " from " + source + " tty=" + tty + " owner=" + owner + " args=" + java.util.Arrays.toString(args) + " with " + describe(rules));
            Verdict expectedFile = reference.decide(OperationClass.FILE, path, source, tty, owner, write, null);
            Verdict actualFile = indexed.file(path, source, write, tty, uid, ownerUid);
            assertSame(expectedFile, actualFile, () -> "file " + path + " from " + source + " write=" + write + " tty=" + tty + " owner=" + owner + " with " + describe(rules));
        }
    }

    private static String describe(List<CompiledRule> rules) {
        StringBuilder b = new StringBuilder();
        for (CompiledRule r : rules) {
            b.append("\n  ").append(r.origin().policyName()).append(' ').append(r.operation()).append(' ').append(r.kind())
                    .append(' ').append(r.resource()).append(r.recursive() ? " recursive" : "")
                    .append(r.source() == null ? "" : " from " + r.source()).append(' ').append(r.action())
                    .append(r.readOnly() ? " readOnly" : "").append(r.ownerOnly() ? " ownerOnly" : "")
                    .append(r.tty() ? " pts" : "").append(r.allowedArgs() == null ? "" : " args=" + r.allowedArgs());
        }
        return b.toString();
    }

    private static CompiledRule randomRule(Random rnd, int i) {
        OperationClass op = rnd.nextBoolean() ? OperationClass.PROCESS : OperationClass.FILE;
        ResourceKind kind = switch (rnd.nextInt(op == OperationClass.PROCESS ? 4 : 3)) {
            case 0 -> ResourceKind.PATH;
            case 1 -> ResourceKind.DIRECTORY;
            case 2 -> ResourceKind.PATTERN;
            default -> ResourceKind.EXEC_NAME;
        };
        String resource = switch (kind) {
            case PATH -> randomPath(rnd);
            case DIRECTORY -> randomDir(rnd);
            case PATTERN -> randomGlob(rnd);
            default -> PARTS[rnd.nextInt(PARTS.length)];
        };
        RuleAction action = RuleAction.values()[rnd.nextInt(3)];
        boolean withSource = kind != ResourceKind.PATTERN && rnd.nextInt(3) == 0;
        String source = withSource ? SOURCES[rnd.nextInt(SOURCES.length)] : null;
        boolean readOnly = op == OperationClass.FILE && rnd.nextInt(4) == 0;
        boolean ownerOnly = rnd.nextInt(5) == 0;
        boolean tty = rnd.nextInt(6) == 0;
        Set<String> args = op == OperationClass.PROCESS && rnd.nextInt(5) == 0 ? new java.util.HashSet<>(List.of(ARGS[rnd.nextInt(ARGS.length)], "-a")) : null;
        RuleOrigin o = new RuleOrigin("p" + i, "r" + i, "f", 1, List.of(), "", false);
        Verdict v = new Verdict(action, action != RuleAction.ALLOW, false, false, "r" + i, "1", "", List.of(), "", "MatchedPolicy", "r" + i);
        Verdict violation = new Verdict(RuleAction.BLOCK, true, true, false, "DefaultPosture#" + i, "", "", List.of(), "", "MatchedPolicy", "");
        return new CompiledRule(op, kind, resource, rnd.nextBoolean(), source, action, readOnly, ownerOnly, tty, args, o, v, violation);
    }

    private static String randomPath(Random rnd) {
        StringBuilder b = new StringBuilder();
        int depth = 1 + rnd.nextInt(4);
        for (int d = 0; d < depth; d++) b.append('/').append(PARTS[rnd.nextInt(PARTS.length)]);
        return b.toString();
    }

    private static String randomDir(Random rnd) {
        if (rnd.nextInt(8) == 0) return "/";
        StringBuilder b = new StringBuilder();
        int depth = 1 + rnd.nextInt(3);
        for (int d = 0; d < depth; d++) b.append('/').append(PARTS[rnd.nextInt(PARTS.length)]);
        return b.append('/').toString();
    }

    private static String randomGlob(Random rnd) {
        String p = randomPath(rnd);
        StringBuilder b = new StringBuilder();
        for (String seg : p.substring(1).split("/")) {
            b.append('/');
            switch (rnd.nextInt(7)) {
                case 0 -> b.append('*');
                case 1 -> b.append("**");
                case 2 -> b.append(seg.charAt(0)).append('?').append(seg.length() > 2 ? seg.substring(2) : "");
                case 3 -> b.append("{").append(seg).append(",sh}");
                case 4 -> b.append('[').append(seg.charAt(0)).append("x]").append(seg.substring(1));
                default -> b.append(seg);
            }
        }
        return b.toString();
    }

    private static String[] randomArgs(Random rnd) {
        String[] a = new String[rnd.nextInt(3)];
        for (int i = 0; i < a.length; i++) a[i] = ARGS[rnd.nextInt(ARGS.length)];
        return a;
    }
}
