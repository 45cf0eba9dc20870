package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExpirySlideTest {
    @Test
    void theLongDivisionIsDurationsOwnToTheNanosecond() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            Duration duration = Duration.ofSeconds(random.nextLong(0, 1L << 40), random.nextInt(1_000_000_000));
            for (int divisor : new int[] {2, 3, 100}) {
                assertEquals(duration.dividedBy(divisor), ExpirySlide.divide(duration, divisor), duration + " / " + divisor);
            }
        }
        assertEquals(Duration.ZERO, ExpirySlide.divide(Duration.ZERO, 100));
        assertEquals(Duration.ofSeconds(Long.MAX_VALUE / 2, 999_999_999L / 2 + 500_000_000L),
                ExpirySlide.divide(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), 2), "never expires: no overflow");
    }

    @Test
    void theThresholdIsOnePercentAtLeastAMinuteAtMostHalf() {
        ExpirySlide slide = new ExpirySlide(Optional.empty());
        assertEquals(Duration.ofSeconds(60), slide.threshold(Duration.ofMinutes(31)));
        assertEquals(Duration.ofSeconds(26784), slide.threshold(Duration.ofDays(31)));
        assertEquals(Duration.ofSeconds(45), slide.threshold(Duration.ofSeconds(90)));
        assertEquals(Duration.ofSeconds(5), new ExpirySlide(Optional.of(Duration.ofSeconds(5))).threshold(Duration.ofDays(31)));
    }
}
