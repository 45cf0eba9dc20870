package dev.serversessions.internal.backend.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExptimeTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.250Z");

    @Test
    void upToThirtyDaysIsSecondsFromNowRoundedUpPlusOne() {
        assertEquals(3, Exptime.of(NOW.plusSeconds(2), NOW));
        assertEquals(3, Exptime.of(NOW.plusMillis(1001), NOW));
        assertEquals(2_592_000, Exptime.of(NOW.plusSeconds(2_591_999), NOW));
    }

    @Test
    void beyondThirtyDaysIsAnAbsoluteUnixTime() {
        Instant thirtyOneDays = NOW.plusSeconds(2_678_400);
        assertEquals(thirtyOneDays.getEpochSecond() + 2, Exptime.of(thirtyOneDays, NOW));
        Instant exactlyThirty = NOW.plusSeconds(2_592_000);
        assertEquals(exactlyThirty.getEpochSecond() + 2, Exptime.of(exactlyThirty, NOW), "2592001 relative would be read as 1970");
    }

    @Test
    void neverZeroWhichWouldMeanNever() {
        assertEquals(1, Exptime.of(NOW, NOW));
        assertEquals(1, Exptime.of(NOW.minusSeconds(60), NOW));
    }
}
