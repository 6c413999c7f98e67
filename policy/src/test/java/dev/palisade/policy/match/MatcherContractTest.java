package dev.palisade.policy.match;

import static dev.palisade.policy.Fixtures.compile;
import static dev.palisade.policy.Fixtures.ksp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.policy.compile.ClassMode;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.PostureMode;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.Verdict;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Contract §3–4 (shared/docs/kubearmor-semantics.md), bullet by bullet. */
public class MatcherContractTest {
    static final int ROOT = 0, ALICE = 1000, BOB = 1001, UNKNOWN = -1;

    /** Action text, policy name, and whether the kernel would deny. */
    static void expect(Verdict v, String action, String policy, boolean denied) {
        assertEquals(action, v.actionText(), () -> "action of " + v);
        assertEquals(policy, v.policyName(), () -> "policy of " + v);
        assertEquals(denied, v.denied(), () -> "denied of " + v);
        assertTrue(v.alert(), () -> "an alert is raised for " + v);
    }

    static void silent(Verdict v) {
        assertFalse(v.alert(), () -> "no alert expected: " + v);
        assertFalse(v.denied(), () -> "not denied: " + v);
    }

    static Verdict exec(RuleSet rs, String path) {
        return rs.matcher().process(path, "/bin/bash", false, ROOT, ROOT, new String[0]);
    }

    static Verdict read(RuleSet rs, String path) {
        return rs.matcher().file(path, "/bin/cat", false, false, ROOT, ROOT);
    }

    static Verdict write(RuleSet rs, String path) {
        return rs.matcher().file(path, "/bin/cat", true, false, ROOT, ROOT);
    }

    static final String SEED = ksp("only-allow-nginx-exec", """
            file:
              matchDirectories:
              - dir: /
                recursive: true
            process:
              matchPaths:
              - path: /usr/sbin/nginx
              - path: /bin/bash
            action: Allow
            """);

    public static String seedPolicy() {
        return SEED;
    }

    @Nested
    class Posture_ {
        @Test
        void allowRuleMakesTheClassLeastPermissiveAndMissesGetTheBlockPosture() {
            RuleSet rs = compile(Posture.BLOCK, SEED);
            assertEquals(ClassMode.LEAST_PERMISSIVE, rs.mode(OperationClass.PROCESS));
            silent(exec(rs, "/usr/sbin/nginx"));
            silent(exec(rs, "/bin/bash"));
            Verdict chroot = exec(rs, "/usr/sbin/chroot");
            expect(chroot, "Block", "DefaultPosture", true);
            assertTrue(chroot.defaultPosture());
            assertEquals("", chroot.severity());
            assertEquals("", chroot.tags());
            assertEquals("", chroot.message());
            assertEquals("MatchedPolicy", chroot.alertType());
        }

        @Test
        void auditPostureLetsMissesPassWithAnAuditAlert() {
            RuleSet rs = compile(Posture.AUDIT, SEED);
            expect(exec(rs, "/usr/sbin/chroot"), "Audit", "DefaultPosture", false);
        }

        @Test
        void postureIsPerClassFileCoversProcessAndFile() {
            Posture p = new Posture(PostureMode.BLOCK, PostureMode.AUDIT, PostureMode.AUDIT);
            RuleSet rs = compile(p, ksp("net", """
                    process:
                      matchPaths:
                      - path: /bin/bash
                    network:
                      matchProtocols:
                      - protocol: tcp
                    action: Allow
                    """));
            expect(exec(rs, "/bin/ls"), "Block", "DefaultPosture", true);
            expect(rs.matcher().network("/bin/bash", SocketNames.AF_INET, SocketNames.SOCK_DGRAM, 0, false),
                    "Audit", "DefaultPosture", false);
        }

        @Test
        void aProcessAllowListLeavesFileOpensUnrestrictedAndViceVersa() {
            RuleSet procOnly = compile(Posture.BLOCK, ksp("p", """
                    process:
                      matchPaths:
                      - path: /bin/bash
                    action: Allow
                    """));
            assertSame(Verdict.UNMATCHED, read(procOnly, "/etc/shadow"));
            assertEquals(ClassMode.OPEN, procOnly.mode(OperationClass.FILE));
            RuleSet fileOnly = compile(Posture.BLOCK, ksp("f", """
                    file:
                      matchPaths:
                      - path: /etc/hostname
                    action: Allow
                    """));
            assertSame(Verdict.UNMATCHED, exec(fileOnly, "/usr/bin/anything"));
            expect(read(fileOnly, "/etc/shadow"), "Block", "DefaultPosture", true);
            silent(read(fileOnly, "/etc/hostname"));
        }

