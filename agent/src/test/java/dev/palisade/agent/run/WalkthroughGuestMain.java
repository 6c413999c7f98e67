package dev.palisade.agent.run;

import dev.palisade.telemetry.Alert;
import dev.palisade.testing.containers.ExecResult;
import dev.palisade.testing.containers.RuncContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The seed walkthrough inside the nested VM, where the agent picks BPF-LSM (SeedWalkthroughVmTest): the same steps
 * as SeedWalkthroughTest on the host, results printed as "@@ key=value" lines for the host to check.
 */
public final class WalkthroughGuestMain {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of("/run/walkthrough"));
        Files.createDirectories(dir.resolve("policies"));
        Files.copy(Path.of(args[0]), dir.resolve("policies/only-allow-nginx-exec.yaml"));
        int port = 18080;
        long t0 = System.nanoTime();
        try (Agent agent = Agent.start(SeedWalkthroughTest.config(dir, "block"))) {
            say("start-ms", Long.toString((System.nanoTime() - t0) / 1_000_000));
            say("enforcer", agent.enforcer().toString());
            try (RuncContainer c = SeedWalkthroughTest.nginx(dir, port)) {
                SeedWalkthroughTest.await("container protected", Duration.ofSeconds(20),
                        () -> agent.node().view().current().byCgroupId(c.cgroupId()) != null);
                SeedWalkthroughTest.await("nginx serving", Duration.ofSeconds(60), () -> {
                    try {
                        return SeedWalkthroughTest.get(port).equals("200 served by nginx");
                    } catch (Exception e) {
                        return false;
                    }
                });
                ExecResult chroot = c.exec("/bin/bash", "-c", "chroot; exit $?");
                say("chroot", chroot.exitCode() + ":" + chroot.stderr().strip().replace('\n', ' '));
                say("nginx", SeedWalkthroughTest.get(port));
                SeedWalkthroughTest.await("the alert", Duration.ofSeconds(20), () -> {
                    try {
                        return SeedWalkthroughTest.alerts(dir).stream().anyMatch(a -> a.resource().equals("/usr/sbin/chroot"));
                    } catch (Exception e) {
                        return false;
                    }
                });
                Alert a = SeedWalkthroughTest.alerts(dir).stream().filter(x -> x.resource().equals("/usr/sbin/chroot")).findFirst().orElseThrow();
                say("alert", a.policyName() + "|" + a.action() + "|" + a.result() + "|" + a.enforcer() + "|" + a.namespaceName()
                        + "|" + a.podName() + "|" + a.source());

                Files.writeString(dir.resolve("policies/allow-chroot.yaml"), """
                        apiVersion: security.kubearmor.com/v1
                        kind: KubeArmorPolicy
                        metadata: {name: allow-chroot}
                        spec:
                          selector: {matchLabels: {app: nginx}}
                          process: {matchPaths: [{path: /usr/sbin/chroot}]}
                          action: Allow
                        """);
                long changed = System.nanoTime();
                SeedWalkthroughTest.await("chroot allowed", Duration.ofSeconds(20),
                        () -> c.exec("/bin/bash", "-c", "chroot; exit $?").exitCode() == 125);
                say("policy-change-ms", Long.toString((System.nanoTime() - changed) / 1_000_000));
            }
        }
        say("done", "yes");
    }

    static void say(String key, String value) {
        System.out.println("@@ " + key + "=" + value);
        System.out.flush();
    }
}
