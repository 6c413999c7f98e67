package dev.palisade.kernel.sys;

import dev.palisade.kernel.ffm.Errno;
import dev.palisade.kernel.ffm.Libc;
import dev.palisade.kernel.ffm.NativeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure securityfs, tracefs and bpffs are mounted, mounting what is missing, and on close unmounts
 * only what it mounted itself and nobody is using. Tracing through debugfs (/sys/kernel/debug/tracing) counts as
 * present. Other processes may mount the same filesystems concurrently: losing that race counts as present.
 */
public final class KernelFilesystems implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelFilesystems.class);
    private static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");

    private final Set<KernelFilesystem> present;
    private final List<KernelFilesystem> mounted;
    private final Map<KernelFilesystem, String> unavailable;
    private boolean closed;

    private KernelFilesystems(Set<KernelFilesystem> present, List<KernelFilesystem> mounted, Map<KernelFilesystem, String> unavailable) {
        this.present = Collections.unmodifiableSet(present);
        this.mounted = mounted;
        this.unavailable = Collections.unmodifiableMap(unavailable);
    }

    /** Mounts each wanted filesystem that is not mounted yet; failures are recorded, not thrown. */
    public static KernelFilesystems ensure(Set<KernelFilesystem> wanted) {
        MountTable table = MountTable.current();
        Set<KernelFilesystem> present = EnumSet.noneOf(KernelFilesystem.class);
        List<KernelFilesystem> mounted = new ArrayList<>();
        Map<KernelFilesystem, String> unavailable = new EnumMap<>(KernelFilesystem.class);
        for (KernelFilesystem fs : wanted) {
            if (isMounted(table, fs)) {
                present.add(fs);
                continue;
            }
            try {
                Libc.mount(fs.fsType(), fs.mountPoint().toString(), fs.fsType(), 0);
                present.add(fs);
                mounted.add(fs);
                LOG.info("mounted {} at {}", fs.fsType(), fs.mountPoint());
            } catch (NativeException e) {
                // EBUSY: another process mounted it between our look and our mount; it is there, just not ours
                if (e.errno() == Errno.EBUSY && isMounted(MountTable.current(), fs)) {
                    present.add(fs);
                    continue;
                }
                unavailable.put(fs, e.getMessage());
                LOG.warn("cannot mount {} at {}: {}", fs.fsType(), fs.mountPoint(), e.getMessage());
            }
        }
        return new KernelFilesystems(present, mounted, unavailable);
    }

    public static KernelFilesystems ensureAll() {
        return ensure(EnumSet.allOf(KernelFilesystem.class));
    }

    private static boolean isMounted(MountTable table, KernelFilesystem fs) {
        if (table.isMounted(fs.fsType(), fs.mountPoint())) return true;
        return fs == KernelFilesystem.TRACEFS && Files.isDirectory(DEBUGFS_TRACING.resolve("events"));
    }

    /** Mounted (by anyone) and usable. */
    public boolean isPresent(KernelFilesystem fs) {
        return present.contains(fs);
    }

    /** What this instance mounted (and will unmount on close). */
    public List<KernelFilesystem> mountedHere() {
        return List.copyOf(mounted);
    }

    /** Filesystems that could not be mounted, with the reason. */
    public Map<KernelFilesystem, String> unavailable() {
        return unavailable;
    }

    /** Where tracepoints are described (events/&lt;category&gt;/&lt;name&gt;/id). */
    public static Path tracingRoot() {
        Path tracefs = KernelFilesystem.TRACEFS.mountPoint();
        return Files.isDirectory(tracefs.resolve("events")) ? tracefs : DEBUGFS_TRACING;
    }

    /**
     * Unmounts, in reverse order, what this instance mounted and nobody else has started to use. A bpffs that
     * holds pins (anyone's: another tool may have pinned there since) stays; so does anything busy. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (int i = mounted.size() - 1; i >= 0; i--) {
            KernelFilesystem fs = mounted.get(i);
            if (fs == KernelFilesystem.BPFFS && holdsEntries(fs.mountPoint())) {
                LOG.info("left {} mounted at {}: it holds pinned objects", fs.fsType(), fs.mountPoint());
                continue;
            }
            try {
                Libc.umount(fs.mountPoint().toString(), 0);
                LOG.info("unmounted {} from {}", fs.fsType(), fs.mountPoint());
            } catch (NativeException e) {
                // busy: another process uses it now, so it stays mounted (a kernel filesystem left mounted is harmless)
                LOG.info("left {} mounted at {}: {}", fs.fsType(), fs.mountPoint(), e.getMessage());
            }
        }
    }

    private static boolean holdsEntries(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        } catch (java.io.IOException | RuntimeException e) {
            return true;   // cannot tell: keep it
        }
    }
}
