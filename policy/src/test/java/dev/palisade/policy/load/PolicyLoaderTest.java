package dev.palisade.policy.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.policy.Policy;
import dev.palisade.policy.schema.PolicyKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyLoaderTest {
    static final Path SEED = Path.of("src/test/resources/policies/seed/only-allow-nginx-exec.yaml");

    static PolicyLoader.Result load(String yaml) {
        return PolicyLoader.loadText("p.yaml", yaml);
    }

    /** The single error of a document: "line field: reason". */
    static Problem onlyError(PolicyLoader.Result r) {
        List<Problem> errors = r.problems().stream().filter(Problem::isError).toList();
        assertEquals(1, errors.size(), () -> "expected one error: " + r.problems());
        assertTrue(r.policies().isEmpty(), "an invalid policy is rejected whole");
        return errors.getFirst();
    }

    @Test
    void theSeedPolicyIsValidAndLandsInTheDefaultNamespace() {
        PolicyLoader.Result r = PolicyLoader.load(List.of(SEED));
        assertTrue(r.problems().isEmpty(), () -> r.problems().toString());
        Policy p = r.policies().getFirst();
        assertEquals(PolicyKind.KUBEARMOR_POLICY, p.kind());
        assertEquals("only-allow-nginx-exec", p.name());
        assertEquals("default", p.namespace());
        assertEquals("ksp/default/only-allow-nginx-exec", p.key());
    }

    static final String HEAD = """
            apiVersion: security.kubearmor.com/v1
            kind: KubeArmorPolicy
            metadata:
              name: p
            spec:
              selector:
                matchLabels: {app: x}
            """;

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            process: {matchPaths: [{path: /bin/ls}, {path: bin/sh}]}                 | spec.process.matchPaths[1].path          | 8 | must be an absolute path
            process: {matchPaths: [{path: /bin/}]}                                   | spec.process.matchPaths[0].path          | 8 | must be an absolute path
            file: {matchDirectories: [{dir: /etc}]}                                  | spec.file.matchDirectories[0].dir        | 8 | must be a directory
            file: {matchDirectories: [{recursive: true}]}                            | spec.file.matchDirectories[0].dir        | 8 | required field is missing
            file: {matchPaths: [{path: /etc/x, severity: 0}]}                        | spec.file.matchPaths[0].severity         | 8 | must be at least 1
            file: {matchPaths: [{path: /etc/x, action: allow}]}                      | spec.file.matchPaths[0].action           | 8 | must be one of Allow, Audit, Block
            file: {matchPaths: [{path: /etc/x, readonly: true}]}                     | spec.file.matchPaths[0].readonly         | 8 | unknown field (did you mean 'readOnly'?)
            process: {matchPaths: [{path: /bin/ls, readOnly: true}]}                 | spec.process.matchPaths[0].readOnly      | 8 | unknown field
            process: {matchPaths: [{execname: /bin/ls}]}                             | spec.process.matchPaths[0].execname      | 8 | must be a bare executable name
            process: {matchPaths: [{ownerOnly: true}]}                               | spec.process.matchPaths[0]               | 8 | needs a path or an execname
            network: {matchProtocols: [{protocol: ftp}]}                             | spec.network.matchProtocols[0].protocol  | 8 | must be a protocol
            network: {matchProtocols: [{protocol: xtcp}]}                            | spec.network.matchProtocols[0].protocol  | 8 | unknown protocol "xtcp"
            capabilities: {matchCapabilities: [{capability: cap_net_rawx}]}          | spec.capabilities.matchCapabilities[0].capability | 8 | must be a capability
            file: {matchPatterns: [{pattern: "/etc/[ab"}]}                           | spec.file.matchPatterns[0].pattern       | 8 | is never closed
            file: {matchPatterns: [{pattern: "etc/*"}]}                              | spec.file.matchPatterns[0].pattern       | 8 | can never match
            process: {matchPaths: [{path: /bin/ls, allowedArgs: [a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u]}]} | spec.process.matchPaths[0].allowedArgs | 8 | at most 20 items
            process: {matchPaths: [{path: /bin/ls, fromSource: [{path: /bin/sh, dir: /bin/}]}]} | spec.process.matchPaths[0].fromSource[0].dir | 8 | unknown field
            """)
    void badRulesAreReportedWithLineFieldAndReason(String spec, String field, int line, String reason) {
        Problem p = onlyError(load(HEAD + "  " + spec + "\n"));
        assertEquals(field, p.field(), p::toString);
        assertEquals(line, p.line(), p::toString);
        assertTrue(p.reason().contains(reason), p::toString);
        assertTrue(p.toString().startsWith("p.yaml:" + line + ": " + field + ": "), p::toString);
    }

    @Test
    void everyProblemOfADocumentIsReportedAtOnce() {
        PolicyLoader.Result r = load("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata:
                  name: Bad_Name
                spec:
                  severity: 11
                  selector:
                    matchLabels: {app: x}
                  process:
                    matchPaths:
                    - path: /usr/bin/top
                      action: Allow
                    - path: /usr/bin/top
                      action: Block
                """);
        List<String> fields = r.problems().stream().map(Problem::field).toList();
        assertEquals(List.of("metadata.name", "spec.severity", "spec.process.matchPaths[1]"), fields, r.problems()::toString);
        assertTrue(r.problems().get(2).reason().contains("both allowed (spec.process.matchPaths[0]) and blocked"));
        assertEquals(13, r.problems().get(2).line());
    }

    @Test
    void selectorsThatCanNeverMatchAreErrors() {
        Problem p = onlyError(load("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: p}
                spec:
                  selector:
                    matchLabels: {app: x}
                    matchExpressions:
                    - key: label
                      operator: In
                      values: [app=y]
                  process: {matchPaths: [{path: /bin/ls}]}
                """));
        assertEquals("spec.selector.matchExpressions[0]", p.field());
        assertTrue(p.reason().contains("can never match"));

        Problem q = onlyError(load("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorClusterPolicy
                metadata: {name: p}
                spec:
                  selector:
                    matchExpressions:
                    - key: namespace
                      operator: In
                      values: [prod]
                    - key: namespace
                      operator: NotIn
                      values: [prod]
                  process: {matchPaths: [{path: /bin/ls}]}
                """));
        assertTrue(q.reason().contains("can never match"), q::toString);
    }

    @Test
    void kindSpecificRulesFollowKubeArmorsCrds() {
        // cluster policies select by expressions only
        assertEquals("spec.selector.matchLabels", onlyError(load("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorClusterPolicy
                metadata: {name: p}
                spec:
                  selector: {matchLabels: {app: x}}
                  process: {matchPaths: [{path: /bin/ls}]}
                """)).field());
        // namespace keys only in cluster policies
        assertEquals("spec.selector.matchExpressions[0].key", onlyError(load("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: p}
                spec:
                  selector:
                    matchExpressions: [{key: namespace, operator: In, values: [a]}]
                  process: {matchPaths: [{path: /bin/ls}]}
                """)).field());
        // host policies need a nodeSelector, and fromSource on network and capability rules
        assertEquals("spec.nodeSelector", onlyError(load("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorHostPolicy
                metadata: {name: p}
                spec:
                  process: {matchPaths: [{path: /bin/ls}]}
                """)).field());
        assertEquals("spec.network.matchProtocols[0].fromSource", onlyError(load("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorHostPolicy
                metadata: {name: p}
                spec:
                  nodeSelector: {matchLabels: {kubernetes.io/hostname: n1}}
                  network: {matchProtocols: [{protocol: tcp}]}
                """)).field());
    }

    @Test
    void yamlSyntaxErrorsAndDuplicateKeysPointAtTheLine() {
        Problem syntax = onlyError(load(HEAD + "  process:\n    matchPaths: [\n"));
        assertTrue(syntax.reason().startsWith("YAML syntax error"), syntax::toString);
        Problem dup = onlyError(load(HEAD + "  process: {matchPaths: [{path: /bin/ls}]}\n  process: {}\n"));
        assertEquals(9, dup.line());
        assertEquals("spec.process", dup.field());
        assertTrue(dup.reason().contains("duplicate key"));
    }

    @Test
    void otherKindsAreErrorsNamingTheKind() {
        Problem p = onlyError(load("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"));
        assertEquals("kind", p.field());
        assertTrue(p.reason().contains("not a KubeArmor policy (kind \"Deployment\""));
    }

    @Test
    void unsupportedFeaturesAreWarningsNotErrors() {
        PolicyLoader.Result r = load(HEAD + """
                  apparmor: "deny /x,"
                  process: {matchPaths: [{path: /bin/ls}]}
                  network: {matchDNSQueries: [{domain: example.com}]}
                """);
        assertFalse(r.hasErrors(), r.problems()::toString);
        assertEquals(1, r.policies().size());
        assertEquals(2, r.problems().size());
        assertTrue(r.problems().stream().allMatch(p -> p.level() == Problem.Level.WARNING));
    }

    @Test
    void anInvalidDocumentDoesNotStopTheOthersInADirectory(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a-good.yaml"), Files.readString(SEED));
        Files.writeString(dir.resolve("b-bad.yaml"), HEAD + "  process: {matchPaths: [{path: nope}]}\n---\n" + HEAD.replace("name: p", "name: q")
                + "  file: {matchPaths: [{path: /etc/q}]}\n");
        Files.writeString(dir.resolve("c-notes.txt"), "not a policy");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/d.yml"), HEAD.replace("name: p", "name: d") + "  file: {matchPaths: [{path: /etc/d}]}\n");
        PolicyLoader.Result r = PolicyLoader.load(List.of(dir));
        assertEquals(List.of("ksp/default/only-allow-nginx-exec", "ksp/default/q", "ksp/default/d"),
                r.policies().stream().map(Policy::key).toList());
        Problem bad = r.problems().getFirst();
        assertEquals(dir.resolve("b-bad.yaml").toString(), bad.source());
        assertEquals("spec.process.matchPaths[0].path", bad.field());
        assertEquals(1, r.problems().size());
    }

    @Test
    void theSamePolicyTwiceIsAnError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), Files.readString(SEED));
        Files.writeString(dir.resolve("b.yaml"), Files.readString(SEED));
        PolicyLoader.Result r = PolicyLoader.load(List.of(dir));
        assertEquals(1, r.policies().size());
        assertTrue(r.problems().getFirst().reason().contains("already defined in"));
    }

    @Test
    void dryRunModeComesFromAnAnnotation() {
        PolicyLoader.Result r = load(HEAD.replace("  name: p", "  name: p\n  annotations: {palisade.dev/mode: dry-run}")
                + "  process: {matchPaths: [{path: /bin/ls}]}\n");
        assertTrue(r.policies().getFirst().dryRun());
        Problem bad = onlyError(load(HEAD.replace("  name: p", "  name: p\n  annotations: {palisade.dev/mode: maybe}")
                + "  process: {matchPaths: [{path: /bin/ls}]}\n"));
        assertTrue(bad.reason().contains("dry-run"));
    }
}
