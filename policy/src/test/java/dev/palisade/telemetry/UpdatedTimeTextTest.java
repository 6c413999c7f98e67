package dev.palisade.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpdatedTimeTextTest {

    @Test
    void microsecondsAlwaysSixDigitsInUtc() {
        UpdatedTimeText text = new UpdatedTimeText();
        Instant t = Instant.parse("2026-11-22T10:00:00Z");
        assertEquals("2026-11-22T10:00:00.000000Z", text.format(t.getEpochSecond(), 0));
        assertEquals("2026-11-22T10:00:00.000007Z", text.format(t.getEpochSecond(), 7_999));
        assertEquals("2026-11-22T10:00:00.301798Z", text.format(t.getEpochSecond(), 301_798_500));
        assertEquals("2026-11-22T10:00:01.999999Z", text.format(t.getEpochSecond() + 1, 999_999_999));
        assertEquals("2026-11-22T10:00:00.5Z".replace(".5", ".500000"), text.format(t.getEpochSecond(), 500_000_000));
    }

    @Test
    void cachedAndUncachedAgreeAcrossSecondsAndDays() {
        UpdatedTimeText text = new UpdatedTimeText();
        java.util.Random random = new java.util.Random(7);
        long base = Instant.parse("2024-02-28T23:59:58Z").getEpochSecond();
        for (int i = 0; i < 10_000; i++) {
            long s = base + random.nextInt(200_000);
            int n = random.nextInt(1_000_000_000);
            assertEquals(UpdatedTimeText.of(Instant.ofEpochSecond(s, n)), text.format(s, n));
            assertEquals(Instant.ofEpochSecond(s, n / 1000 * 1000), Instant.parse(text.format(s, n)));
        }
    }

    @Test
    void yearsBeyondFourDigitsStillFormat() {
        Instant far = Instant.parse("+12026-01-01T00:00:00Z");
        assertEquals(UpdatedTimeText.of(far), new UpdatedTimeText().format(far.getEpochSecond(), 0));
    }
}
