package dev.serversessions.internal.backend.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionItemTest {
    private static final Instant CREATED = Instant.parse("2026-03-01T12:00:00.123Z");
    private static final Instant EXPIRES = Instant.parse("2026-03-02T12:00:00.456Z");

    private static SessionItem item() {
        return new SessionItem(CREATED, EXPIRES, Map.of("a", "1".getBytes(StandardCharsets.UTF_8), "ü", new byte[0]), 0);
    }

    @Test
    void roundTrips() {
        SessionItem parsed = SessionItem.parse(item().toBytes());
        assertEquals(CREATED, parsed.created());
        assertEquals(EXPIRES, parsed.expires());
        assertEquals(item().attributes().keySet(), parsed.attributes().keySet());
        assertArrayEquals("1".getBytes(StandardCharsets.UTF_8), parsed.attributes().get("a"));
        assertEquals(0, parsed.slides());
    }

    @Test
    void appendedExpiryRecordsGiveTheLatestExpiry() {
        Instant later = EXPIRES.plusSeconds(3600);
        Instant between = EXPIRES.plusSeconds(60);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        stored.writeBytes(item().toBytes());
        stored.writeBytes(SessionItem.expiryRecord(later));
        stored.writeBytes(SessionItem.expiryRecord(between)); // a slower concurrent read, arriving last

        SessionItem parsed = SessionItem.parse(stored.toByteArray());
        assertEquals(later, parsed.expires());
        assertEquals(2, parsed.slides());
        SessionItem compacted = SessionItem.parse(parsed.compacted().toBytes());
        assertEquals(later, compacted.expires(), "compacting keeps the slid expiry");
        assertEquals(0, compacted.slides());
        assertEquals(item().toBytes().length, parsed.compacted().toBytes().length);
    }

    @Test
    void foreignOrDamagedBytesAreRefused() {
        byte[] good = item().toBytes();
        assertThrows(IllegalArgumentException.class, () -> SessionItem.parse("hello".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> SessionItem.parse(Arrays.copyOf(good, good.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> SessionItem.parse(Arrays.copyOf(good, good.length + 9)));
        assertThrows(IllegalArgumentException.class, () -> SessionItem.parse(new byte[0]));
    }
}
