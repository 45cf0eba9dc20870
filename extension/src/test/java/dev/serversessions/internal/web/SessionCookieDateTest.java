package dev.serversessions.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class SessionCookieDateTest {
    @Test
    void theRememberedExpiresDateIsAlwaysTheSecondAskedFor() {
        long now = Instant.parse("2026-12-06T21:59:59Z").getEpochSecond();
        long[] seconds = {now, now, now + 1, now, 0, now + 2_678_400, now + 2_678_400, now + 1};
        for (long second : seconds) {
            assertEquals(DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC)),
                    SessionCookie.expiresText(second));
        }
        assertEquals("Sun, 6 Dec 2026 21:59:59 GMT", SessionCookie.expiresText(now));
        assertEquals("Thu, 1 Jan 1970 00:00:00 GMT", SessionCookie.expiresText(0), "an expired cookie");
    }
}
