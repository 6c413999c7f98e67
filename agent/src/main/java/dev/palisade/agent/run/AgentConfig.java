package dev.palisade.agent.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration a run uses, highest first: command-line overrides, the {@code --config} file, the embedded
 * default (conf/palisade.conf), the modules' reference.conf files. Environment variables may fill
 * {@code ${?VAR}} substitutions (how the DaemonSet configures the agent).
 */
public final class AgentConfig {
    private AgentConfig() {}

    public static Config load(Path file, Map<String, Object> overrides) {
        Config embedded = ConfigFactory.parseResources(AgentConfig.class.getClassLoader(), "dev/palisade/agent/conf/palisade.conf",
                ConfigParseOptions.defaults().setAllowMissing(false));
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("configuration file " + file + " does not exist");
            }
            user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        }
        return ConfigFactory.parseMap(overrides, "command line")
                .withFallback(user)
                .withFallback(embedded)
                .withFallback(ConfigFactory.defaultReference())
                .resolve(ConfigResolveOptions.defaults());
    }
}
