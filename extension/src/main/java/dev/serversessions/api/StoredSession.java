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
 * @param expires    when the store forgets it
 * @param version    what the backend wants back in {@link ChangeSet#version()} when this very
 *                   state is changed (memcached: the CAS token and the item read); opaque to the
 *                   core, null where the backend has no use for it
 */
public record StoredSession(Map<String, byte[]> attributes, Instant created, Instant expires, Object version) {
    public StoredSession {
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }

    /** A session read without a version. */
    public StoredSession(Map<String, byte[]> attributes, Instant created, Instant expires) {
        this(attributes, created, expires, null);
    }
}
