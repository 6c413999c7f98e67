package dev.palisade.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Requires(Need.BPF)
class ProbeCliTest {
    @Test
    @Timeout(60)
    void probeReportsFeaturesFoundByTryingAndTheEnforcerTheyAllow() throws Exception {
        CliTest.Result text = CliTest.run("probe");
        assertEquals(0, text.exit(), text::toString);
        for (String row : new String[] {"kernel BTF", "ring buffer", "tracepoints", "BPF-LSM", "fanotify permissions", "monitor", "enforcer"}) {
            assertTrue(text.out().lines().anyMatch(l -> l.startsWith(row + " ")), row + " missing in\n" + text.out());
        }
        JsonNode j = TelemetryJson.mapper().readTree(CliTest.run("probe", "-o", "json").out());
        boolean lsm = j.get("bpfLsm").get("available").asBoolean();
        boolean fan = j.get("fanotifyPermissions").get("available").asBoolean();
        String expected = lsm ? "BPF_LSM" : fan ? "FANOTIFY" : "AUDIT_ONLY";
        assertEquals(expected, j.get("enforcer").asText());
        assertTrue(j.get("monitorSupported").asBoolean(), "the monitor loads on every machine Palisade supports");
    }
}
