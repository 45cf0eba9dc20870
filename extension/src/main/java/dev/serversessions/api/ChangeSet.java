package dev.serversessions.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one request changed in one session, the only thing a backend is ever asked to write.
 *
 * <p>Backends write these changes, never the whole session, so that two requests changing
 * different attributes of one session both survive.
 *
 * @param put     attributes whose encoded value is new or different from what was loaded
 * @param removed attributes to delete
 * @param created creation time, used only when {@code isNew}
 * @param expires the session's new expiry
 * @param isNew   true for the first save of a session: the backend creates it; otherwise the
 *                backend must not resurrect a session that vanished (was invalidated or expired)
 *                since it was loaded
 * @param version the {@link StoredSession#version()} of the load these changes were made to,
 *                while nothing this request wrote has changed the stored session since; null
 *                otherwise (and always when {@code isNew})
 */
public record ChangeSet(Map<String, byte[]> put, Set<String> removed, Instant created, Instant expires, boolean isNew,
                        Object version) {
    public ChangeSet {
        put = Map.copyOf(put);
        removed = Set.copyOf(removed);
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        for (String name : removed) {
            if (put.containsKey(name)) {
                throw new IllegalArgumentException("attribute '" + name + "' is both put and removed");
            }
        }
    }

    /** A change set that names no loaded version. */
    public ChangeSet(Map<String, byte[]> put, Set<String> removed, Instant created, Instant expires, boolean isNew) {
        this(put, removed, created, expires, isNew, null);
    }

    /** Whether applying this change set would change no attribute. */
    public boolean changesNoAttribute() {
        return put.isEmpty() && removed.isEmpty();
    }
}
