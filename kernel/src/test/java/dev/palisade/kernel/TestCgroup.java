package dev.palisade.kernel;

import dev.palisade.kernel.sys.Cgroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A cgroup v2 child created for one test (palisade-test-&lt;purpose&gt;-&lt;random&gt;) and removed afterwards.
 * Processes a test puts in it must have exited (or be killed by the test) before {@link #close}.
 */
public final class TestCgroup implements AutoCloseable {
    private final Path path;
    private final long id;

    private TestCgroup(Path path) {
        this.path = path;
        this.id = Cgroups.cgroupId(path);
    }

    public static TestCgroup create(String purpose) {
        Path root = Cgroups.requireCgroup2MountPoint();
        Path dir = root.resolve("palisade-test-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create test cgroup " + dir, e);
        }
        return new TestCgroup(dir);
    }

    public Path path() {
        return path;
    }

    /** The cgroup v2 id BPF programs see. */
    public long id() {
        return id;
    }

    public Path procs() {
        return path.resolve("cgroup.procs");
    }

    /** A shell command prefix that moves the shell into this cgroup before the rest runs. */
    public String enterCommand() {
        return "echo $$ > " + procs() + " && ";
    }

    public List<String> members() {
        try {
            return Files.readAllLines(procs()).stream().filter(s -> !s.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the cgroup, waiting briefly for exiting members to leave it. */
    @Override
    public void close() {
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                Files.deleteIfExists(path);
                return;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new UncheckedIOException("cannot remove test cgroup " + path + " (members: " + members() + ")", last);
    }
}
