package dev.serversessions.internal.codec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals values that hold the runtime's own session state: what Faces (Mojarra, MyFaces) and Weld
 * keep in the session for an unchanged application (the server-side view state, the
 * {@code @ViewScoped} beans and their creational contexts). Those classes are the runtime's, not
 * the application's, and no allowlist of value types could name them all without opening the
 * reader to every class of the runtime. So they are read back only from bytes this library wrote:
 * such a value is stored as {@code MAGIC}, an HMAC-SHA256 of the serialized bytes, then the bytes,
 * and the reader allows {@link #RUNTIME_PREFIXES} only inside a value whose MAC verifies. A store
 * writer without the key can forge no such value; the denials of {@link SerializationAllowlist}
 * (other than {@code com.sun.faces} and {@link SerializationAllowlist#SEALED_RUNTIME_CLASSES}: a
 * lambda, an annotation instance) still hold inside it.
 *
 * <p>The key derives from {@code SESSION_SECRET_KEY} under a label of its own (the fallbacks
 * verify). Without a key, a random key of this process seals: the runtime's state then works on
 * one server until it restarts, as the container's own session would, and another server treats
 * it as undecodable (for Faces, an expired view); a warning says so once.
 */
public final class RuntimeStateSeal {
    private static final Logger LOG = Logger.getLogger(RuntimeStateSeal.class.getName());

    /** Never the start of a Java serialization stream (0xACED). */
    static final byte[] MAGIC = {(byte) 0xAC, 0x55, 0x53, 0x01};
    static final int MAC_LENGTH = 32;

    /**
     * Packages of runtime state: Faces' implementations and API (view state, view maps, the
     * Flash), Weld's contexts (the creational context of a bean Faces keeps), and the expressions
     * of Jakarta Expression Language with Expressly's implementation of them (Mojarra's view state
     * of a page in a Faces flow holds its method expressions).
     */
    static final List<String> RUNTIME_PREFIXES = List.of(
            "com.sun.faces.", "org.apache.myfaces.", "jakarta.faces.", "org.jboss.weld.", "org.apache.webbeans.",
            "jakarta.el.", "org.glassfish.expressly.");

    private final List<SecretKeySpec> keys;
    private final boolean ephemeral;
    private volatile boolean ephemeralLogged;

    private RuntimeStateSeal(List<SecretKeySpec> keys, boolean ephemeral) {
        this.keys = keys;
        this.ephemeral = ephemeral;
    }

    /** The seal for {@code secretKey} (absent: a random key of this process) and its fallbacks. */
    public static RuntimeStateSeal of(Optional<String> secretKey, List<String> fallbacks) {
        if (secretKey.isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return new RuntimeStateSeal(List.of(new SecretKeySpec(random, "HmacSHA256")), true);
        }
        List<SecretKeySpec> keys = new ArrayList<>();
        keys.add(derive(secretKey.get()));
        fallbacks.forEach(f -> keys.add(derive(f)));
        return new RuntimeStateSeal(List.copyOf(keys), false);
    }

    /** Whether a class (not an array) is runtime state, allowed only inside a sealed value. */
    static boolean isRuntimeState(String className) {
        for (String prefix : RUNTIME_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    static boolean isSealed(byte[] stored) {
        return stored.length >= MAGIC.length + MAC_LENGTH && Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** {@code MAGIC}, the MAC, then {@code serialized}. */
    byte[] seal(String name, byte[] serialized, String runtimeClass) {
        if (ephemeral && !ephemeralLogged) {
            ephemeralLogged = true;
            LOG.warning("Session attribute '" + name + "' holds the runtime's own session state (" + runtimeClass
                    + "), which is read back only from values this library sealed. SESSION_SECRET_KEY is not set, so a key"
                    + " of this server alone seals it: no other server, and not this one after a restart, can read it"
                    + " (Faces then answers as for an expired view). Set SESSION_SECRET_KEY, the same on every server"
                    + " (generate one with: openssl rand -base64 48).");
        }
        byte[] mac = mac(keys.get(0), name, serialized, 0, serialized.length);
        byte[] out = new byte[MAGIC.length + MAC_LENGTH + serialized.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(mac, 0, out, MAGIC.length, MAC_LENGTH);
        System.arraycopy(serialized, 0, out, MAGIC.length + MAC_LENGTH, serialized.length);
        return out;
    }

    /**
     * Whether the MAC of a sealed value verifies under one of the keys, for the attribute it is
     * read as: the MAC covers the attribute's name, so a sealed value copied under another name
     * does not verify.
     */
    boolean verifies(String name, byte[] sealed) {
        int start = MAGIC.length + MAC_LENGTH;
        byte[] given = Arrays.copyOfRange(sealed, MAGIC.length, start);
        for (SecretKeySpec key : keys) {
            if (MessageDigest.isEqual(given, mac(key, name, sealed, start, sealed.length - start))) {
                return true;
            }
        }
        return false;
    }

    private static SecretKeySpec derive(String secretKey) {
        byte[] label = "server-sessions runtime state".getBytes(StandardCharsets.US_ASCII);
        byte[] derived = mac(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"), null, label, 0, label.length);
        return new SecretKeySpec(derived, "HmacSHA256");
    }

    /** One Mac per thread, keyed at each use ({@code Mac.getInstance} searches the providers each time). */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    });

    /** The MAC of {@code name} (its UTF-8 length first; none for a key's derivation) and the bytes. */
    private static byte[] mac(SecretKeySpec key, String name, byte[] bytes, int offset, int length) {
        try {
            Mac mac = MACS.get();
            mac.init(key);
            if (name != null) {
                byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
                mac.update((utf8.length + ":").getBytes(StandardCharsets.US_ASCII));
                mac.update(utf8);
            }
            mac.update(bytes, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
