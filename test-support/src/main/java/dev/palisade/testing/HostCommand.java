package dev.palisade.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host program to completion and captures what it printed. Output goes through temporary files, not
 * pipes, so a program that leaves a daemon behind holding its stdout (runc run -d, nginx) cannot hang the caller.
 */
public final class HostCommand {
    private HostCommand() {}

    /** What a finished host program did. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** This result when the program succeeded, else an exception naming the command, its exit code and stderr. */
        public Result orThrow() {
            if (!ok()) throw new IllegalStateException(describe());
            return this;
        }

        public String describe() {
            return String.join(" ", argv) + " exited " + exitCode
                    + (stderr.isBlank() ? "" : ": " + stderr.strip())
                    + (stdout.isBlank() || !stderr.isBlank() ? "" : ": " + stdout.strip());
        }
    }

    public static Result run(Duration timeout, String... argv) {
        return run(timeout, null, List.of(argv));
    }

    /** Runs argv in cwd (null: the JVM's), stdin from /dev/null; kills it and throws when it outlives timeout. */
    public static Result run(Duration timeout, Path cwd, List<String> argv) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("palisade-cmd", ".out");
            err = Files.createTempFile("palisade-cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (cwd != null) pb.directory(cwd.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", argv) + " did not finish within " + timeout
                        + "; stderr so far: " + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return new Result(List.copyOf(argv), p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** The program's absolute path; when it is missing, an exception that names the Debian package to install. */
    public static Path require(String program, String debianPackage) {
        return MachineCheck.which(program).orElseThrow(() -> new IllegalStateException(
                "needs " + program + " on PATH: apt-get install " + debianPackage));
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