        @Test
        void allowWithFromSourceStillSwitchesTheWholeClass() {
            RuleSet rs = compile(Posture.BLOCK, ksp("src", """
                    file:
                      matchPaths:
                      - path: /etc/nginx/nginx.conf
                        fromSource:
                        - path: /usr/sbin/nginx
                    action: Allow
                    """));
            assertEquals(ClassMode.LEAST_PERMISSIVE, rs.mode(OperationClass.FILE));
            silent(rs.matcher().file("/etc/nginx/nginx.conf", "/usr/sbin/nginx", false, false, 0, 0));
            expect(rs.matcher().file("/etc/nginx/nginx.conf", "/bin/cat", false, false, 0, 0), "Block", "DefaultPosture", true);
            expect(rs.matcher().file("/etc/passwd", "/usr/sbin/nginx", false, false, 0, 0), "Block", "DefaultPosture", true);
        }

        @Test
        void withoutAllowRulesOnlyExplicitBlockAndAuditRulesAct() {
            RuleSet rs = compile(Posture.BLOCK, ksp("b", """
                    process:
                      matchPaths:
                      - path: /usr/bin/apt
                        action: Block
                      - path: /usr/bin/curl
                        action: Audit
                    """));
            assertEquals(ClassMode.OPEN, rs.mode(OperationClass.PROCESS));
            expect(exec(rs, "/usr/bin/apt"), "Block", "b", true);
            expect(exec(rs, "/usr/bin/curl"), "Audit", "b", false);
            assertSame(Verdict.UNMATCHED, exec(rs, "/usr/bin/ls"));
        }

        @Test
        void anAuditRuleInsideAnAllowListIsAPostureMiss() {
            RuleSet rs = compile(Posture.BLOCK,
                    ksp("allow", """
                            process:
                              matchPaths:
                              - path: /bin/bash
                            action: Allow
                            """),
                    ksp("audit", """
                            process:
                              matchPaths:
                              - path: /usr/bin/curl
                            action: Audit
                            """));
            expect(exec(rs, "/usr/bin/curl"), "Block", "DefaultPosture", true);
        }

        @Test
        void emptySpecActionMeansBlock() {
            RuleSet rs = compile(Posture.AUDIT, ksp("noaction", """
                    process:
                      matchPaths:
                      - path: /usr/bin/apt
                    """));
            expect(exec(rs, "/usr/bin/apt"), "Block", "noaction", true);
        }

        @Test
        void actionSeverityTagsAndMessageInheritFromSectionThenSpec() {
            RuleSet rs = compile(Posture.AUDIT, ksp("inherit", """
                    severity: 3
                    tags: [spec-tag]
                    message: from spec
                    action: Block
                    process:
                      severity: 5
                      action: Audit
                      matchPaths:
                      - path: /usr/bin/a
                      - path: /usr/bin/b
                        severity: 9
                        tags: [rule-tag, second]
                        message: from rule
                        action: Block
                    file:
                      matchPaths:
                      - path: /etc/x
                    """));
            Verdict a = exec(rs, "/usr/bin/a");
            expect(a, "Audit", "inherit", false);
            assertEquals("5", a.severity());
            assertEquals("spec-tag", a.tags());
            assertEquals("from spec", a.message());
            Verdict b = exec(rs, "/usr/bin/b");
            expect(b, "Block", "inherit", true);
            assertEquals("9", b.severity());
            assertEquals("rule-tag,second", b.tags());
            assertEquals(java.util.List.of("rule-tag", "second"), b.atags());
            assertEquals("from rule", b.message());
            Verdict x = read(rs, "/etc/x");
            expect(x, "Block", "inherit", true);
            assertEquals("3", x.severity());
        }
    }

    @Nested
    class Matching {
        @Test
        void firstHitWinsInKubeArmorsOrder() {
            RuleSet rs = compile(Posture.BLOCK,
                    ksp("p1-exact-source", """
                            file:
                              matchPaths:
                              - path: /etc/app/conf
                                fromSource: [{path: /usr/bin/app}]
                            action: Audit
                            """),
                    ksp("p2-dir-source", """
                            file:
                              matchDirectories:
                              - dir: /etc/app/
                                fromSource: [{path: /usr/bin/app}]
                            action: Block
                            """),
                    ksp("p3-exact", """
                            file:
                              matchPaths:
                              - path: /etc/app/conf
                            action: Audit
                            """),
                    ksp("p4-dir", """
                            file:
                              matchDirectories:
                              - dir: /etc/
                                recursive: true
                            action: Block
                            """));
            // 1. exact path with source beats 2. directory with source
            expect(rs.matcher().file("/etc/app/conf", "/usr/bin/app", false, false, 0, 0), "Audit", "p1-exact-source", false);
            // 2. directory with source beats 3. exact path without source
            expect(rs.matcher().file("/etc/app/other", "/usr/bin/app", false, false, 0, 0), "Block", "p2-dir-source", true);
            // 3. exact path without source beats 5. directory without source
            expect(rs.matcher().file("/etc/app/conf", "/bin/cat", false, false, 0, 0), "Audit", "p3-exact", false);
            // 5. directory without source
            expect(rs.matcher().file("/etc/app/other", "/bin/cat", false, false, 0, 0), "Block", "p4-dir", true);
        }

