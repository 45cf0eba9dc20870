package dev.serversessions.api;

import java.time.Instant;
import java.util.Set;

/**
 * The current request's server-side session: {@code @Inject ServerSession session;} in any CDI
 * bean, servlet or JAX-RS resource.
 *
 * <p>Nothing is loaded until a method needs the stored data, so a request that never touches
 * the session costs no store round trip and sets no cookie. Changes are saved, and the cookie
 * set, before the response commits. Values must suit {@code SESSION_SERIALIZATION_FORMAT}:
 * {@code Serializable} objects for {@code java}; strings, numbers, booleans, lists and maps for
 * {@code json}, and objects and records that JSON-B writes and reads back (stored as plain JSON,
 * bound again by {@link #get(String, Class)}). A value that cannot be encoded is rejected by
 * {@link #put} at once.
 *
 * <p>A value read and then changed in place ({@code session.get("cart", List.class).add(x)}) is
 * saved too: at the end of the request every attribute read is encoded again and written if its
 * bytes differ from what was loaded.
 */
public interface ServerSession {

    /** The value of an attribute, or null. */
    Object get(String name);

    /**
     * The value of an attribute as {@code type}, or null. Numbers convert between the boxed
     * numeric types where no digits are lost (a JSON {@code 3} reads as Integer or Long). With
     * the {@code json} format, a stored document is bound to {@code type} through JSON-B when
     * {@code type} is not a plain JSON type (string, number, boolean, list, map); the bound
     * object is then the attribute's value, and its in-place changes are saved. Only
     * {@code type} is ever instantiated, never a class the stored data names.
     *
     * @throws ClassCastException naming the attribute if the value is of another type, or the
     *                            stored document does not fit {@code type}
     */
    <T> T get(String name, Class<T> type);

    /**
     * Sets an attribute; a null value removes it.
     *
     * @throws IllegalArgumentException naming the attribute if the configured codec cannot
     *                                  encode the value, or if the name is reserved
     */
    void put(String name, Object value);

    /** Removes an attribute; removing an absent one is not an error. */
    void remove(String name);

    /** Whether the attribute is set. */
    boolean contains(String name);

    /** The names of all attributes, as an unmodifiable snapshot. */
    Set<String> names();

    /**
     * Removes every attribute, the {@link ServerSessionScoped} beans included; a stored session
     * that ends the request empty is deleted.
     */
    void clear();

    /**
     * The session id. A session that is new gets its id here or when it is first saved; the
     * cookie carries it only once something is stored.
     */
    String id();

    /** Whether the session was not stored before this request. */
    boolean isNew();

    /**
     * Moves the session's data to a new id and deletes the old one (call it on login, against
     * session fixation).
     */
    void regenerate();

    /** Deletes the stored session and expires the cookie; later puts start a fresh session. */
    void invalidate();

    /**
     * Whether the cookie outlives the browser ({@code SESSION_PERMANENT} unless set per session).
     */
    boolean isPermanent();

    /** Chooses a persistent cookie (true) or a browser-session cookie (false) for this session. */
    void setPermanent(boolean permanent);

    /** When the session was first stored (now, for a new session). */
    Instant creationTime();

    /** When the client last used this session before the current request (now, for a new one). */
    Instant lastAccessTime();

    /** When the store will forget this session if it is not used again. */
    Instant expiryTime();

    /**
     * The user this session belongs to ({@link UserSessions}), or null: the logged-in caller's
     * name after a Jakarta Security login, or what the application set.
     */
    String owner();

    /**
     * Names the user this session belongs to, for applications with a login of their own
     * (with Jakarta Security the library does it at login). The session is then listed and
     * revocable among that user's sessions, and counts towards {@code SESSION_MAX_PER_USER}.
     * Call {@link #regenerate()} with it when it is a login.
     *
     * <p>It is the login and logout of such applications: null on a session with an owner is a
     * logout, which ends the session with its id and every attribute (or, with
     * {@code SESSION_LOGOUT_KEEPS_ATTRIBUTES=true}, keeps the attributes under a new id);
     * another user in place of the current owner starts from an empty session under a new id.
     *
     * @throws SessionLimitException if the owner already has {@code SESSION_MAX_PER_USER}
     *                               sessions and {@code SESSION_MAX_PER_USER_ACTION=refuse}
     */
    void setOwner(String owner);
}
