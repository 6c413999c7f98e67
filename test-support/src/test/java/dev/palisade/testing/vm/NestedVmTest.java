package dev.palisade.testing.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The nested VM boots a stock kernel with BPF-LSM, runs the host's JDK and shares files both ways, in one boot. */
@Requires(Need.NESTED_VM)
@Timeout(300)
class NestedVmTest {
    @Test
    void bootsWithBpfLsmRunsTheHostJdkAndSharesFiles() throws Exception {
        try (NestedVm vm = NestedVm.builder(NestedVm.Kernel.debianStock()).boot()) {
            GuestResult lsm = vm.run("/bin/cat", "/sys/kernel/security/lsm");
            assertEquals(0, lsm.exitCode(), lsm::toString);
            assertTrue(lsm.stdout().contains("bpf"), lsm.stdout());
            GuestResult kernel = vm.run("/bin/uname", "-r");
            assertTrue(kernel.stdout().startsWith("6.1."), "a different kernel from the host's: " + kernel.stdout());

            String java = ProcessHandle.current().info().command().orElseThrow();
            long t0 = System.nanoTime();
            GuestResult version = vm.run(java, "-version");
            long javaMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, version.exitCode(), version::toString);
            assertTrue(version.stderr().contains("version \"25"), version.stderr());

            GuestResult runtime = vm.run("/bin/sh", "-c", "runc --version && grep -c ' cgroup ' /proc/mounts && ip addr show lo");
            assertEquals(0, runtime.exitCode(), runtime::toString);
            assertTrue(runtime.stdout().contains("127.0.0.1"), "loopback is up: " + runtime.stdout());

            GuestResult write = vm.run("/bin/sh", "-c", "echo from-the-guest > /run/shared/note.txt");
            assertEquals(0, write.exitCode(), write::toString);
            assertEquals("from-the-guest", Files.readString(vm.sharedDirectory().resolve("note.txt")).strip());
            System.out.printf("nested VM: boot %d ms, guest java -version %d ms%n", vm.bootMillis(), javaMs);
        }
    }
}
