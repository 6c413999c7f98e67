package dev.palisade.testing.containers;

import dev.palisade.testing.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The runc binary, bound to one state root (runc --root). */
final class Runc {
    private static final Duration SHORT = Duration.ofSeconds(30);

    private final String binary;
    private final Path stateRoot;

    Runc(Path stateRoot) {
        this.binary = HostCommand.require("runc", "runc").toString();
        this.stateRoot = stateRoot;
    }

    Path stateRoot() {
        return stateRoot;
    }

    /** runc spec: the default config.json of this runc version, written into bundle. */
    void spec(Path bundle) {
        HostCommand.run(SHORT, bundle, List.of(binary, "spec", "--bundle", bundle.toString())).orThrow();
    }

    /**
     * runc run -d: creates and starts the container detached. Its stdio (and runc's own complaints) go to log, so
     * no pipe of this JVM stays open in the container.
     */
    void runDetached(String id, Path bundle, Path pidFile, Path log, Duration timeout) {
        List<String> argv = cmd("run", "--detach", "--pid-file", pidFile.toString(), "--bundle", bundle.toString(), id);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("runc run " + id + " did not return within " + timeout + "; log: "
                        + readQuietly(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("runc run " + id + " failed (exit " + p.exitValue() + "): "
                        + readQuietly(log).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start runc: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting container " + id, e);
        }
    }

    /** The argv of runc exec for a process in container id, with stdio left to the caller. */
    List<String> execCommand(String id, List<String> argv) {
        List<String> all = cmd("exec", id);
        all.addAll(argv);
        return all;
    }

    /** Sends a signal to every process of the container; false when runc refused (container already gone). */
    boolean killAll(String id, String signal) {
        return HostCommand.run(SHORT, cmd("kill", "--all", id, signal).toArray(String[]::new)).ok();
    }

    /** runc delete --force: kills what is left and removes the state directory and the leaf cgroups. */
    HostCommand.Result deleteForce(String id) {
        return HostCommand.run(SHORT, cmd("delete", "--force", id).toArray(String[]::new));
    }

    private List<String> cmd(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(binary);
        argv.add("--root");
        argv.add(stateRoot.toString());
        argv.addAll(List.of(args));
        return argv;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