        @Test
        void directoryWithSourceBeatsExactPathWithoutSource() {
            RuleSet rs = compile(Posture.AUDIT, ksp("d", """
                    process:
                      matchPaths:
                      - path: /usr/bin/ls
                        action: Block
                      matchDirectories:
                      - dir: /usr/bin/
                        fromSource: [{path: /bin/dash}]
                        action: Audit
                    """));
            expect(rs.matcher().process("/usr/bin/ls", "/bin/dash", false, 0, 0, null), "Audit", "d", false);
            expect(rs.matcher().process("/usr/bin/ls", "/bin/sh", false, 0, 0, null), "Block", "d", true);
        }

        @Test
        void execNameMatchesAnyDirectoryButAfterExactPaths() {
            RuleSet rs = compile(Posture.AUDIT, ksp("e", """
                    process:
                      matchPaths:
                      - execname: nc
                        action: Block
                      - path: /opt/tools/nc
                        action: Audit
                    """));
            expect(exec(rs, "/usr/bin/nc"), "Block", "e", true);
            expect(exec(rs, "/tmp/x/nc"), "Block", "e", true);
            expect(exec(rs, "/opt/tools/nc"), "Audit", "e", false);
            assertSame(Verdict.UNMATCHED, exec(rs, "/usr/bin/ncat"));
        }

        @ParameterizedTest(name = "{0} recursive={1} -> {2}")
        @CsvSource({
                "/var/www/index.html, false, Block",
                "/var/www/img/logo.png, false, ",
                "/var/www/index.html, true, Block",
                "/var/www/img/logo.png, true, Block",
                "/var/wwwx/index.html, true, ",
                "/var/www, true, Block",
        })
        void directoryRulesCoverDirectChildrenOrAllDescendants(String path, boolean recursive, String expected) {
            RuleSet rs = compile(Posture.AUDIT, ksp("dir", """
                    file:
                      matchDirectories:
                      - dir: /var/www/
                        recursive: %s
                        action: Block
                    """.formatted(recursive)));
            Verdict v = read(rs, path);
            if (expected == null) assertSame(Verdict.UNMATCHED, v);
            else expect(v, expected, "dir", true);
        }

        @Test
        void deeperDirectoryBeatsShallowerOne() {
            RuleSet rs = compile(Posture.BLOCK, ksp("deep", """
                    file:
                      matchDirectories:
                      - dir: /
                        recursive: true
                        action: Allow
                      - dir: /etc/secret/
                        recursive: true
                        action: Block
                    """));
            silent(read(rs, "/etc/hosts"));
            expect(read(rs, "/etc/secret/key"), "Block", "deep", true);
            expect(read(rs, "/etc/secret/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/key"), "Block", "deep", true);
        }

        @Test
        void fromSourceForProcessRulesIsTheParentExecutable() {
            RuleSet rs = compile(Posture.BLOCK, ksp("parent", """
                    process:
                      matchPaths:
                      - path: /usr/bin/ls
                        fromSource:
                        - path: /bin/dash
                    action: Allow
                    """));
            silent(rs.matcher().process("/usr/bin/ls", "/bin/dash", false, 0, 0, null));
            expect(rs.matcher().process("/usr/bin/ls", "/bin/bash", false, 0, 0, null), "Block", "DefaultPosture", true);
        }

        @Test
        void severalFromSourceEntriesAreAlternatives() {
            RuleSet rs = compile(Posture.BLOCK, ksp("or", """
                    network:
                      matchProtocols:
                      - protocol: tcp
                        fromSource:
                        - path: /usr/bin/curl
                        - path: /usr/bin/wget
                    action: Allow
                    """));
            silent(rs.matcher().network("/usr/bin/curl", SocketNames.AF_INET, SocketNames.SOCK_STREAM, 0, false));
            silent(rs.matcher().network("/usr/bin/wget", SocketNames.AF_INET, SocketNames.SOCK_STREAM, 6, false));
            expect(rs.matcher().network("/usr/bin/nc", SocketNames.AF_INET, SocketNames.SOCK_STREAM, 6, false),
                    "Block", "DefaultPosture", true);
        }

