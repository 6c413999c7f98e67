package dev.palisade.kernel.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.kernel.bpf.CreatedBpfMap;
import dev.palisade.policy.compile.ClassMode;
import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.PostureMode;
import dev.palisade.policy.compile.ResourceKind;
import dev.palisade.policy.compile.RuleAction;
import dev.palisade.policy.compile.RuleOrigin;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.policy.match.Capabilities;
import dev.palisade.policy.match.Matcher;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The BPF-LSM enforcer decides as the user-space matcher does: random rule sets are encoded into real rules maps,
 * and the kernel's decision code (palisade_decide, the same functions the LSM hooks call) is run on random
 * operations next to {@link Matcher}. Globs are left out: the kernel does not enforce them (the matcher still
 * reports them). Arguments are unknown to both.
 */
@Requires(Need.BPF)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class KernelDecisionsAgreeWithMatcherTest {
    private static final String[] PARTS = {"a", "b", "ab", "bin", "etc", "x.conf", "sh", "ü"};
    private static final String[] SOURCES = {"/bin/s1", "/bin/s2", "/usr/bin/s3"};
    private static final String[] NET = {"stream", "dgram", "raw", "tcp", "udp", "icmp", "icmpv6", "sctp", "packet", "all"};
    private static final int[][] SOCKETS = {{2, 1, 0}, {2, 1, 6}, {2, 2, 0}, {2, 2, 17}, {2, 3, 1}, {10, 3, 58}, {2, 2, 1},
            {17, 3, 768}, {10, 5, 132}, {1, 1, 0}, {2, 3, 255}, {2, 6, 33}};
    private static final long CGROUP = 4242;

    private DecideProgram kernel;

    @BeforeAll
    void load() {
        Random seeds = new Random();
        kernel = new DecideProgram(new PathHash(seeds.nextLong(), seeds.nextLong()));
    }

    @AfterAll
    void unload() {
        if (kernel != null) kernel.close();
    }

    @Test
    void pathDecisionsAgreeOnRandomRuleSets() {
        Random rnd = new Random(20261122);
        int checked = 0;
        for (int set = 0; set < 300; set++) {
            List<CompiledRule> rules = new ArrayList<>();
            int n = rnd.nextInt(30);
            for (int i = 0; i < n; i++) rules.add(pathRule(rnd, i));
            RuleSet rs = ruleSet(rules, rnd);
            RuleSetEncoder.Encoded enc = new RuleSetEncoder(kernel.hash).encode(rs);
            try (CreatedBpfMap map = RulesMapBuilder.build(enc, set)) {
                kernel.install(CGROUP, map);
            }
            Matcher m = rs.matcher();
            for (int q = 0; q < 40; q++) {
                String path = rnd.nextInt(6) == 0 ? dir(rnd).replaceAll("/$", "") : path(rnd);
                if (path.isEmpty()) path = "/";
                String source = rnd.nextInt(4) == 0 ? null : SOURCES[rnd.nextInt(SOURCES.length)];
                boolean tty = rnd.nextBoolean(), owner = rnd.nextBoolean();
                int cond = (tty ? EnforcerAbi.COND_TTY : 0) | (owner ? EnforcerAbi.COND_OWNER : 0);
                int ownerUid = owner ? 1000 : 0;

                long exec = kernel.decidePath(CGROUP, EnforcerAbi.OP_PROCESS, cond, path, source);
                Verdict pv = m.process(path, source, tty, 1000, ownerUid, null);
                assertOutcome(enc, pv, (int) exec, "exec " + path + " from " + source + " tty=" + tty + " owner=" + owner, rules);

                long open = kernel.decidePath(CGROUP, EnforcerAbi.OP_FILE, cond, path, source);
                Verdict read = m.file(path, source, false, tty, 1000, ownerUid);
                Verdict write = m.file(path, source, true, tty, 1000, ownerUid);
                assertOutcome(enc, read, (int) open, "read " + path + " by " + source + " tty=" + tty + " owner=" + owner, rules);
                assertOutcome(enc, write, (int) (open >>> 32), "write " + path + " by " + source + " tty=" + tty + " owner=" + owner, rules);
                checked += 3;
            }
        }
        kernel.uninstall(CGROUP);
        assertTrue(checked >= 30_000, "decisions compared: " + checked);
    }

    @Test
    void networkAndCapabilityDecisionsAgreeOnRandomRuleSets() {
        Random rnd = new Random(7);
        for (int set = 0; set < 200; set++) {
            List<CompiledRule> rules = new ArrayList<>();
            int n = rnd.nextInt(12);
            for (int i = 0; i < n; i++) rules.add(rnd.nextBoolean() ? netRule(rnd, i) : capRule(rnd, i));
            RuleSet rs = ruleSet(rules, rnd);
            RuleSetEncoder.Encoded enc = new RuleSetEncoder(kernel.hash).encode(rs);
            try (CreatedBpfMap map = RulesMapBuilder.build(enc, set)) {
                kernel.install(CGROUP, map);
            }
            Matcher m = rs.matcher();
            for (int q = 0; q < 30; q++) {
                String source = rnd.nextInt(4) == 0 ? null : SOURCES[rnd.nextInt(SOURCES.length)];
                boolean tty = rnd.nextBoolean();
                int[] sock = SOCKETS[rnd.nextInt(SOCKETS.length)];
                long net = kernel.decideNetwork(CGROUP, (tty ? EnforcerAbi.COND_TTY : 0) | EnforcerAbi.COND_OWNER, source,
                        sock[0], sock[1], sock[2]);
                assertOutcome(enc, m.network(source, sock[0], sock[1], sock[2], tty), (int) net,
                        "socket " + java.util.Arrays.toString(sock) + " by " + source + " tty=" + tty, rules);
                int cap = rnd.nextInt(41);
                long c = kernel.decideCapability(CGROUP, EnforcerAbi.COND_OWNER, source, cap);
                assertOutcome(enc, m.capability(source, cap), (int) c, "capability " + cap + " by " + source, rules);
            }
        }
        kernel.uninstall(CGROUP);
    }

    private static void assertOutcome(RuleSetEncoder.Encoded enc, Verdict expected, int outcome, String what,
                                      List<CompiledRule> rules) {
        int index = enc.verdicts().indexOf(expected);
        assertTrue(index >= 0, () -> what + ": the matcher's verdict is not in the table: " + expected);
        int want = EnforcerAbi.OUT_DECIDED | index | (expected.alert() ? EnforcerAbi.OUT_ALERT : 0)
                | (expected.denied() ? EnforcerAbi.OUT_DENY : 0);
        if (want != outcome) {
            int got = outcome & EnforcerAbi.OUT_VERDICT_MASK;
            String gotVerdict = got < enc.verdicts().size() ? enc.verdicts().get(got).toString() : "?";
            assertEquals(Integer.toHexString(want), Integer.toHexString(outcome), () -> what + "\n  matcher: " + expected
                    + "\n  kernel:  " + gotVerdict + "\n  rules:" + describe(rules));
        }
    }

    private static RuleSet ruleSet(List<CompiledRule> rules, Random rnd) {
        Map<OperationClass, ClassMode> modes = new EnumMap<>(OperationClass.class);
        for (OperationClass c : OperationClass.values()) {
            boolean allow = rules.stream().anyMatch(r -> r.operation() == c && r.action() == RuleAction.ALLOW);
            modes.put(c, !allow ? ClassMode.OPEN : rnd.nextInt(5) == 0 ? ClassMode.LEAST_PERMISSIVE_DRY_RUN : ClassMode.LEAST_PERMISSIVE);
        }
        PostureMode p = rnd.nextBoolean() ? PostureMode.BLOCK : PostureMode.AUDIT;
        PostureMode q = rnd.nextBoolean() ? PostureMode.BLOCK : PostureMode.AUDIT;
        return RuleSet.of(Scope.CONTAINER, new Posture(p, q, rnd.nextBoolean() ? PostureMode.BLOCK : PostureMode.AUDIT), rules, modes);
    }

    private static CompiledRule rule(OperationClass op, ResourceKind kind, String resource, boolean recursive, String source,
                                     RuleAction action, boolean readOnly, boolean ownerOnly, boolean tty, Set<String> args, int i) {
        RuleOrigin o = new RuleOrigin("p" + i, "r" + i, "f", 1, List.of(), "", false);
        Verdict v = new Verdict(action, action != RuleAction.ALLOW, false, false, "r" + i, "1", "", List.of(), "", "MatchedPolicy", "r" + i);
        Verdict violation = new Verdict(RuleAction.BLOCK, true, true, false, "DefaultPosture#" + i, "", "", List.of(), "", "MatchedPolicy", "");
        return new CompiledRule(op, kind, resource, recursive, source, action, readOnly, ownerOnly, tty, args, o, v, violation);
    }

    private static CompiledRule pathRule(Random rnd, int i) {
        OperationClass op = rnd.nextBoolean() ? OperationClass.PROCESS : OperationClass.FILE;
        ResourceKind kind = switch (rnd.nextInt(op == OperationClass.PROCESS ? 3 : 2)) {
            case 0 -> ResourceKind.PATH;
            case 1 -> ResourceKind.DIRECTORY;
            default -> ResourceKind.EXEC_NAME;
        };
        String resource = switch (kind) {
            case PATH -> path(rnd);
            case DIRECTORY -> dir(rnd);
            default -> PARTS[rnd.nextInt(PARTS.length)];
        };
        String source = rnd.nextInt(3) == 0 ? SOURCES[rnd.nextInt(SOURCES.length)] : null;
        Set<String> args = op == OperationClass.PROCESS && rnd.nextInt(6) == 0 ? Set.of("-a") : null;
        return rule(op, kind, resource, rnd.nextBoolean(), source, RuleAction.values()[rnd.nextInt(3)],
                op == OperationClass.FILE && rnd.nextInt(4) == 0, rnd.nextInt(5) == 0, rnd.nextInt(6) == 0, args, i);
    }

    private static CompiledRule netRule(Random rnd, int i) {
        String source = rnd.nextInt(3) == 0 ? SOURCES[rnd.nextInt(SOURCES.length)] : null;
        return rule(OperationClass.NETWORK, ResourceKind.PATH, NET[rnd.nextInt(NET.length)], false, source,
                RuleAction.values()[rnd.nextInt(3)], false, false, rnd.nextInt(6) == 0, null, i);
    }

    private static CompiledRule capRule(Random rnd, int i) {
        String source = rnd.nextInt(3) == 0 ? SOURCES[rnd.nextInt(SOURCES.length)] : null;
        return rule(OperationClass.CAPABILITIES, ResourceKind.PATH, Capabilities.name(rnd.nextInt(41)), false, source,
                RuleAction.values()[rnd.nextInt(3)], false, false, false, null, i);
    }

    private static String path(Random rnd) {
        StringBuilder b = new StringBuilder();
        int depth = 1 + rnd.nextInt(4);
        for (int d = 0; d < depth; d++) b.append('/').append(PARTS[rnd.nextInt(PARTS.length)]);
        return b.toString();
    }

    private static String dir(Random rnd) {
        if (rnd.nextInt(8) == 0) return "/";
        StringBuilder b = new StringBuilder();
        int depth = 1 + rnd.nextInt(3);
        for (int d = 0; d < depth; d++) b.append('/').append(PARTS[rnd.nextInt(PARTS.length)]);
        return b.append('/').toString();
    }

    private static String describe(List<CompiledRule> rules) {
        StringBuilder b = new StringBuilder();
        for (CompiledRule r : rules) {
            b.append("\n    ").append(r.origin().policyName()).append(' ').append(r.operation()).append(' ').append(r.kind())
                    .append(' ').append(r.resource()).append(r.recursive() ? " recursive" : "")
                    .append(r.source() == null ? "" : " from " + r.source()).append(' ').append(r.action())
                    .append(r.readOnly() ? " readOnly" : "").append(r.ownerOnly() ? " ownerOnly" : "")
                    .append(r.tty() ? " pts" : "").append(r.allowedArgs() == null ? "" : " args=" + r.allowedArgs());
        }
        return b.toString();
    }
}
