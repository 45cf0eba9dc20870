package dev.serversessions.internal.backend.memcached;

import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.ConfigValues.HostAndPort;
import dev.serversessions.internal.config.SessionSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The memcached backend's keys.
 *
 * @param nodes        {@code SESSION_MEMCACHED}: the servers, spread over by consistent hashing
 * @param timeout      {@code SESSION_MEMCACHED_TIMEOUT_MS}: the longest a backend call waits
 *                     for memcached before the request is answered 503
 * @param maxItemBytes {@code SESSION_MEMCACHED_MAX_ITEM_BYTES}: memcached's item size limit
 *                     ({@code memcached -I}); larger sessions are refused before they are sent
 */
record MemcachedSettings(List<HostAndPort> nodes, Duration timeout, int maxItemBytes) {
    static final String NODES = "SESSION_MEMCACHED";
    static final String TIMEOUT_MS = "SESSION_MEMCACHED_TIMEOUT_MS";
    static final String MAX_ITEM_BYTES = "SESSION_MEMCACHED_MAX_ITEM_BYTES";
    static final String DEFAULT_NODES = "127.0.0.1:11211";
    static final long DEFAULT_TIMEOUT_MS = 1000;
    /** memcached's own default ({@code -I 1m}). */
    static final int DEFAULT_MAX_ITEM_BYTES = 1024 * 1024;
    /** memcached refuses longer keys. */
    static final int MAX_KEY_BYTES = 250;

    static MemcachedSettings read(ConfigValues values) {
        List<HostAndPort> nodes = values.hostList(NODES, DEFAULT_NODES);
        long timeout = values.numberInRange(TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 1, 60_000,
                "must be a number of milliseconds from 1 to 60000");
        long maxItem = values.numberInRange(MAX_ITEM_BYTES, DEFAULT_MAX_ITEM_BYTES, 1024, 1024L * 1024 * 1024,
                "must be a number of bytes from 1024 to 1073741824 (memcached -I)");
        checkKeyLength(values);
        return new MemcachedSettings(nodes, Duration.ofMillis(timeout), (int) maxItem);
    }

    /**
     * The key of a session is the prefix plus the id, and memcached refuses keys over 250 bytes:
     * a long prefix with long ids must fail the deployment, not every request. Bad values of
     * these general keys are reported by {@link SessionSettings}; only their combination is
     * checked here.
     */
    private static void checkKeyLength(ConfigValues values) {
        String prefix = values.string(SessionSettings.KEY_PREFIX, "session:");
        Optional<String> idLength = values.raw(SessionSettings.ID_LENGTH);
        Integer idBytes = idLength.isEmpty() ? Integer.valueOf(32) : parseOrNull(idLength.get());
        if (idBytes == null || idBytes < 1) {
            return;
        }
        int idChars = (idBytes * 8 + 5) / 6; // base64url without padding, as SessionIds makes them
        int keyBytes = prefix.getBytes(StandardCharsets.UTF_8).length + idChars;
        if (keyBytes > MAX_KEY_BYTES) {
            values.problem(SessionSettings.KEY_PREFIX, prefix, "with " + SessionSettings.ID_LENGTH + "=" + idBytes
                    + " makes memcached keys of " + keyBytes + " bytes, but memcached allows at most " + MAX_KEY_BYTES
                    + ": shorten the prefix or the id length");
        }
    }

    private static Integer parseOrNull(String value) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
