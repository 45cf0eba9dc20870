package dev.serversessions.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The key under which the library stores a session, computed from what a client holds: the
 * tests' own account of the "private id" rule (README, Stored bytes), written apart from the
 * library's so that a test that writes or reads the store directly checks that rule, not a copy of
 * it. A test that reaches into a store asks this for the key, never {@code prefix + cookie}.
 */
public final class PrivateIds {
    private static final String LABEL = "serversessions private id 1\0";

    private PrivateIds() {
    }

    /**
     * The private id of the session a cookie value (or header value) carries: the id is what comes
     * before the signature's '.', where the cookie is signed.
     */
    public static String of(String cookieValue) {
        int dot = cookieValue.indexOf('.');
        String id = dot < 0 ? cookieValue : cookieValue.substring(0, dot);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((LABEL + id).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The store key of the session a cookie value carries: {@code prefix} followed by its private id. */
    public static String key(String prefix, String cookieValue) {
        return prefix + of(cookieValue);
    }

    /** The session id a cookie value carries, without its signature: what must appear nowhere in a store. */
    public static String idOf(String cookieValue) {
        int dot = cookieValue.indexOf('.');
        return dot < 0 ? cookieValue : cookieValue.substring(0, dot);
    }
}
