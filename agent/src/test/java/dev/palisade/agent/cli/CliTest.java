package dev.palisade.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.TelemetryJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    static final Path SEED = Path.of("../policy/src/test/resources/policies/seed/only-allow-nginx-exec.yaml");

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = PalisadeCommand.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    static final String BROKEN = """
            apiVersion: security.kubearmor.com/v1
            kind: KubeArmorPolicy
            metadata:
              name: broken
            spec:
              selector:
                matchLabels: {app: nginx}
              process:
                matchPaths:
                - path: /bin/ls
                - path: usr/bin/top
            """;

    @Test
    void validateAcceptsTheSeedPolicy() {
        Result r = run("policy", "validate", SEED.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("1 policy valid, 0 errors, 0 warnings\n", r.out());
    }

    @Test
    void validateRejectsBrokenPoliciesWithFileLineAndField(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("broken.yaml");
        Files.writeString(bad, BROKEN);
        Result r = run("policy", "validate", SEED.toString(), bad.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().startsWith(bad + ":11: spec.process.matchPaths[1].path: must be an absolute path"), r.out());
        assertTrue(r.out().endsWith("1 policy valid, 1 error, 0 warnings\n"), r.out());
    }

    @Test
    void validateSpeaksJsonForMachines(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("broken.yaml");
        Files.writeString(bad, BROKEN);
        Result r = run("policy", "validate", "--output", "json", SEED.toString(), bad.toString());
        assertEquals(1, r.exit());
        JsonNode j = TelemetryJson.mapper().readTree(r.out());
        assertEquals(false, j.get("valid").asBoolean());
        assertEquals("only-allow-nginx-exec", j.get("policies").get(0).get("name").asText());
        assertEquals("default", j.get("policies").get(0).get("namespace").asText());
        JsonNode p = j.get("problems").get(0);
        assertEquals("error", p.get("level").asText());
        assertEquals(11, p.get("line").asInt());
        assertEquals("spec.process.matchPaths[1].path", p.get("field").asText());
    }

    @Test
    void validateOfAMissingPathFails() {
        Result r = run("policy", "validate", "/no/such/dir");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("/no/such/dir: no such file or directory"), r.out());
    }

    static String log(String program, String resource) {
        return "{\"NamespaceName\":\"default\",\"PodName\":\"nginx-1\",\"Labels\":\"app=nginx\",\"ContainerName\":\"nginx\","
                + "\"ProcessName\":\"" + program + "\",\"Source\":\"/bin/bash\",\"Operation\":\"Process\",\"Resource\":\""
                + resource + "\",\"Type\":\"ContainerLog\"}";
    }

    @Test
    void simulateWritesTheAlertsAnEnforcingAgentWouldRaise(@TempDir Path dir) throws IOException {
        Path events = dir.resolve("events.jsonl");
        Files.write(events, List.of(log("/usr/sbin/nginx", "/usr/sbin/nginx -g daemon off;"), "garbage",
                log("/usr/sbin/chroot", "/usr/sbin/chroot")));
        Result block = run("simulate", "--policies", SEED.toString(), "--posture", "file=block", "--events",
                events.toString(), "--explain");
        assertEquals(0, block.exit(), block::toString);
        List<String> lines = block.out().lines().toList();
        assertEquals(1, lines.size(), block::toString);
        Alert a = TelemetryJson.readAlert(lines.getFirst());
        assertEquals("DefaultPosture", a.policyName());
        assertEquals("Block", a.action());
        assertEquals("Permission denied", a.result());
        assertTrue(block.err().contains(events + ":2: skipped:"), block.err());
        assertTrue(block.err().contains(events + ":3: Block /usr/sbin/chroot: no rule allows it"), block.err());
        assertTrue(block.err().contains("would block: 1"), block.err());

        Result audit = run("simulate", "-p", SEED.toString(), "--namespace-posture", "default:file=audit", "--posture",
                "file=block", "-e", events.toString());
        Alert b = TelemetryJson.readAlert(audit.out().lines().findFirst().orElseThrow());
        assertEquals("Audit", b.action());
        assertEquals("Passed", b.result());
    }

    @Test
    void simulateRefusesInvalidPoliciesAndBadOptions(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("broken.yaml");
        Files.writeString(bad, BROKEN);
        Path events = Files.writeString(dir.resolve("e.jsonl"), "");
        Result r = run("simulate", "-p", bad.toString(), "-e", events.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("fix the policy errors above first"), r.err());
        Result usage = run("simulate", "-p", SEED.toString(), "--posture", "file=deny", "-e", events.toString());
        assertEquals(2, usage.exit());
        assertTrue(usage.err().contains("unknown posture \"deny\" for file; use audit or block"), usage.err());
        Result ns = run("simulate", "-p", SEED.toString(), "--namespace-posture", "file=block", "-e", events.toString());
        assertEquals(2, ns.exit());
        assertTrue(ns.err().contains("must be NAMESPACE:SPEC"), ns.err());
    }

    @Test
    void runRejectsAnUnknownModeAsUsage() {
        Result r = run("run", "--mode", "cluster");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().startsWith("palisade: --mode: must be standalone, kubernetes or auto, not \"cluster\""), r.err());
    }
}
