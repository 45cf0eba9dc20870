package dev.serversessions.internal.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authenticated caller of a session: a name and its groups, nothing else.
 *
 * <p>It is stored as a plain list of strings ({@code ["caller/1", name, mac, group...]}), never a
 * {@code Subject} or a runtime's principal class, so that the json codec and another runtime
 * read it. With {@code SESSION_SECRET_KEY} set, {@code mac} is an HMAC-SHA256 over the session
 * id, the name and the groups: whoever can write the store but does not know the key can
 * neither forge a record nor copy a valid one into another session. Binding to the id means the
 * record is signed again whenever the id changes (regenerate); see {@link RequestSession}.
 */
public record Caller(String name, Set<String> groups) {
    static final String VERSION = "caller/1";

    public Caller {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a caller has a name");
        }
        groups = Collections.unmodifiableSortedSet(new TreeSet<>(groups)); // sorted: one signed form
    }

    /** The stored form, signed for session {@code id} when {@code key} is not null. */
    List<String> toStored(String id, SecretKeySpec key) {
        List<String> stored = new ArrayList<>(3 + groups.size());
        stored.add(VERSION);
        stored.add(name);
        stored.add(key == null ? "" : mac(key, id, name, groups));
        stored.addAll(groups);
        return stored;
    }

    /**
     * The caller a stored value describes, if it has the shape of a record and, when {@code key}
     * is set, carries a valid MAC for session {@code id}.
     */
    static Optional<Caller> fromStored(Object value, String id, SecretKeySpec key) {
        if (!(value instanceof List<?> list) || list.size() < 3 || !VERSION.equals(list.get(0))
                || !list.stream().allMatch(String.class::isInstance)) {
            return Optional.empty();
        }
        String name = (String) list.get(1);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        SortedSet<String> groups = new TreeSet<>();
        list.subList(3, list.size()).forEach(g -> groups.add((String) g));
        if (groups.size() != list.size() - 3) {
            return Optional.empty(); // duplicates: not written by toStored
        }
        if (key != null) {
            byte[] given = ((String) list.get(2)).getBytes(StandardCharsets.US_ASCII);
            byte[] expected = mac(key, id, name, groups).getBytes(StandardCharsets.US_ASCII);
            if (id == null || !MessageDigest.isEqual(given, expected)) {
                return Optional.empty();
            }
        }
        return Optional.of(new Caller(name, groups));
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

    /**
     * The key that signs caller records: derived from {@code SESSION_SECRET_KEY} under a label
     * of its own, so that no cookie signature made with the same secret is ever a valid record
     * MAC, nor the other way round.
     */
    static SecretKeySpec key(String secretKey) {
        if (secretKey == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal("server-sessions caller record".getBytes(StandardCharsets.US_ASCII)), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String mac(SecretKeySpec key, String id, String name, Set<String> groups) {
        try {
            Mac mac = MACS.get();
            mac.init(key); // also resets whatever an earlier use on this thread left
            // each part with its length first, so that no two different records sign the same bytes
            update(mac, VERSION);
            update(mac, String.valueOf(id));
            update(mac, name);
            for (String group : groups) {
                update(mac, group);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static void update(Mac mac, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        mac.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        mac.update(bytes);
    }
}
