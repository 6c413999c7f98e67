package dev.palisade.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The host's statically linked busybox (Debian package busybox-static): it runs where there is no libc. */
public final class BusyboxStatic {
    private BusyboxStatic() {}

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/busybox"), Path.of("/bin/busybox"));

    /** Its path, or an exception that says which package to install. */
    public static Path locate() {
        return find().orElseThrow(() -> new IllegalStateException(problem().orElse("busybox-static not found")));
    }

    /** Empty when a static busybox is there, else the reason it is not. */
    public static Optional<String> problem() {
        for (Path p : CANDIDATES) {
            if (!Files.isExecutable(p)) continue;
            try {
                if (ElfFile.read(p).isStaticallyLinked()) return Optional.empty();
                return Optional.of(p + " is dynamically linked: apt-get install busybox-static (it replaces busybox)");
            } catch (IOException | IllegalArgumentException e) {
                return Optional.of("cannot read " + p + ": " + e.getMessage());
            }
        }
        return Optional.of("needs a static busybox at /usr/bin/busybox: apt-get install busybox-static");
    }

    private static Optional<Path> find() {
        if (problem().isPresent()) return Optional.empty();
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst();
    }
}
