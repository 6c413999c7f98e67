package dev.palisade.agent.cli;

import picocli.CommandLine.Command;

/** {@code palisade policy ...}: work with policy files without a cluster. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Work with KubeArmor policy files offline.",
        subcommands = {ValidateCommand.class})
final class PolicyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
