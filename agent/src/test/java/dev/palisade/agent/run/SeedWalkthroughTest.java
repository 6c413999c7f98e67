package dev.palisade.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.ExecResult;
import dev.palisade.testing.containers.RuncContainer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * shared/seeds/least-permissive-access.md on a real runc container running Debian's nginx as app=nginx in namespace
 * default, the seed's policy unchanged, enforced by the agent as `palisade run` starts it.
 */
@Requires({Need.RUNC, Need.FANOTIFY, Need.BPF})
@Timeout(180)
class SeedWalkthroughTest {
    static final Path SEED = Path.of("../policy/src/test/resources/policies/seed/only-allow-nginx-exec.yaml");

    static Config config(Path dir, String filePosture) {
        return AgentConfig.load(null, Map.of(
                "palisade.policies.directory", dir.resolve("policies").toString(),
                "palisade.posture.file", filePosture,
                "palisade.discovery.state-roots", List.of(runcRoot(dir).toString()),
                "palisade.discovery.reconcile-interval", "500ms",
                "palisade.metrics.port", 0,
                "palisade.sinks.stdout.enabled", false,
                "palisade.sinks.grpc.enabled", false,
                "palisade.sinks.file.enabled", true,
                "palisade.sinks.file.path", dir.resolve("alerts.jsonl").toString(),
                "palisade.sinks.file.kinds", List.of("alerts")));
    }

    /**
     * The test's own runc state root: the agent under test discovers only the containers of its test, never those of
     * other tests or users of this machine.
     */
    static Path runcRoot(Path dir) {
        try {
            return Files.createDirectories(dir.resolve("runc"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static RuncContainer nginx(Path dir, int port) {
        return nginxBuilder(dir, port)
                .annotation("io.kubernetes.pod.namespace", "default")
                .annotation("io.kubernetes.pod.name", "nginx-7c5b8d65b8-x2x9z")
                .annotation("io.kubernetes.container.name", "nginx")
                .annotation("palisade.dev/label.app", "nginx")
                .start();
    }

    /** Debian's nginx serving on 127.0.0.1:port, without identity annotations. */
    static RuncContainer.Builder nginxBuilder(Path dir, int port) {
        return RuncContainer.builder()
                .stateRoot(runcRoot(dir))
                .hostNetwork(true)
                .rootfsFile("/etc/nginx.conf", """
                        user root; daemon off; pid /tmp/nginx.pid; error_log stderr;
                        events {}
                        http {
                          access_log off;
                          client_body_temp_path /tmp; proxy_temp_path /tmp; fastcgi_temp_path /tmp;
                          uwsgi_temp_path /tmp; scgi_temp_path /tmp;
                          server { listen 127.0.0.1:%d; location / { return 200 "served by nginx\\n"; } }
                        }
                        """.formatted(port), 0644)
                .command("/usr/sbin/nginx", "-c", "/etc/nginx.conf");
    }

    static List<Alert> alerts(Path dir) throws Exception {
        Path f = dir.resolve("alerts.jsonl");
        if (!Files.exists(f)) return List.of();
        return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return TelemetryJson.readAlert(l);
            } catch (Exception e) {
                throw new AssertionError("not an alert: " + l, e);
            }
        }).toList();
    }

    static void await(String what, Duration within, BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + within + ": " + what);
            Thread.sleep(25);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String get(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body().strip();
    }

    @Test
    void blockPostureDeniesChrootWhileNginxServesAndPolicyChangesApplyLive(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.copy(SEED, dir.resolve("policies/only-allow-nginx-exec.yaml"));
        int port = freePort();
        long t0 = System.nanoTime();
        try (Agent agent = Agent.start(config(dir, "block"))) {
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(EnforcerKind.FANOTIFY, agent.enforcer(), "this host has no BPF-LSM");
            try (RuncContainer c = nginx(dir, port)) {
                await("container protected", Duration.ofSeconds(2),
                        () -> agent.node().view().current().byCgroupId(c.cgroupId()) != null);
                try {
                    await("nginx serving", Duration.ofSeconds(10), () -> {
                        try {
                            return get(port).equals("200 served by nginx");
                        } catch (Exception e) {
                            return false;
                        }
                    });
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\ncontainer log:\n" + c.log() + "\nalerts:\n"
                            + (Files.exists(dir.resolve("alerts.jsonl")) ? Files.readString(dir.resolve("alerts.jsonl")) : ""), e);
                }

                // "; exit $?" keeps bash from exec'ing chroot in place: bash forks, so chroot's parent (the source of
                // a process rule, as KubeArmor reads it) is bash, as in an interactive shell.
                ExecResult chroot = c.exec("/bin/bash", "-c", "chroot; exit $?");
                assertEquals(126, chroot.exitCode(), chroot::toString);
                assertTrue(chroot.stderr().contains("Operation not permitted"), chroot::toString);
                assertEquals("200 served by nginx", get(port), "nginx still answers");

                await("the alert", Duration.ofSeconds(3), () -> {
                    try {
                        return alerts(dir).stream().anyMatch(a -> a.resource().equals("/usr/sbin/chroot"));
                    } catch (Exception e) {
                        return false;
                    }
                });
                Alert a = alerts(dir).stream().filter(x -> x.resource().equals("/usr/sbin/chroot")).findFirst().orElseThrow();
                assertEquals("DefaultPosture", a.policyName());
                assertEquals("Block", a.action());
                assertEquals("Operation not permitted", a.result());
                assertEquals("MatchedPolicy", a.type());
                assertEquals("default", a.namespaceName());
                assertEquals("nginx-7c5b8d65b8-x2x9z", a.podName());
                assertEquals("nginx", a.containerName());
                assertEquals("app=nginx", a.labels());
                assertEquals("/usr/bin/bash", a.source());
                assertEquals("fanotify", a.enforcer());

                // A policy change while the container runs takes effect within a second, nothing restarted.
                Files.writeString(dir.resolve("policies/allow-chroot.yaml"), """
                        apiVersion: security.kubearmor.com/v1
                        kind: KubeArmorPolicy
                        metadata: {name: allow-chroot}
                        spec:
                          selector: {matchLabels: {app: nginx}}
                          process: {matchPaths: [{path: /usr/sbin/chroot}]}
                          action: Allow
                        """);
                await("chroot allowed", Duration.ofSeconds(1), () -> c.exec("/bin/bash", "-c", "chroot").exitCode() == 125);
                Files.delete(dir.resolve("policies/allow-chroot.yaml"));
                await("chroot denied again", Duration.ofSeconds(1), () -> c.exec("/bin/bash", "-c", "chroot").exitCode() == 126);
                System.out.println("agent ready in " + startMs + " ms");
            }
        }
    }

