package dev.palisade.testing.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the server fixtures keep what they download once (Kafka's jars, the Elasticsearch distribution, buf):
 * {@code $PALISADE_SERVER_CACHE}, else {@code /var/tmp/palisade-servers}. The directory is world-readable because
 * Elasticsearch runs as its own unprivileged user. Preparing an entry is serialized across processes by a file lock
 * and marked complete only when it succeeded.
 */
public final class ServerCache {
    private ServerCache() {}

    public static Path root() {
        String env = System.getenv("PALISADE_SERVER_CACHE");
        Path root = Path.of(env != null && !env.isBlank() ? env : "/var/tmp/palisade-servers");
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the server cache " + root, e);
        }
        return root;
    }

    /** What fills a cache entry; it writes into {@code dir}, which it may assume empty. */
    @FunctionalInterface
    public interface Preparation {
        void prepare(Path dir) throws IOException, InterruptedException;
    }

    /** The entry {@code name}, prepared on first use (by whichever process gets there first). */
    public static Path entry(String name, Preparation preparation) {
        Path dir = root().resolve(name);
        Path done = dir.resolve(".complete");
        if (Files.exists(done)) return dir;
        Path lock = root().resolve(name + ".lock");
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            if (Files.exists(done)) return dir;
            if (Files.exists(dir)) deleteTree(dir);
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            preparation.prepare(dir);
            Files.writeString(done, "ok\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing " + dir, e);
        }
    }

    /**
     * Runs Maven on a small POM (to fetch artifacts from Maven Central into the local repository and copy them):
     * the repository's own {@code mvnw} when the tests run inside it, else {@code mvn} from PATH.
     */
    public static void maven(Path workDir, Duration timeout, String... goalsAndFlags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(mavenLauncher());
        cmd.add("-B");
        cmd.add("-q");
        cmd.addAll(List.of(goalsAndFlags));
        ProcessRunner.run(cmd, workDir, timeout, "Maven (" + String.join(" ", goalsAndFlags) + ")");
    }

    private static String mavenLauncher() {
        String repo = System.getenv("PALISADE_REPO_ROOT");
        List<Path> candidates = new ArrayList<>();
        if (repo != null && !repo.isBlank()) candidates.add(Path.of(repo, "mvnw"));
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) candidates.add(p.resolve("mvnw"));
        for (Path c : candidates) if (Files.isExecutable(c)) return c.toString();
        return "mvn";
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
