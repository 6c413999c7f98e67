package dev.palisade.testing.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removes a bundle directory, refusing while anything is still mounted below it (that would reach host files). */
final class BundleDir {
    private BundleDir() {}

    static void delete(Path bundle) {
        if (!Files.exists(bundle)) return;
        if (!HostMounts.under(bundle).isEmpty()) {
            throw new IllegalStateException("not deleting " + bundle + ": still mounted below it: "
                    + HostMounts.under(bundle));
        }
        try {
            // walkFileTree does not follow symbolic links: the rootfs's links into /usr are removed, not followed
            Files.walkFileTree(bundle, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) throw e;
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete bundle " + bundle + ": " + e.getMessage(), e);
        }
    }
}
