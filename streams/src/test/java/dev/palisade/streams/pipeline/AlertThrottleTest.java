package dev.palisade.streams.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AlertThrottleTest {
    static final long S = 1_000_000_000L;

    @Test
    void postureNoiseNeverSilencesPolicyAlertsOrOtherContainers() {
        AlertThrottle t = new AlertThrottle(2, 10);
        assertEquals(AlertThrottle.Decision.PASS, t.admit(1, true, 0));
        assertEquals(AlertThrottle.Decision.PASS, t.admit(1, true, 1));
        assertEquals(AlertThrottle.Decision.FIRST_DROP, t.admit(1, true, 2));
        assertEquals(AlertThrottle.Decision.DROP, t.admit(1, true, 3));
        assertEquals(AlertThrottle.Decision.PASS, t.admit(1, false, 4), "policy alerts have their own budget");
        assertEquals(AlertThrottle.Decision.PASS, t.admit(2, true, 5), "other containers too");
        assertEquals(AlertThrottle.Decision.DROP, t.admit(1, true, 9 * S));
        assertEquals(AlertThrottle.Decision.PASS, t.admit(1, true, 10 * S + 2), "silence lasts throttleSec");
        assertEquals(3, t.dropped());
    }

    @Test
    void aNewSecondRefillsTheBudgetAndZeroDisablesThrottling() {
        AlertThrottle t = new AlertThrottle(1, 10);
        assertEquals(AlertThrottle.Decision.PASS, t.admit(1, false, 0));
        assertEquals(AlertThrottle.Decision.PASS, t.admit(1, false, S));
        AlertThrottle off = new AlertThrottle(0, 10);
        for (int i = 0; i < 1000; i++) assertEquals(AlertThrottle.Decision.PASS, off.admit(1, true, i));
    }
}
