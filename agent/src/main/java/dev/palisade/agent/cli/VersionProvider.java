package dev.palisade.agent.cli;

import picocli.CommandLine;

/** The version from the jar manifest (set by the build), or "development" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = PalisadeCommand.class.getPackage().getImplementationVersion();
        return new String[] {"palisade " + (v == null ? "development" : v) + " (Java " + Runtime.version() + ")"};
    }
}
