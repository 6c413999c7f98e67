package dev.palisade.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.vm.GuestResult;
import dev.palisade.testing.vm.NestedVm;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed walkthrough enforced by BPF-LSM: the agent, a runc nginx container and the seed's policy unchanged, all
 * inside the nested VM (a stock kernel with BPF-LSM; this host's kernel cannot load LSM programs).
 */
@Requires(Need.NESTED_VM)
@Timeout(900)
class SeedWalkthroughVmTest {
    @Test
    void bpfLsmDeniesChrootWithPermissionDeniedWhileNginxServes() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (NestedVm vm = NestedVm.builder(NestedVm.Kernel.debianStock()).memoryMb(3072).boot()) {
            GuestResult probe = vm.run(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    "dev.palisade.agent.Main", "probe", "--output", "json");
            assertEquals(0, probe.exitCode(), probe::toString);
            var p = dev.palisade.telemetry.TelemetryJson.mapper().readTree(probe.stdout());
            assertTrue(p.get("bpfLsm").get("available").asBoolean(), "palisade probe finds BPF-LSM in the VM: " + probe.stdout());
            assertEquals("BPF_LSM", p.get("enforcer").asText());

            long t0 = System.nanoTime();
            GuestResult r = vm.run("/bin/sh", "-c", "mkdir -p /run/tmp && exec \"$0\" \"$@\"", java,
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:TieredStopAtLevel=1",
                    "-Djava.io.tmpdir=/run/tmp", "-cp", classpath, WalkthroughGuestMain.class.getName(),
                    SeedWalkthroughTest.SEED.toAbsolutePath().normalize().toString());
            long guestMs = (System.nanoTime() - t0) / 1_000_000;
            Map<String, String> said = new LinkedHashMap<>();
            for (String line : r.stdout().lines().toList()) {
                if (!line.startsWith("@@ ")) continue;
                int eq = line.indexOf('=');
                said.put(line.substring(3, eq), line.substring(eq + 1));
            }
            assertEquals("yes", said.get("done"), r::toString);
            assertEquals("BPF_LSM", said.get("enforcer"));
            assertTrue(said.get("chroot").startsWith("126:") && said.get("chroot").contains("Permission denied"), said.get("chroot"));
            assertEquals("200 served by nginx", said.get("nginx"), "nginx still answers");
            assertEquals("DefaultPosture|Block|Permission denied|BPFLSM|default|nginx-7c5b8d65b8-x2x9z|/usr/bin/bash", said.get("alert"));
            System.out.printf("seed walkthrough under BPF-LSM in the nested VM: boot %d ms, guest %d ms, agent start %s ms, "
                    + "policy change applied in %s ms%n", vm.bootMillis(), guestMs, said.get("start-ms"), said.get("policy-change-ms"));
        }
    }
}
