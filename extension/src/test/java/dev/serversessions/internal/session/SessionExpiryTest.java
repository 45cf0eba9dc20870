package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session's times and the rules that move its expiry, with the settings a runtime reads. */
class SessionExpiryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private SessionRuntime runtime(String... keysAndValues) {
        List<String> keys = new ArrayList<>(List.of("PERMANENT_SESSION_LIFETIME", "3600"));
        keys.addAll(List.of(keysAndValues));
        return RequestParts.runtime(dir, keys.toArray(String[]::new));
    }

    private SessionExpiry expiry(SessionRuntime runtime, SessionAttributes attributes) {
        return new SessionExpiry(attributes, runtime.settings());
    }

    private static SessionAttributes attributes(SessionRuntime runtime) {
        return RequestParts.attributes(runtime);
    }

    @Test
    void theLastAccessIsTheExpiryLessTheLifetimeNeverBeforeCreationNorAfterNow() {
        Duration hour = Duration.ofHours(1);

        assertEquals(T0.plusSeconds(600), SessionExpiry.lastAccess(T0, T0.plusSeconds(600).plus(hour), hour, T0.plusSeconds(900)));
        assertEquals(T0, SessionExpiry.lastAccess(T0, T0.plusSeconds(60), hour, T0.plusSeconds(90)), "not before creation");
        assertEquals(T0.plusSeconds(90), SessionExpiry.lastAccess(T0, T0.plus(hour).plusSeconds(600), hour, T0.plusSeconds(90)),
                "not after now");
    }

    @Test
    void aSessionsOwnInactivityLimitIsItsLifetimeAndZeroOrLessMeansNeverWithinADateStoresTake() {
        SessionRuntime runtime = runtime();
        SessionAttributes attributes = attributes(runtime);
        SessionExpiry expiry = expiry(runtime, attributes);
        assertEquals(Duration.ofHours(1), expiry.lifetime());
        assertEquals(3600, expiry.maxInactiveSeconds());

        expiry.setMaxInactiveSeconds(120);
        assertEquals(Duration.ofSeconds(120), expiry.lifetime());

        expiry.setMaxInactiveSeconds(0);
        assertEquals(Duration.ofDays(3650), expiry.lifetime());
        assertTrue(T0.plus(expiry.lifetime()).isBefore(Instant.parse("2038-01-19T03:14:07Z")));
    }

    @Test
    void onlySettingsOtherThanTheConfiguredOnesAreKept() {
        SessionRuntime runtime = runtime("SESSION_PERMANENT", "true");
        SessionAttributes attributes = attributes(runtime);
        SessionExpiry expiry = expiry(runtime, attributes);

        expiry.setPermanent(true);
        expiry.setMaxInactiveSeconds(3600);
        assertTrue(expiry.isPermanent());
        assertNull(attributes.decoded(AttributeNames.PERMANENT));
        assertNull(attributes.decoded(AttributeNames.MAX_INACTIVE));

        expiry.setPermanent(false);
        expiry.setMaxInactiveSeconds(60);
        assertFalse(expiry.isPermanent());
        assertEquals(false, attributes.decoded(AttributeNames.PERMANENT));
        assertEquals(60, attributes.decoded(AttributeNames.MAX_INACTIVE));
    }

    @Test
    void withRefreshOnEveryRequestAReadOnlySaveMovesTheStoredExpiryOnlyPastTheSlideThreshold() {
        SessionRuntime runtime = runtime("SESSION_REFRESH_EACH_REQUEST", "true");
        SessionExpiry expiry = expiry(runtime, attributes(runtime));
        expiry.loaded(T0, T0.plus(Duration.ofHours(1)), T0);

        Instant soon = expiry.next(T0.plusSeconds(30), false);
        Instant later = expiry.next(T0.plusSeconds(61), false);

        assertEquals(T0.plusSeconds(30).plus(Duration.ofHours(1)), soon, "the target moves on every request");
        assertFalse(expiry.touchDue(soon, false), "30 s of drift: within the 60 s threshold, nothing written");
        assertTrue(expiry.touchDue(later, false));
        assertTrue(expiry.cookieDue(true, false), "a permanent cookie's Max-Age slides on every request");
    }

    @Test
    void withoutRefreshOnlyAChangeOrANewIdMovesTheExpiry() {
        SessionRuntime runtime = runtime("SESSION_REFRESH_EACH_REQUEST", "false");
        SessionExpiry expiry = expiry(runtime, attributes(runtime));
        Instant stored = T0.plus(Duration.ofHours(1));
        expiry.loaded(T0, stored, T0);

        assertEquals(stored, expiry.next(T0.plusSeconds(600), false));
        assertFalse(expiry.touchDue(stored, false));
        assertTrue(expiry.touchDue(stored, true), "a rename writes the expiry it keeps");
        assertEquals(T0.plusSeconds(600).plus(Duration.ofHours(1)), expiry.next(T0.plusSeconds(600), true));
        assertFalse(expiry.cookieDue(true, false));
        assertTrue(expiry.cookieDue(true, true));
        assertFalse(expiry.cookieDue(false, true), "a session cookie carries no Max-Age to slide");
    }
}
