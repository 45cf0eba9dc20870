package dev.serversessions.internal.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks what the library stores about a login: caller records ({@link Caller}) and
 * owners ({@link SessionOwner}). The keys are derived from {@code SESSION_SECRET_KEY}, which
 * signs, and from each of {@code SESSION_SECRET_KEY_FALLBACKS}, which only check (a rotation:
 * records signed before it are still accepted, and signed again with the new key when next
 * saved). Each is derived under a label of its own, so that no cookie signature made with the
 * same secret is ever a valid record MAC, nor the other way round.
 *
 * <p>Without a key nothing is signed and every check passes: the store is trusted.
 */
final class RecordSigner {
    /** What a check found: signed with the key that signs now, with a fallback key, or not validly at all. */
    enum Check { CURRENT, FALLBACK, FAILED }

    static final RecordSigner NONE = new RecordSigner(List.of());

    /** Derived keys; the first signs. Empty: nothing is signed. */
    private final List<SecretKeySpec> keys;

    private RecordSigner(List<SecretKeySpec> keys) {
        this.keys = keys;
    }

    /** The signer for {@code secretKey} (absent: none) and its fallbacks, in order. */
    static RecordSigner of(Optional<String> secretKey, List<String> fallbacks) {
        if (secretKey.isEmpty()) {
            return NONE;
        }
        List<SecretKeySpec> keys = new ArrayList<>();
        keys.add(derive(secretKey.get()));
        fallbacks.forEach(f -> keys.add(derive(f)));
        return new RecordSigner(List.copyOf(keys));
    }

    /** Whether records are signed (a key is set). */
    boolean signs() {
        return !keys.isEmpty();
    }

    /** The MAC of {@code parts} under the key that signs, or "" without a key. */
    String sign(List<String> parts) {
        return keys.isEmpty() ? "" : mac(keys.get(0), parts);
    }

    /** Whether {@code given} is the MAC of {@code parts} under one of the keys; always {@link Check#CURRENT} without a key. */
    Check check(String given, List<String> parts) {
        if (keys.isEmpty()) {
            return Check.CURRENT;
        }
        byte[] bytes = given.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < keys.size(); i++) {
            if (MessageDigest.isEqual(bytes, mac(keys.get(i), parts).getBytes(StandardCharsets.US_ASCII))) {
                return i == 0 ? Check.CURRENT : Check.FALLBACK;
            }
        }
        return Check.FAILED;
    }

    private static SecretKeySpec derive(String secretKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal("server-sessions caller record".getBytes(StandardCharsets.US_ASCII)), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /**
     * One Mac per thread, keyed at each use: {@code Mac.getInstance} searches the security
     * providers on every call, most of a record check's cost (as for the cookie signer in
     * {@code SessionIds}). Only JDK classes are held, so a redeploy leaves nothing of ours behind.
     */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    });

    private static String mac(SecretKeySpec key, List<String> parts) {
        try {
            Mac mac = MACS.get();
            mac.init(key); // also resets whatever an earlier use on this thread left
            // each part with its length first, so that no two different lists sign the same bytes
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                mac.update(bytes);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
