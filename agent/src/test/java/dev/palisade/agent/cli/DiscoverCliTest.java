package dev.palisade.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoverCliTest {
    static String exec(String ns, String app, String program) {
        return "{\"NamespaceName\":\"" + ns + "\",\"PodName\":\"" + app + "-1\",\"Labels\":\"app=" + app
                + "\",\"ContainerName\":\"" + app + "\",\"ProcessName\":\"" + program + "\",\"Source\":\"/usr/bin/runc\","
                + "\"Operation\":\"Process\",\"Resource\":\"" + program + "\",\"Type\":\"ContainerLog\"}";
    }

    @Test
    void discoveredPoliciesValidateAndTheRecordingSimulatesCleanUnderBlock(@TempDir Path dir) throws IOException {
        Path events = Files.write(dir.resolve("rec.jsonl"), List.of(exec("web", "nginx", "/usr/sbin/nginx"),
                exec("web", "nginx", "/usr/bin/bash"), "oops", exec("db", "redis", "/usr/bin/redis-server")));
        Path out = dir.resolve("policies");
        CliTest.Result r = CliTest.run("discover", "--events", events.toString(), "--output-dir", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains(events + ":3: skipped:"), r.err());
        assertTrue(Files.exists(out.resolve("web_nginx-least-permissive.yaml")));
        assertTrue(Files.exists(out.resolve("db_redis-least-permissive.yaml")));

        assertEquals(0, CliTest.run("policy", "validate", out.toString()).exit());
        CliTest.Result sim = CliTest.run("simulate", "-p", out.toString(), "--posture", "file=block", "-e", events.toString());
        assertEquals("", sim.out(), "nothing recorded is denied by the learned policies");
        Path unseen = Files.write(dir.resolve("unseen.jsonl"), List.of(exec("web", "nginx", "/usr/bin/curl")));
        assertTrue(CliTest.run("simulate", "-p", out.toString(), "--posture", "file=block", "-e", unseen.toString())
                .out().contains("\"Action\":\"Block\""));
    }

    @Test
    void namespaceFilterAndEmptyInput(@TempDir Path dir) throws IOException {
        Path events = Files.write(dir.resolve("rec.jsonl"), List.of(exec("web", "nginx", "/usr/sbin/nginx"),
                exec("db", "redis", "/usr/bin/redis-server")));
        CliTest.Result r = CliTest.run("discover", "-e", events.toString(), "-n", "db");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("name: redis-least-permissive") && !r.out().contains("nginx"), r.out());
        CliTest.Result none = CliTest.run("discover", "-e", Files.writeString(dir.resolve("e"), "").toString());
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("nothing to learn from"), none.err());
    }

    @Test
    void readinessSaysWhetherANamespaceCanSwitchToBlock(@TempDir Path dir) throws IOException {
        List<String> logs = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            logs.add(exec("web", "nginx", "/usr/sbin/nginx").replace("{", "{\"Timestamp\":" + (1_700_000_000L + i * 1000) + ","));
        }
        Path events = Files.write(dir.resolve("rec.jsonl"), logs);
        Path policies = dir.resolve("p");
        assertEquals(0, CliTest.run("discover", "-e", events.toString(), "-d", policies.toString()).exit());
        CliTest.Result safe = CliTest.run("readiness", "-p", policies.toString(), "-e", events.toString(),
                "--min-events", "5", "--min-span", "1h");
        assertEquals(0, safe.exit(), safe::toString);
        assertTrue(safe.out().startsWith("web: SAFE"), safe.out());

        logs.add(exec("web", "nginx", "/usr/bin/curl").replace("{", "{\"Timestamp\":1700004500,"));
        Files.write(events, logs);
        CliTest.Result unsafe = CliTest.run("readiness", "-p", policies.toString(), "-e", events.toString(),
                "--min-events", "5", "--min-span", "1h");
        assertEquals(1, unsafe.exit());
        assertTrue(unsafe.out().contains("web: NOT YET — 1 operation would be denied; most by nginx: Process /usr/bin/curl (DefaultPosture)"),
                unsafe.out());
        CliTest.Result bad = CliTest.run("readiness", "-p", policies.toString(), "-e", events.toString(), "--window", "soon");
        assertEquals(2, bad.exit());
    }
}