    @Test
    void aCleanStopLiftsEnforcementAndARestartReappliesItBeforeReportingReady(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.copy(SEED, dir.resolve("policies/only-allow-nginx-exec.yaml"));
        try (RuncContainer c = nginx(dir, freePort())) {
            try (Agent first = Agent.start(config(dir, "block"))) {
                await("container protected", Duration.ofSeconds(2),
                        () -> first.node().view().current().byCgroupId(c.cgroupId()) != null);
                assertEquals(126, c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode());
            }
            // stopped cleanly: marks removed, nothing enforced, nothing hangs
            assertEquals(125, c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode(), "no enforcement after a clean stop");
            try (Agent second = Agent.start(config(dir, "block"))) {
                // start() returns once ready (/readyz): the running container's rules are already in force
                var w = second.node().view().current().byCgroupId(c.cgroupId());
                assertTrue(w != null && w.rules().policies().equals(List.of("ksp/default/only-allow-nginx-exec")),
                        "protected before ready: " + w);
                assertEquals(126, c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode(), "enforced as soon as ready");
            }
        }
    }

    @Test
    void auditPostureLetsChrootRunAndSaysAudit(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.copy(SEED, dir.resolve("policies/only-allow-nginx-exec.yaml"));
        int port = freePort();
        try (Agent agent = Agent.start(config(dir, "audit")); RuncContainer c = nginx(dir, port)) {
            await("container protected", Duration.ofSeconds(2),
                    () -> agent.node().view().current().byCgroupId(c.cgroupId()) != null);
            ExecResult chroot = c.exec("/bin/bash", "-c", "chroot");
            assertEquals(125, chroot.exitCode(), "chroot ran (and complained about its missing operand): " + chroot);
            await("the alert", Duration.ofSeconds(3), () -> {
                try {
                    return alerts(dir).stream().anyMatch(a -> a.resource().equals("/usr/sbin/chroot"));
                } catch (Exception e) {
                    return false;
                }
            });
            Alert a = alerts(dir).stream().filter(x -> x.resource().equals("/usr/sbin/chroot")).findFirst().orElseThrow();
            assertEquals("DefaultPosture", a.policyName());
            assertEquals("Audit", a.action());
            assertEquals("Passed", a.result());
        }
    }
}
