package dev.serversessions.internal.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session ids and the cookie values that carry them.
 *
 * <p>An id is {@code SESSION_ID_LENGTH} bytes of {@link SecureRandom} as base64url text without
 * padding (43 characters for 32 bytes). With the signer on, the cookie value is
 * {@code id.signature}, an HMAC-SHA256 of the id under {@code SESSION_SECRET_KEY}; a signature
 * under one of {@code SESSION_SECRET_KEY_FALLBACKS} is accepted too (a key rotation), and every
 * cookie sent is signed with {@code SESSION_SECRET_KEY}. A cookie value is checked here, before
 * any store is asked: a client can never choose its own id.
 */
public final class SessionIds {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int SIGNATURE_LENGTH = 43; // 32 bytes of HMAC-SHA256 as base64url
    /** Separates the private id's hash from any other SHA-256 of an id (log tags, other libraries'). */
    private static final String PRIVATE_ID_LABEL = "serversessions private id 1\0";

    private final SecureRandom random = new SecureRandom();
    private final int byteLength;
    private final int textLength;
    /** The key that signs, then those that only verify; empty for unsigned cookies. */
    private final List<SecretKeySpec> keys;
    private final SecretKeySpec signingKey;
    /**
     * One keyed Mac per key and thread: {@code Mac.getInstance} searches the security providers
     * on every call, most of a signature's cost. A Mac is not thread safe, hence one per thread;
     * it holds only JDK objects, so a thread that outlives the application keeps none of its classes.
     */
    private final ThreadLocal<Mac[]> macs;

    /**
     * @param byteLength bytes of entropy per id
     * @param secretKey  the signing key, or null for unsigned cookies
     */
    public SessionIds(int byteLength, String secretKey) {
        this(byteLength, secretKey, List.of());
    }

    /**
     * @param byteLength bytes of entropy per id
     * @param secretKey  the signing key, or null for unsigned cookies
     * @param fallbacks  keys whose signatures are accepted too, never used to sign
     */
    public SessionIds(int byteLength, String secretKey, List<String> fallbacks) {
        this.byteLength = byteLength;
        this.textLength = (byteLength * 8 + 5) / 6;
        List<SecretKeySpec> all = new ArrayList<>();
        if (secretKey != null) {
            all.add(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            fallbacks.forEach(f -> all.add(new SecretKeySpec(f.getBytes(StandardCharsets.UTF_8), "HmacSHA256")));
        }
        this.keys = List.copyOf(all);
        this.signingKey = keys.isEmpty() ? null : keys.get(0);
        this.macs = signingKey == null ? null : ThreadLocal.withInitial(this::newMacs);
    }

    private Mac[] newMacs() {
        try {
            Mac[] each = new Mac[keys.size()];
            for (int i = 0; i < each.length; i++) {
                each[i] = Mac.getInstance("HmacSHA256");
                each[i].init(keys.get(i));
            }
            return each;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** A new random id. */
    public String generate() {
        byte[] bytes = new byte[byteLength];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** Whether {@code id} has the length and alphabet of an id this class generates. */
    public boolean isWellFormed(String id) {
        if (id == null || id.length() != textLength) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!base64url) {
                return false;
            }
        }
        return true;
    }

    /** The cookie value that carries {@code id}. */
    public String cookieValue(String id) {
        return signingKey == null ? id : id + "." + signature(0, id);
    }

    /**
     * The id a cookie value carries, if it is well formed and, with the signer on, correctly
     * signed.
     */
    public Optional<String> idFromCookie(String cookieValue) {
        if (cookieValue == null) {
            return Optional.empty();
        }
        if (signingKey == null) {
            return isWellFormed(cookieValue) ? Optional.of(cookieValue) : Optional.empty();
        }
        int dot = cookieValue.indexOf('.');
        if (dot < 0 || cookieValue.length() != textLength + 1 + SIGNATURE_LENGTH) {
            return Optional.empty();
        }
        String id = cookieValue.substring(0, dot);
        if (!isWellFormed(id)) {
            return Optional.empty();
        }
        byte[] given = cookieValue.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        for (int key = 0; key < keys.size(); key++) {
            if (MessageDigest.isEqual(given, signature(key, id).getBytes(StandardCharsets.US_ASCII))) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    private String signature(int key, String id) {
        // doFinal resets the Mac for the next use with the same key
        return BASE64URL.encodeToString(macs.get()[key].doFinal(id.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The key the store holds session {@code id} under (the "private id", as Rack's session
     * stores name it): base64url SHA-256 of a label and the id, so that whoever reads the store
     * (a backup, a replica, a leaked dump) finds no id a client could send. Made of id
     * characters, of any id's length ({@code SessionKeys}). Every {@code SessionBackend} call,
     * the owner index and {@link RetiredIds} take private ids; only cookies and headers carry
     * the id itself.
     */
    public static String privateId(String id) {
        return BASE64URL.encodeToString(sha256(PRIVATE_ID_LABEL + id));
    }

    /** A short, irreversible tag of an id for logs: the {@link #privateLogTag} of its private id. */
    public static String logTag(String id) {
        return privateLogTag(privateId(id));
    }

    /**
     * The tag of a private id for logs, as {@code UserSession.tag} shows it (without its '#'):
     * one tag per session wherever it appears, also where only its private id is known (an
     * expiry sweep, a listing of the owner index).
     */
    public static String privateLogTag(String privateId) {
        return "#" + HexFormat.of().formatHex(sha256(privateId), 0, 6);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
