package dev.serversessions.internal.backend;

import java.util.regex.Pattern;

/**
 * Which stored keys are sessions of one application, for the backends that find expired
 * sessions by listing keys: its {@code SESSION_KEY_PREFIX} followed by an id, which is always
 * base64url. A longer prefix that starts with this one ({@code session:} and
 * {@code session:admin:}) is another application's: what follows this prefix there is no id.
 */
public final class SessionKeys {
    /** What a session id consists of ({@code SessionIds}); never ':' or '!' (the library's own keys). */
    public static final String ID_CHARACTERS = "[A-Za-z0-9_-]+";
    private static final Pattern ID = Pattern.compile(ID_CHARACTERS);

    private SessionKeys() {
    }

    /** The id of {@code key} if it is a session under {@code prefix}, else null. */
    public static String idOf(String key, String prefix) {
        if (key == null || !key.startsWith(prefix)) {
            return null;
        }
        String id = key.substring(prefix.length());
        return ID.matcher(id).matches() ? id : null;
    }
}
