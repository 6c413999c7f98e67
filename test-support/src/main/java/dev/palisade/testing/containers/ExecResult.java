package dev.palisade.testing.containers;

import java.util.List;

/** What a process run with {@code runc exec} did. */
public record ExecResult(List<String> argv, int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** This result when the process exited 0, else an AssertionError with its argv, exit code and output. */
    public ExecResult assertOk() {
        if (!ok()) {
            throw new AssertionError("in container: " + String.join(" ", argv) + " exited " + exitCode
                    + "\nstdout: " + stdout.strip() + "\nstderr: " + stderr.strip());
        }
        return this;
    }
}
