package dev.palisade.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code palisade}: the agent and its tools. */
@Command(name = "palisade",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Zero-trust runtime security for Kubernetes workloads, compatible with KubeArmor policies.", ""},
        subcommands = {RunCommand.class, ProbeCommand.class, PolicyCommand.class, SimulateCommand.class, DiscoverCommand.class, ReadinessCommand.class, LogsCommand.class, CommandLine.HelpCommand.class},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'palisade <command> --help' for a command's options."})
public final class PalisadeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with Palisade's conventions: exit 2 for usage errors, errors without stack traces. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PalisadeCommand());
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println("palisade: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return ExitCodes.FAILURE;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("palisade: " + ex.getMessage());
            c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
