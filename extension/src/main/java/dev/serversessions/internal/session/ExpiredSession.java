package dev.serversessions.internal.session;

import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.codec.AttributeCodec;
import dev.serversessions.internal.codec.UndecodableAttributeException;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A session the store gave up because it expired, as its listeners see it: its id, times and
 * attributes, each decoded on first read. It is gone from the store already; a change made to it
 * here stays here (the Servlet specification lets {@code sessionDestroyed} read the session, and
 * nothing of what it writes could outlive the call).
 *
 * <p>Used by one thread, the sweep's, for the duration of its listeners' calls.
 */
public final class ExpiredSession {
    private static final Logger LOG = Logger.getLogger(ExpiredSession.class.getName());

    private final String id;
    private final StoredSession stored;
    private final AttributeCodec codec;
    private final Map<String, Object> values = new HashMap<>();
    private final Set<String> names = new LinkedHashSet<>();
    private final int defaultMaxInactiveSeconds;

    ExpiredSession(String id, StoredSession stored, AttributeCodec codec, int defaultMaxInactiveSeconds) {
        this.id = id;
        this.stored = stored;
        this.codec = codec;
        this.defaultMaxInactiveSeconds = defaultMaxInactiveSeconds;
        stored.attributes().keySet().stream().filter(n -> !AttributeNames.isReserved(n)).sorted().forEach(names::add);
    }

    /**
     * The session's private id ({@link SessionIds#privateId}), all the store knows of it: never
     * the id its client sent, which the library does not keep.
     */
    public String id() {
        return id;
    }

    public Instant creationTime() {
        return stored.created();
    }

    /** When the session expired. */
    public Instant expiryTime() {
        return stored.expires();
    }

    /** Its own inactivity limit where {@code setMaxInactiveInterval} set one, else the configured lifetime. */
    public int maxInactiveSeconds() {
        return read(AttributeNames.MAX_INACTIVE) instanceof Number n ? n.intValue() : defaultMaxInactiveSeconds;
    }

    /** The application's attribute names (the library's own stay hidden). */
    public Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }

    /**
     * The value of an application attribute, or null; bytes that cannot be decoded (a class
     * removed since) read as null, and are logged once.
     */
    public Object get(String name) {
        return name == null || AttributeNames.isReserved(name) || !names.contains(name) ? null : read(name);
    }

    /** Changes this view only: the session is no longer in the store. */
    public void put(String name, Object value) {
        AttributeNames.checkName(name);
        if (value == null) {
            remove(name);
            return;
        }
        names.add(name);
        values.put(name, value);
    }

    /** Changes this view only. */
    public void remove(String name) {
        names.remove(name);
        values.remove(name);
    }

    private Object read(String name) {
        if (values.containsKey(name)) {
            return values.get(name);
        }
        byte[] bytes = stored.attributes().get(name);
        Object value = null;
        if (bytes != null) {
            try {
                value = codec.decode(name, bytes);
            } catch (UndecodableAttributeException e) {
                LOG.warning(() -> "Expired session " + SessionIds.privateLogTag(id) + ": " + e.getMessage()
                        + "; its listeners see null for it");
            }
        }
        values.put(name, value);
        return value;
    }

    @Override
    public String toString() {
        return "ExpiredSession[" + SessionIds.privateLogTag(id) + ", " + names + "]";
    }
}
