package dev.palisade.testing.containers;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Once per JVM, before the first container starts: removes bundles (with their containers, mounts and cgroups)
 * whose owner.json names a JVM that is no longer running. Bundles of live JVMs, and anything without an
 * owner.json under the fixture's own bundle directory, are left alone.
 */
final class LeftoverReaper {
    private LeftoverReaper() {}

    private static final AtomicBoolean DONE = new AtomicBoolean();

    static void reapOnce(Path bundlesDir) {
        if (!DONE.compareAndSet(false, true) || !Files.isDirectory(bundlesDir)) return;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(bundlesDir)) {
            for (Path bundle : dirs) {
                if (!Files.isRegularFile(bundle.resolve(BundleOwner.FILE))) continue;
                BundleOwner owner;
                try {
                    owner = BundleOwner.readFrom(bundle);
                } catch (IOException unreadable) {
                    continue;
                }
                if (owner.ownerAlive()) continue;
                try {
                    reap(bundle, owner);
                    System.err.println("[palisade test-support] removed container " + owner.id()
                            + " left behind by dead JVM " + owner.pid());
                } catch (RuntimeException e) {
                    System.err.println("[palisade test-support] could not remove leftover container " + owner.id()
                            + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            System.err.println("[palisade test-support] cannot list " + bundlesDir + ": " + e.getMessage());
        }
    }

    private static void reap(Path bundle, BundleOwner owner) {
        new Runc(Path.of(owner.stateRoot())).deleteForce(owner.id());
        CgroupDirs.removeEmpty(owner.createdCgroupDirs().stream().map(Path::of).toList());
        HostMounts.unmountAllUnder(bundle);
        BundleDir.delete(bundle);
    }
}
