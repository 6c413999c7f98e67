package dev.palisade.agent;

import dev.palisade.agent.cli.PalisadeCommand;
import picocli.CommandLine;

/** Entry point of the {@code palisade} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(PalisadeCommand.commandLine().execute(args));
    }
}
