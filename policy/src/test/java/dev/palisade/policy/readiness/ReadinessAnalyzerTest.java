package dev.palisade.policy.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.simulate.LogLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadinessAnalyzerTest {
    static final List<dev.palisade.policy.Policy> POLICIES = PolicyLoader.load(List.of(Path.of("src/test/resources/policies/seed"))).policies();
    static final ReadinessAnalyzer.Settings SETTINGS =
            new ReadinessAnalyzer.Settings(Posture.BLOCK, Duration.ofHours(24), Duration.ofHours(1), 3);

    static String exec(long ts, String ns, String program) {
        return "{\"Timestamp\":" + ts + ",\"NamespaceName\":\"" + ns + "\",\"PodName\":\"nginx-1\",\"Labels\":\"app=nginx\","
                + "\"ContainerName\":\"nginx\",\"ProcessName\":\"" + program + "\",\"Source\":\"/bin/bash\","
                + "\"Operation\":\"Process\",\"Resource\":\"" + program + "\",\"Type\":\"ContainerLog\"}";
    }

    static List<NamespaceVerdict> analyze(List<String> logs) throws IOException {
        ReadinessAnalyzer a = new ReadinessAnalyzer(POLICIES, SETTINGS);
        LogLines.read(new BufferedReader(new StringReader(String.join("\n", logs))), a::add, m -> { });
        return a.verdicts();
    }

    @Test
    void aNamespaceWhoseWorkloadsOnlyDidWhatIsAllowedIsSafe() throws IOException {
        List<String> logs = new ArrayList<>();
        for (int i = 0; i < 10; i++) logs.add(exec(1_700_000_000L + i * 600, "default", "/usr/sbin/nginx"));
        NamespaceVerdict v = analyze(logs).getFirst();
        assertTrue(v.safe(), v::reason);
        assertEquals(10, v.workloads().getFirst().events());
        assertEquals(0, v.workloads().getFirst().wouldBlock());
    }

    @Test
    void wouldBeDenialsMakeItUnsafeAndSayWhat() throws IOException {
        List<String> logs = new ArrayList<>();
        for (int i = 0; i < 10; i++) logs.add(exec(1_700_000_000L + i * 600, "default", "/usr/sbin/nginx"));
        logs.add(exec(1_700_003_000L, "default", "/usr/sbin/chroot"));
        logs.add(exec(1_700_003_100L, "default", "/usr/sbin/chroot"));
        NamespaceVerdict v = analyze(logs).getFirst();
        assertFalse(v.safe());
        assertEquals("2 operations would be denied; most by nginx: Process /usr/sbin/chroot (DefaultPosture)", v.reason());
        assertEquals(2L, v.workloads().getFirst().denials().get("Process /usr/sbin/chroot (DefaultPosture)"));
    }

    @Test
    void tooLittleEvidenceIsNotSafeAndOldDenialsOutsideTheWindowDoNotCount() throws IOException {
        NamespaceVerdict brief = analyze(List.of(exec(1_700_000_000L, "default", "/usr/sbin/nginx"),
                exec(1_700_000_010L, "default", "/usr/sbin/nginx"), exec(1_700_000_020L, "default", "/usr/sbin/nginx"))).getFirst();
        assertFalse(brief.safe());
        assertTrue(brief.reason().startsWith("not enough evidence: nginx was observed for 20s"), brief.reason());

        List<String> logs = new ArrayList<>();
        logs.add(exec(1_700_000_000L, "default", "/usr/sbin/chroot")); // two days before the rest
        for (int i = 0; i < 10; i++) logs.add(exec(1_700_172_800L + i * 600, "default", "/usr/sbin/nginx"));
        assertTrue(analyze(logs).getFirst().safe());
    }
}
