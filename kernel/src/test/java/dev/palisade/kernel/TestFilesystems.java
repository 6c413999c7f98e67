package dev.palisade.kernel;

import dev.palisade.kernel.sys.KernelFilesystem;
import dev.palisade.kernel.sys.KernelFilesystems;
import java.util.EnumSet;

/**
 * tracefs, securityfs and bpffs for the tests of this JVM: mounted once when missing, unmounted (only
 * what was mounted here) when the JVM exits.
 */
public final class TestFilesystems {
    private static KernelFilesystems mounted;

    private TestFilesystems() {}

    public static synchronized KernelFilesystems ensure() {
        if (mounted == null) {
            mounted = KernelFilesystems.ensure(EnumSet.allOf(KernelFilesystem.class));
            KernelFilesystems fs = mounted;
            Runtime.getRuntime().addShutdownHook(new Thread(fs::close, "unmount-test-filesystems"));
        }
        return mounted;
    }
}
