package dev.palisade.agent.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * conf/reference.conf is every key the agent reads, with its documentation: the modules' reference.conf files in
 * one place. Regenerate with
 * {@code ./mvnw -pl agent -am test -Dtest=ConfReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dpalisade.writeConf=true}.
 */
class ConfReferenceTest {
    static final Path FILE = Path.of("../conf/reference.conf");
    static final List<String> MODULES = List.of("actors", "streams", "agent");

    static String render() throws IOException {
        StringBuilder b = new StringBuilder("""
                # Every configuration key of Palisade, with its default and what it does.
                # Generated from the modules' reference.conf files by ConfReferenceTest; edit those, not this file.
                # The agent reads these defaults, then conf/palisade.conf (the embedded default), then --config FILE,
                # then the command-line flags.
                """);
        for (String m : MODULES) {
            b.append("\n# ===== ").append(m).append("/src/main/resources/reference.conf =====\n\n");
            b.append(Files.readString(Path.of("..", m, "src/main/resources/reference.conf")).strip()).append('\n');
        }
        return b.toString();
    }

    @Test
    void confReferenceIsTheModulesReferences() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("palisade.writeConf")) Files.writeString(FILE, expected);
        assertEquals(expected, Files.exists(FILE) ? Files.readString(FILE) : "(missing)", "conf/reference.conf is out of date");
    }

    @Test
    void everyPalisadeKeyTheAgentLoadsIsDocumentedThere() throws IOException {
        Config documented = ConfigFactory.parseFile(FILE.toFile()).resolve();
        // The reference files themselves (defaultReference() would add system properties).
        Config loaded = ConfigFactory.parseResources(getClass().getClassLoader(), "reference.conf").resolve().getConfig("palisade");
        for (Map.Entry<String, ConfigValue> e : loaded.entrySet()) {
            assertTrue(documented.hasPath("palisade." + e.getKey()) || documented.hasPathOrNull("palisade." + e.getKey()),
                    "palisade." + e.getKey() + " is read but not in conf/reference.conf");
        }
    }
}
