package dev.serversessions.internal.session;

/**
 * The library's own attribute names, which it keeps among the application's under a reserved
 * prefix, and the rules every attribute name follows.
 */
final class AttributeNames {
    /** Names starting with this are the library's own, hidden from the application. */
    static final String RESERVED_PREFIX = "__ss:";
    /**
     * Attributes holding {@code @ServerSessionScoped} beans: reserved (the application cannot
     * overwrite or list them as attributes), yet data, so a session holding only beans is kept.
     */
    static final String BEAN_PREFIX = RESERVED_PREFIX + "bean:";
    /** The session's permanence, where it differs from {@code SESSION_PERMANENT}. */
    static final String PERMANENT = RESERVED_PREFIX + "permanent";
    /** The session's own inactivity limit in seconds ({@code setMaxInactiveInterval}), where set. */
    static final String MAX_INACTIVE = RESERVED_PREFIX + "maxInactive";
    /**
     * The user the session belongs to ({@code UserSessions}), as {@code [owner, indexedUntilMillis]}:
     * the second part says until when the store's owner index keeps this session's entry, so
     * that a session that keeps sliding is indexed again before its entry runs out. Like the
     * caller, it keeps a session alive.
     */
    static final String OWNER = RESERVED_PREFIX + "owner";
    /** The authenticated caller ({@link Caller}); unlike other metadata it keeps a session alive. */
    static final String CALLER = RESERVED_PREFIX + "caller";

    private AttributeNames() {
    }

    static boolean isReserved(String name) {
        return name.startsWith(RESERVED_PREFIX);
    }

    static boolean isBean(String name) {
        return name.startsWith(BEAN_PREFIX);
    }

    /** What every request needs of a loaded session: its own lifetime and permanence, and its owner. */
    static boolean decodedAtLoad(String name) {
        return name.equals(PERMANENT) || name.equals(MAX_INACTIVE) || name.equals(OWNER);
    }

    /**
     * Whether an attribute is worth storing a session for: the application's, its beans, and
     * its caller and owner; a session with nothing but the other metadata is not kept.
     */
    static boolean keepsSessionAlive(String name) {
        return !isReserved(name) || isBean(name) || name.equals(CALLER) || name.equals(OWNER);
    }

    /** Whether any of these names {@link #keepsSessionAlive keeps a session}: a loop, as it runs on every save. */
    static boolean anyKeepsSessionAlive(java.util.Set<String> names) {
        for (String name : names) {
            if (keepsSessionAlive(name)) {
                return true;
            }
        }
        return false;
    }

    /** Refuses a name the application may not use. */
    static void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("Session attribute name must not be null");
        }
        if (isReserved(name)) {
            throw new IllegalArgumentException("Session attribute names starting with '" + RESERVED_PREFIX
                    + "' are reserved for the library: '" + name + "'");
        }
    }

    /**
     * Stores keep names as UTF-8, where a lone surrogate becomes '?': the value would come back
     * under another name, or collide with one.
     */
    static void checkUnicode(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("Session attribute name is not valid Unicode: a lone surrogate \\u"
                        + Integer.toHexString(c) + " at index " + i + " (names are stored as UTF-8)");
            }
        }
    }
}
