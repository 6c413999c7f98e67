package dev.palisade.agent.run;

import static dev.palisade.agent.run.SeedWalkthroughTest.await;
import static dev.palisade.agent.run.SeedWalkthroughTest.freePort;
import static dev.palisade.agent.run.SeedWalkthroughTest.get;
import static dev.palisade.agent.run.SeedWalkthroughTest.nginx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.palisade.policy.discover.Discoverer;
import dev.palisade.policy.discover.DiscoverySettings;
import dev.palisade.policy.discover.PolicyDraft;
import dev.palisade.policy.discover.PolicyYamlWriter;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.simulate.LogLines;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.ExecResult;
import dev.palisade.testing.containers.RuncContainer;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's journey on a real container: record nginx serving in audit, discover its policy from the recording,
 * enforce it in block posture (nginx still serves, a binary it never ran is denied), and dry-run it (reported as
 * Audit (Block), nothing denied).
 */
@Requires({Need.RUNC, Need.FANOTIFY, Need.BPF})
@Timeout(240)
class ZeroTrustJourneyTest {

    static Config config(Path dir, String posture, List<String> kinds) {
        return AgentConfig.load(null, Map.of(
                "palisade.policies.directory", dir.resolve("policies").toString(),
                "palisade.posture.file", posture,
                "palisade.discovery.state-roots", List.of(SeedWalkthroughTest.runcRoot(dir).toString()),
                "palisade.discovery.reconcile-interval", "500ms",
                "palisade.metrics.port", 0,
                "palisade.sinks.stdout.enabled", false,
                "palisade.sinks.grpc.enabled", false,
                "palisade.sinks.file.enabled", true,
                "palisade.sinks.file.path", dir.resolve("telemetry.jsonl").toString(),
                "palisade.sinks.file.kinds", kinds));
    }

    @Test
    void recordDiscoverEnforceAndDryRun(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        int port = freePort();
        try (RuncContainer c = nginx(dir, port)) {
            // 1. Record: no policy, the agent only watches.
            try (Agent recorder = Agent.start(config(dir, "audit", List.of("logs")))) {
                await("watched", Duration.ofSeconds(2), () -> recorder.node().view().current().byCgroupId(c.cgroupId()) != null);
                await("nginx serving", Duration.ofSeconds(10), () -> {
                    try {
                        return get(port).startsWith("200");
                    } catch (Exception e) {
                        return false;
                    }
                });
                for (int i = 0; i < 20; i++) assertEquals("200 served by nginx", get(port));
                for (int i = 0; i < 3; i++) assertTrue(c.exec("/bin/bash", "-c", "cat /etc/nginx.conf > /dev/null").ok());
                await("logs recorded", Duration.ofSeconds(5), () -> lines(dir).stream().anyMatch(l -> l.contains("/usr/bin/cat")));
            }

            // 2. Discover a least-permissive policy from what was recorded.
            Discoverer d = new Discoverer(DiscoverySettings.DEFAULT);
            try (BufferedReader in = Files.newBufferedReader(dir.resolve("telemetry.jsonl"))) {
                LogLines.read(in, d::add, m -> { throw new AssertionError("unreadable recording line " + m); });
            }
            List<PolicyDraft> drafts = d.drafts();
            assertEquals(1, drafts.size(), drafts::toString);
            String yaml = PolicyYamlWriter.write(drafts.getFirst(), "learned by the journey test");
            assertFalse(PolicyLoader.loadText("learned.yaml", yaml).hasErrors(), yaml);
            assertTrue(yaml.contains("- path: /usr/bin/cat"), yaml);
            Files.delete(dir.resolve("telemetry.jsonl"));

            // 3. Enforce it in block posture: what was seen still works, what was not is denied.
            Files.writeString(dir.resolve("policies/learned.yaml"), yaml);
            try (Agent enforcer = Agent.start(config(dir, "block", List.of("alerts")))) {
                await("protected", Duration.ofSeconds(2),
                        () -> !enforcer.node().view().current().byCgroupId(c.cgroupId()).rules().rules().isEmpty());
                assertEquals("200 served by nginx", get(port), "nginx still serves under its learned policy");
                ExecResult seen = c.exec("/bin/bash", "-c", "cat /etc/nginx.conf > /dev/null");
                if (!seen.ok()) Thread.sleep(1500); // let the failure message show the enforcer's alerts
                assertTrue(seen.ok(), () -> seen + "\nalerts: " + lines(dir) + "\n" + yaml);
                ExecResult unseen = c.exec("/bin/bash", "-c", "/usr/bin/id");
                assertEquals(126, unseen.exitCode(), () -> unseen + "\n" + yaml);
                await("the denial alert", Duration.ofSeconds(3), () -> alerts(dir).stream().anyMatch(a -> a.resource().equals("/usr/bin/id")));
                Alert a = alerts(dir).stream().filter(x -> x.resource().equals("/usr/bin/id")).findFirst().orElseThrow();
                assertEquals("Block", a.action());
                assertEquals("DefaultPosture", a.policyName());
            }

            // 4. Dry-run the same policy: reported as it would be enforced, nothing denied.
            Files.delete(dir.resolve("telemetry.jsonl"));
            Files.writeString(dir.resolve("policies/learned.yaml"),
                    yaml.replaceFirst("metadata:\n", "metadata:\n  annotations:\n    palisade.dev/mode: dry-run\n"));
            try (Agent dryRun = Agent.start(config(dir, "block", List.of("alerts")))) {
                await("protected", Duration.ofSeconds(2),
                        () -> !dryRun.node().view().current().byCgroupId(c.cgroupId()).rules().rules().isEmpty());
                ExecResult unseen = c.exec("/bin/bash", "-c", "/usr/bin/id");
                assertTrue(unseen.ok(), () -> "dry-run denies nothing: " + unseen);
                await("the dry-run alert", Duration.ofSeconds(3), () -> alerts(dir).stream().anyMatch(x -> x.resource().equals("/usr/bin/id")));
                Alert a = alerts(dir).stream().filter(x -> x.resource().equals("/usr/bin/id")).findFirst().orElseThrow();
                assertEquals("Audit (Block)", a.action());
                assertEquals("Passed", a.result());
            }
        }
    }

    static List<String> lines(Path dir) {
        try {
            Path f = dir.resolve("telemetry.jsonl");
            return Files.exists(f) ? Files.readAllLines(f) : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    static List<Alert> alerts(Path dir) {
        return lines(dir).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return TelemetryJson.readAlert(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
    }
}
