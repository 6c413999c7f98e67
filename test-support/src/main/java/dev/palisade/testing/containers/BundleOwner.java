package dev.palisade.testing.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Who made a bundle and what it made, written as owner.json next to config.json. Lets a later JVM clean up after
 * one that was killed before its shutdown hook ran, and only after that one: a live owner is never touched.
 */
record BundleOwner(long pid, long startMillis, String id, String stateRoot, String cgroupsPath,
        List<String> createdCgroupDirs) {

    static final String FILE = "owner.json";

    static BundleOwner ofThisJvm(String id, Path stateRoot, String cgroupsPath, List<Path> createdCgroupDirs) {
        ProcessHandle me = ProcessHandle.current();
        return new BundleOwner(me.pid(), startMillis(me), id, stateRoot.toString(), cgroupsPath,
                createdCgroupDirs.stream().map(Path::toString).toList());
    }

    /** True while the JVM that wrote this record is running (same pid and same start time). */
    boolean ownerAlive() {
        return ProcessHandle.of(pid).map(h -> h.isAlive() && startMillis(h) == startMillis).orElse(false);
    }

    void writeTo(Path bundle) {
        try {
            Path tmp = bundle.resolve(FILE + ".tmp");
            OciConfig.JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, bundle.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE + " in " + bundle, e);
        }
    }

    static BundleOwner readFrom(Path bundle) throws IOException {
        return OciConfig.JSON.readValue(bundle.resolve(FILE).toFile(), BundleOwner.class);
    }

    private static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);
    }
}
