package dev.palisade.kernel;

import dev.palisade.kernel.sys.KernelFilesystem;
import dev.palisade.kernel.sys.KernelFilesystems;
import java.util.EnumSet;

/**
 * tracefs, securityfs and bpffs for the tests of this JVM: mounted once when missing and left mounted. Other
 * test JVMs on the same host may start relying on a mount as soon as it appears; unmounting it when this JVM
 * exits would pull it from under them (a tracepoint attach, a pin). A kernel filesystem left mounted is harmless.
 */
public final class TestFilesystems {
    private static KernelFilesystems mounted;

    private TestFilesystems() {}

    public static synchronized KernelFilesystems ensure() {
        if (mounted == null) mounted = KernelFilesystems.ensure(EnumSet.allOf(KernelFilesystem.class));
        return mounted;
    }
}
