package dev.palisade.testing.vm;

/** What a command run in the guest left: exit code, its output, and the VM console so far. */
public record GuestResult(int exitCode, String stdout, String stderr, String log) {
    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
}
