package dev.serversessions.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A session as a backend returns it: attribute values as the opaque bytes the core's codec
 * made, and the two times every store keeps. Backends never see Java objects.
 *
 * @param attributes attribute name to encoded value
 * @param created    when the session was first stored
 * @param expires    when the store forgets it (after the slide, if the load slid it)
 */
public record StoredSession(Map<String, byte[]> attributes, Instant created, Instant expires) {
    public StoredSession {
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }
}
