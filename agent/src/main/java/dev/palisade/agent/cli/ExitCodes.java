package dev.palisade.agent.cli;

/** What {@code palisade} returns: 0 all good, 1 the input has problems (or the command failed), 2 bad usage. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
}
