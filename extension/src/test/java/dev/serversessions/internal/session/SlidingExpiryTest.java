package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.config.SettingsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coalesced slide of SPEC §4 below HTTP, on a real filesystem store (whose file time is the
 * stored expiry) and a clock the test moves: a read-only request moves the stored expiry only
 * once it has drifted past the threshold, and the cookie slides every time.
 */
class SlidingExpiryTest {
    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock();

    private SessionRuntime runtime(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "PERMANENT_SESSION_LIFETIME", "3600"));
        keys.putAll(extra);
        return SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), clock);
    }

    private String store(SessionRuntime runtime) {
        RequestSession first = runtime.open(null);
        first.put("a", 1);
        return first.save().id();
    }

    /** The expiry the store holds: the session file's modification time. */
    private Instant storedExpiry() throws Exception {
        try (var files = Files.list(dir.resolve("store"))) {
            Path file = files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).findFirst().orElseThrow();
            return Files.getLastModifiedTime(file).toInstant();
        }
    }

    private CookieAction read(SessionRuntime runtime, String id) {
        RequestSession session = runtime.open(id);
        assertEquals(1, session.get("a"));
        return session.save();
    }

    /** A later request's own inactivity limit replaces the stored one, and its permanence too. */
    @Test
    void aChangedInactivityLimitOrPermanenceIsSavedAndReadByTheNextRequest() {
        SessionRuntime runtime = runtime(Map.of());
        RequestSession first = runtime.open(null);
        first.put("a", 1);
        first.setMaxInactiveSeconds(100);
        String id = first.save().id();

        RequestSession second = runtime.open(id);
        assertEquals(100, second.maxInactiveSeconds());
        second.setMaxInactiveSeconds(200);
        second.setPermanent(false);
        second.save();

        RequestSession third = runtime.open(id);
        assertEquals(200, third.maxInactiveSeconds(), "the new limit was stored");
        assertEquals(false, third.isPermanent());
        third.setMaxInactiveSeconds(3600); // the configured lifetime: the session's own limit is dropped
        third.save();

        RequestSession fourth = runtime.open(id);
        assertEquals(3600, fourth.maxInactiveSeconds());
        assertEquals(1, fourth.get("a"));
        fourth.save();
    }

    @Test
    void aReadOnlyRequestMovesTheStoredExpiryOnlyOnceItDriftedPastTheThreshold() throws Exception {
        SessionRuntime runtime = runtime(Map.of()); // threshold: max(1% of 3600 s, 60 s) = 60 s
        String id = store(runtime);
        Instant stored = clock.instant().plusSeconds(3600);
        assertEquals(stored, storedExpiry());

        clock.advance(Duration.ofSeconds(60));
        CookieAction cookie = read(runtime, id);
        assertEquals(stored, storedExpiry(), "a drift of exactly the threshold: a pure read");
        assertEquals(CookieAction.Kind.SEND, cookie.kind(), "the cookie is re-sent all the same");
        assertEquals(clock.instant().plusSeconds(3600), cookie.expires(), "with a Max-Age that slides every time");

        clock.advance(Duration.ofSeconds(1));
        read(runtime, id);
        assertEquals(clock.instant().plusSeconds(3600), storedExpiry(), "past the threshold: slid");

        clock.advance(Duration.ofSeconds(30));
        read(runtime, id);
        assertEquals(clock.instant().minusSeconds(30).plusSeconds(3600), storedExpiry(), "and then left alone again");
    }

    @Test
    void aThresholdOfZeroSlidesOnEveryRequest() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_REFRESH_THRESHOLD", "0"));
        String id = store(runtime);
        clock.advance(Duration.ofSeconds(1));
        read(runtime, id);
        assertEquals(clock.instant().plusSeconds(3600), storedExpiry());
    }

    @Test
    void aConfiguredThresholdIsTheBound() throws Exception {
        SessionRuntime runtime = runtime(Map.of("SESSION_REFRESH_THRESHOLD", "600"));
        String id = store(runtime);
        Instant stored = storedExpiry();
        clock.advance(Duration.ofSeconds(599));
        read(runtime, id);
        assertEquals(stored, storedExpiry());
        clock.advance(Duration.ofSeconds(2));
        read(runtime, id);
        assertEquals(clock.instant().plusSeconds(3600), storedExpiry());
    }

    /** Threshold against its own 100 s: the default 60 s is more than half of it, so 50 s. */
    @Test
    void aSessionWithItsOwnInactivityLimitSlidesByTheSameRuleAgainstThatLimit() throws Exception {
        SessionRuntime runtime = runtime(Map.of());
        RequestSession first = runtime.open(null);
        first.put("a", 1);
        first.setMaxInactiveSeconds(100);
        String id = first.save().id();
        assertEquals(clock.instant().plusSeconds(100), storedExpiry());

        clock.advance(Duration.ofSeconds(50));
        CookieAction cookie = read(runtime, id);
        assertEquals(clock.instant().minusSeconds(50).plusSeconds(100), storedExpiry(), "not yet");
        assertEquals(clock.instant().plusSeconds(100), cookie.expires());

        clock.advance(Duration.ofSeconds(1));
        read(runtime, id);
        assertEquals(clock.instant().plusSeconds(100), storedExpiry(), "slid against its own limit");
    }

    @Test
    void aWriteMovesTheStoredExpiryWhateverTheDrift() throws Exception {
        SessionRuntime runtime = runtime(Map.of());
        String id = store(runtime);
        clock.advance(Duration.ofSeconds(5));
        RequestSession write = runtime.open(id);
        write.put("b", 2);
        write.save();
        assertEquals(clock.instant().plusSeconds(3600), storedExpiry());
    }

    @Test
    void aLifetimeLoweredSinceTheSessionWasStoredPullsTheExpiryIn() throws Exception {
        String id = store(runtime(Map.of("PERMANENT_SESSION_LIFETIME", "86400")));
        SessionRuntime shorter = runtime(Map.of());
        read(shorter, id);
        assertEquals(clock.instant().plusSeconds(3600), storedExpiry());
    }

    @Test
    void theThresholdIsOnePercentOfTheLifetimeAtLeastAMinuteAndAtMostHalfOfIt() {
        ExpirySlide rule = new ExpirySlide(Optional.empty());
        assertEquals(Duration.ofSeconds(26_784), rule.threshold(Duration.ofDays(31)), "1% of 31 days");
        assertEquals(Duration.ofSeconds(60), rule.threshold(Duration.ofHours(1)));
        assertEquals(Duration.ofSeconds(15), rule.threshold(Duration.ofSeconds(30)), "never the whole lifetime");
        assertEquals(Duration.ofSeconds(5), new ExpirySlide(Optional.of(Duration.ofSeconds(600))).threshold(Duration.ofSeconds(10)));
        assertTrue(new ExpirySlide(Optional.of(Duration.ZERO)).isDue(Instant.EPOCH, Instant.EPOCH.plusMillis(1), Duration.ofDays(1)));
    }

}