        @Test
        void ownerOnlyAllowLetsOnlyTheOwnerAndReportsOthersAsDefaultPostureBlockWhateverThePosture() {
            RuleSet rs = compile(Posture.AUDIT, ksp("owner", """
                    file:
                      matchPaths:
                      - path: /home/alice/notes
                        ownerOnly: true
                    action: Allow
                    """));
            silent(rs.matcher().file("/home/alice/notes", "/bin/cat", false, false, ALICE, ALICE));
            expect(rs.matcher().file("/home/alice/notes", "/bin/cat", false, false, BOB, ALICE), "Block", "DefaultPosture", true);
            expect(rs.matcher().file("/home/alice/notes", "/bin/cat", false, false, BOB, UNKNOWN), "Block", "DefaultPosture", true);
        }

        @Test
        void ownerOnlyBlockDeniesEveryoneButTheOwnerAsThePolicy() {
            RuleSet rs = compile(Posture.AUDIT, ksp("owner-block", """
                    process:
                      matchPaths:
                      - path: /home/alice/tool
                        ownerOnly: true
                    action: Block
                    """));
            assertSame(Verdict.UNMATCHED, rs.matcher().process("/home/alice/tool", "/bin/bash", false, ALICE, ALICE, null));
            expect(rs.matcher().process("/home/alice/tool", "/bin/bash", false, BOB, ALICE, null), "Block", "owner-block", true);
        }

        @Test
        void readOnlyLetsReadsPassAndDeniesWritesForAllowAndBlockAlike() {
            RuleSet allow = compile(Posture.AUDIT, ksp("ro-allow", """
                    file:
                      matchDirectories:
                      - dir: /etc/
                        recursive: true
                        readOnly: true
                    action: Allow
                    """));
            silent(read(allow, "/etc/passwd"));
            expect(write(allow, "/etc/passwd"), "Block", "DefaultPosture", true);
            RuleSet block = compile(Posture.AUDIT, ksp("ro-block", """
                    file:
                      matchPaths:
                      - path: /etc/passwd
                        readOnly: true
                    action: Block
                    """));
            assertSame(Verdict.UNMATCHED, read(block, "/etc/passwd"));
            expect(write(block, "/etc/passwd"), "Block", "ro-block", true);
        }

        @Test
        void ptsRulesApplyOnlyToTasksWithATerminal() {
            RuleSet rs = compile(Posture.AUDIT, ksp("tty", """
                    process:
                      matchPaths:
                      - path: /bin/sh
                        pts: true
                    action: Block
                    """));
            expect(rs.matcher().process("/bin/sh", "/bin/bash", true, 0, 0, null), "Block", "tty", true);
            assertSame(Verdict.UNMATCHED, rs.matcher().process("/bin/sh", "/bin/bash", false, 0, 0, null));
        }

        @Test
        void allowedArgsOnABlockRuleAllowTheExecOnlyWhenEveryArgumentIsListed() {
            RuleSet rs = compile(Posture.AUDIT, ksp("args", """
                    process:
                      matchPaths:
                      - path: /usr/bin/git
                        allowedArgs: [status, --short]
                    action: Block
                    """));
            assertSame(Verdict.UNMATCHED, rs.matcher().process("/usr/bin/git", "/bin/bash", false, 0, 0, new String[] {"status"}));
            assertSame(Verdict.UNMATCHED, rs.matcher().process("/usr/bin/git", "/bin/bash", false, 0, 0,
                    new String[] {"status", "--short"}));
            assertSame(Verdict.UNMATCHED, rs.matcher().process("/usr/bin/git", "/bin/bash", false, 0, 0, new String[0]));
            expect(rs.matcher().process("/usr/bin/git", "/bin/bash", false, 0, 0, new String[] {"push"}), "Block", "args", true);
            expect(rs.matcher().process("/usr/bin/git", "/bin/bash", false, 0, 0, new String[] {"status", "-v"}),
                    "Block", "args", true);
        }

