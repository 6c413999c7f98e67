package dev.palisade.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.palisade.streams.TestRecords;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.TelemetryTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ReadinessOutputTest {
    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualClock clock = new ManualClock();
    private final ReadinessOutput readiness = new ReadinessOutput(registry, Duration.ofHours(24), Duration.ofHours(1), clock);

    private static Alert alert(String ns, String policy, String action) {
        return TestRecords.alert(1, ns, "pod", "c").toBuilder().policyName(policy).action(action).build();
    }

    private double safe(String ns) {
        return registry.get(ReadinessOutput.BLOCK_SAFE).tag("namespace", ns).gauge().value();
    }

    private double wouldBlock(String ns, String policy) {
        return registry.find(ReadinessOutput.WOULD_BLOCK).tag("namespace", ns).tag("policy", policy).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    @Test
    void aNamespaceIsSafeOnceWatchedLongEnoughWithNothingThatWouldBeDenied() {
        readiness.observe(TestRecords.log(1)); // namespace "default", everything allowed
        assertEquals(0, safe("default"), "just seen: not enough evidence yet");
        clock.now = clock.now.plus(Duration.ofMinutes(61));
        assertEquals(1, safe("default"));
    }

    @Test
    void auditedPostureMissesAndDryRunBlocksCountAsWouldBeDenialsAndMakeItUnsafeForTheWindow() {
        readiness.observe(alert("web", TelemetryTypes.DEFAULT_POSTURE, "Audit"));
        readiness.observe(alert("web", TelemetryTypes.DEFAULT_POSTURE, "Audit"));
        readiness.observe(alert("web", "nginx-dry-run", "Audit (Block)"));
        readiness.observe(alert("web", "ksp-audit-shadow", "Audit"));        // an Audit rule: not a denial
        readiness.observe(alert("web", TelemetryTypes.DEFAULT_POSTURE, "Block")); // already blocking
        readiness.observe(alert("", TelemetryTypes.DEFAULT_POSTURE, "Audit"));  // host: no namespace posture
        assertEquals(2, wouldBlock("web", TelemetryTypes.DEFAULT_POSTURE));
        assertEquals(1, wouldBlock("web", "nginx-dry-run"));
        assertEquals(0, wouldBlock("web", "ksp-audit-shadow"));
        assertEquals(2, registry.get(ReadinessOutput.WOULD_BLOCK).tag("workload", "nginx").tag("policy", TelemetryTypes.DEFAULT_POSTURE)
                .counter().count(), "by workload: the pod's owner (TestRecords' Deployment nginx)");
        assertNull(registry.find(ReadinessOutput.BLOCK_SAFE).tag("namespace", "").gauge());

        clock.now = clock.now.plus(Duration.ofHours(2));
        assertEquals(0, safe("web"), "a would-be denial two hours ago");
        clock.now = clock.now.plus(Duration.ofHours(23));
        assertEquals(1, safe("web"), "nothing within the last 24 h");
        readiness.observe(alert("web", TelemetryTypes.DEFAULT_POSTURE, "Audit"));
        assertEquals(0, safe("web"));
    }
}
