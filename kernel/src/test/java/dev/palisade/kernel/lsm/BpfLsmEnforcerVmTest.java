package dev.palisade.kernel.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.vm.GuestResult;
import dev.palisade.testing.vm.NestedVm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real BPF-LSM enforcement, in the nested VM (this host's kernel cannot load LSM programs): Java loads the enforcer
 * over FFM, protects a cgroup, and a blocked exec, a default-posture exec and a blocked open in that cgroup fail with
 * "Permission denied" while allowed ones run, the same commands outside the cgroup are untouched, the denials reach
 * Java as events with their policies, and removing the rules (then closing) lifts everything.
 */
@Requires(Need.NESTED_VM)
@Timeout(600)
class BpfLsmEnforcerVmTest {
    @Test
    void deniesInTheProtectedCgroupOnlyAndReportsEachDenial() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (NestedVm vm = NestedVm.builder(NestedVm.Kernel.debianStock()).boot()) {
            long t0 = System.nanoTime();
            GuestResult r = vm.run(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    LsmGuestMain.class.getName());
            long guestMs = (System.nanoTime() - t0) / 1_000_000;
            Map<String, String> said = new LinkedHashMap<>();
            List<String> events = new java.util.ArrayList<>();
            for (String line : r.stdout().lines().toList()) {
                if (!line.startsWith("@@ ")) continue;
                String kv = line.substring(3);
                int eq = kv.indexOf('=');
                if (kv.startsWith("event=")) events.add(kv.substring(6));
                else said.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            assertEquals("yes", said.get("done"), r::toString);
            assertTrue(said.get("hooks").contains("bprm_check_security") && said.get("hooks").contains("file_open"), said.get("hooks"));

            assertEquals("0:", said.get("in.true"), "an allowed exec runs");
            assertEquals("0:", said.get("in.hostname"), "an open no rule concerns runs");
            assertTrue(said.get("in.id").startsWith("126:") && said.get("in.id").contains("Permission denied"), said.get("in.id"));
            assertTrue(said.get("in.copy").startsWith("126:") && said.get("in.copy").contains("Permission denied"), said.get("in.copy"));
            assertTrue(said.get("in.secret").startsWith("1:") && said.get("in.secret").contains("Permission denied"), said.get("in.secret"));
            for (String c : List.of("true", "id", "copy", "secret", "hostname")) {
                assertEquals("0:", said.get("out." + c), "outside the cgroup nothing is touched: " + c);
            }
            // The source of an exec is the executable of the exec'ing task's parent, as KubeArmor reads it: the shell
            // exec'd in place, so its parent, the guest JVM.
            assertTrue(events.contains("PROCESS|/usr/bin/id|" + java + "|block-id-and-secret|Block|Permission denied|true"), events.toString());
            assertTrue(events.contains("PROCESS|/run/lsm-true|" + java + "|DefaultPosture|Block|Permission denied|true"), events.toString());
            assertTrue(events.stream().anyMatch(e -> e.startsWith("FILE|/run/lsm-secret.txt|/usr/bin/cat|block-id-and-secret|Block|Permission denied|true")),
                    events.toString());
            assertEquals("0:", said.get("removed.id"), "rules removed: id runs again");
            assertEquals("0:", said.get("closed.copy"), "enforcer closed: nothing left attached");
            assertEquals("0", said.get("undecodable"));
            System.out.printf("BPF-LSM in the nested VM: boot %d ms, guest run %d ms (enforcer load+attach %s ms)%n",
                    vm.bootMillis(), guestMs, said.get("load-ms"));
        }
    }
}
