package dev.palisade.testing.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short helper command to completion and fails with its output when it does not succeed. */
final class ProcessRunner {
    private ProcessRunner() {}

    static String run(List<String> cmd, Path workDir, Duration timeout, String what) throws IOException, InterruptedException {
        Path out = Files.createTempFile("palisade-cmd-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException(what + " did not finish within " + timeout + "; output:\n" + tail(out, 40));
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(what + " failed with exit code " + p.exitValue() + " (" + String.join(" ", cmd)
                        + "); output:\n" + tail(out, 40));
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The last lines of a log, for error messages. */
    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) return "(no " + file + ")";
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
