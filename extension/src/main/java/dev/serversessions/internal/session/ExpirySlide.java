package dev.serversessions.internal.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a request that changes nothing moves a session's stored expiry
 * ({@code SESSION_REFRESH_EACH_REQUEST=true}): only once it has drifted from where a slide on
 * every request would have put it by more than a threshold, so that the read-only requests in
 * between are pure reads. The price is the threshold itself: a session may expire that much
 * earlier than one slid on every request.
 *
 * <p>The threshold is {@code SESSION_REFRESH_THRESHOLD}, by default 1% of the session's own
 * lifetime but at least 60 s; never more than half of that lifetime, or a session with a short
 * {@code setMaxInactiveInterval} would never slide at all (a read-only request can only see a
 * drift smaller than the lifetime: a larger one means the session has expired).
 */
final class ExpirySlide {
    static final Duration DEFAULT_MINIMUM = Duration.ofSeconds(60);

    private final Optional<Duration> configured;

    ExpirySlide(Optional<Duration> configured) {
        this.configured = configured;
    }

    /** How far the stored expiry of a session with this lifetime may lag behind. */
    Duration threshold(Duration lifetime) {
        Duration threshold = configured.orElseGet(() -> {
            Duration onePercent = divide(lifetime, 100);
            return onePercent.compareTo(DEFAULT_MINIMUM) > 0 ? onePercent : DEFAULT_MINIMUM;
        });
        Duration half = divide(lifetime, 2);
        return threshold.compareTo(half) > 0 ? half : threshold;
    }

    /**
     * {@code duration.dividedBy(divisor)} for a duration that is not negative, to the nanosecond
     * (rounded down) as that is, in long arithmetic: {@code Duration.dividedBy} goes through
     * {@code BigDecimal}, which was 3% of a near-cache hit's request thread (JFR), on every request.
     */
    static Duration divide(Duration duration, int divisor) {
        long seconds = duration.getSeconds();
        long remainder = seconds % divisor; // < divisor, so the nanoseconds below fit a long
        return Duration.ofSeconds(seconds / divisor, (remainder * 1_000_000_000L + duration.getNano()) / divisor);
    }

    /**
     * Whether the store must be told: the stored expiry is more than the threshold away from
     * the target, either way (a lifetime lowered since the session was stored pulls it in too).
     */
    boolean isDue(Instant stored, Instant target, Duration lifetime) {
        return Duration.between(stored, target).abs().compareTo(threshold(lifetime)) > 0;
    }
}
