package dev.palisade.agent.cli;

import picocli.CommandLine;

/** The version the build wrote into version.properties, or "development". */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = "development";
        try (var in = VersionProvider.class.getResourceAsStream("/dev/palisade/agent/version.properties")) {
            if (in != null) {
                var p = new java.util.Properties();
                p.load(in);
                v = p.getProperty("version", v);
            }
        } catch (java.io.IOException ignored) {
            // development build
        }
        return new String[] {"palisade " + v + " (Java " + Runtime.version() + ")"};
    }
}