        @Test
        void patternsMatchWholePathsAndBeatDirectories() {
            RuleSet rs = compile(Posture.BLOCK, ksp("glob", """
                    file:
                      matchDirectories:
                      - dir: /
                        recursive: true
                        action: Allow
                      matchPatterns:
                      - pattern: /**/shadow*
                        action: Block
                      - pattern: /home/*/.ssh/id_{rsa,ed25519}
                        action: Audit
                    """));
            expect(read(rs, "/etc/shadow"), "Block", "glob", true);
            expect(read(rs, "/etc/shadow-"), "Block", "glob", true);
            silent(read(rs, "/etc/shadows/x"));
            // Audit inside an allow-list is a posture miss
            expect(read(rs, "/home/alice/.ssh/id_rsa"), "Block", "DefaultPosture", true);
            silent(read(rs, "/home/alice/x/.ssh/id_rsa"));
        }

        @Test
        void sameKeyBlockBeatsAllowAcrossPolicies() {
            RuleSet rs = compile(Posture.AUDIT,
                    ksp("a-allow", """
                            process:
                              matchPaths:
                              - path: /usr/bin/top
                            action: Allow
                            """),
                    ksp("b-block", """
                            process:
                              matchPaths:
                              - path: /usr/bin/top
                            action: Block
                            """));
            expect(exec(rs, "/usr/bin/top"), "Block", "b-block", true);
        }

        @Test
        void allowAndAuditOnTheSameKeyPassWithTheAuditAlert() {
            RuleSet rs = compile(Posture.BLOCK,
                    ksp("a-allow", """
                            process:
                              matchPaths:
                              - path: /usr/bin/top
                            action: Allow
                            """),
                    ksp("b-audit", """
                            process:
                              matchPaths:
                              - path: /usr/bin/top
                            action: Audit
                            """));
            expect(exec(rs, "/usr/bin/top"), "Audit", "b-audit", false);
        }

        @Test
        void networkResourcesAreSocketTypesOrProtocolsAndAllCoversEverything() {
            RuleSet rs = compile(Posture.BLOCK, ksp("net", """
                    network:
                      matchProtocols:
                      - protocol: udp
                      - protocol: RAW
                    action: Allow
                    """));
            silent(rs.matcher().network("/bin/x", SocketNames.AF_INET, SocketNames.SOCK_DGRAM, 0, false));
            silent(rs.matcher().network("/bin/x", SocketNames.AF_INET, SocketNames.SOCK_RAW, 1, false));
            expect(rs.matcher().network("/bin/x", SocketNames.AF_INET6, SocketNames.SOCK_STREAM, 0, false), "Block", "DefaultPosture", true);
            RuleSet all = compile(Posture.BLOCK, ksp("all", """
                    network:
                      matchProtocols:
                      - protocol: all
                    action: Allow
                    """));
            silent(all.matcher().network("/bin/x", SocketNames.AF_INET6, SocketNames.SOCK_STREAM, 0, false));
            silent(all.matcher().network("/bin/x", SocketNames.AF_PACKET, SocketNames.SOCK_RAW, 768, false));
        }

        @Test
        void commaListsExpandToSeveralRulesAsInKubeArmor() {
            RuleSet rs = compile(Posture.BLOCK, ksp("comma", """
                    network:
                      matchProtocols:
                      - protocol: tcp,udp
                    capabilities:
                      matchCapabilities:
                      - capability: net_raw, cap_sys_admin
                    action: Allow
                    """));
            silent(rs.matcher().network("/bin/x", SocketNames.AF_INET, SocketNames.SOCK_STREAM, 6, false));
            silent(rs.matcher().network("/bin/x", SocketNames.AF_INET, SocketNames.SOCK_DGRAM, 17, false));
            silent(rs.matcher().capability("/bin/x", Capabilities.number("CAP_SYS_ADMIN")));
            expect(rs.matcher().capability("/bin/x", Capabilities.number("net_admin")), "Block", "DefaultPosture", true);
        }

        @Test
        void capabilitiesAreMatchedByNameWithOrWithoutPrefixAndSource() {
            RuleSet rs = compile(Posture.AUDIT, ksp("caps", """
                    capabilities:
                      matchCapabilities:
                      - capability: net_raw
                        fromSource: [{path: /bin/ping}]
                        action: Allow
                      - capability: cap_net_raw
                        action: Block
                    """));
            silent(rs.matcher().capability("/bin/ping", 13));
            expect(rs.matcher().capability("/usr/bin/nmap", 13), "Block", "caps", true);
        }

        @Test
        void longPathsAndDeepDirectoriesHaveNoLimit() {
            String deep = "/data/" + "d/".repeat(500) + "file";
            RuleSet rs = compile(Posture.BLOCK, ksp("long", """
                    file:
                      matchDirectories:
                      - dir: /data/
                        recursive: true
                    action: Allow
                    """));
            silent(read(rs, deep));
            expect(read(rs, "/elsewhere/" + "x".repeat(5000)), "Block", "DefaultPosture", true);
        }
    }
}
