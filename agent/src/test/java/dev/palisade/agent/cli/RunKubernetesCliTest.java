package dev.palisade.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.servers.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code palisade run --mode kubernetes --kubeconfig FILE}: the API server is the one the kubeconfig names. */
@Requires(Need.ROOT) // run refuses to start without root, before it reads any flag's file
@Timeout(30)
class RunKubernetesCliTest {
    @Test
    void theKubeconfigsServerIsUsedAndAnUnreachableOneIsAStartErrorNamingIt(@TempDir Path dir) throws Exception {
        int port = FreePorts.closed();
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster: {server: "http://127.0.0.1:%d"}
                users:
                - name: agent
                  user: {token: not-a-real-token}
                contexts:
                - name: test
                  context: {cluster: test, user: agent}
                current-context: test
                """.formatted(port));
        try {
            CliTest.Result r = CliTest.run("run", "--mode", "kubernetes", "--kubeconfig", kubeconfig.toString(),
                    "--node-name", "node-1");
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().startsWith("palisade: could not start: Kubernetes mode: cannot reach the API server at "
                    + "http://127.0.0.1:" + port + " (connection refused"), r.err());
        } finally {
            System.clearProperty("kubeconfig");
        }
    }

    @Test
    void aMissingKubeconfigIsAUsageError(@TempDir Path dir) {
        CliTest.Result r = CliTest.run("run", "--mode", "kubernetes", "--kubeconfig", dir.resolve("nope").toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--kubeconfig: " + dir.resolve("nope") + " is not a file"), r.err());
    }

    @Test
    void aBadModeInTheConfigurationFileNamesTheKeyWithoutTheMergeChain(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("agent.conf"), "palisade.mode = cluster\n");
        CliTest.Result r = CliTest.run("run", "--config", conf.toString());
        assertEquals(1, r.exit(), r::toString);
        assertEquals("palisade: bad configuration: Invalid value at 'palisade.mode': must be standalone, kubernetes or auto, "
                + "not \"cluster\"", r.err().strip());
    }
}
