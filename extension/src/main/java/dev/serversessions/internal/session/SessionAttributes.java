package dev.serversessions.internal.session;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionTooLargeException;
import dev.serversessions.internal.codec.AttributeCodec;
import dev.serversessions.internal.codec.UndecodableAttributeException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A session's attributes in one request, and what changed in them: values decoded on first
 * read, the bytes the store holds (the baseline a save compares with), the values the
 * application may have changed in place, and each attribute's share of the size limit.
 *
 * <p>Not thread-safe: its {@link RequestSession} calls it under its own monitor.
 */
final class SessionAttributes {
    // the request rules log under one name, which operators and tests listen to
    private static final Logger LOG = Logger.getLogger(RequestSession.class.getName());

    private final AttributeCodec codec;
    private final LongSupplier sizeLimit;
    private final Consumer<UndecodableAttributeException> undecodable;
    /** Decoded values and values put in this request; a stored value joins on first read. */
    private final Map<String, Object> values = new LinkedHashMap<>();
    /**
     * Stored attributes not decoded yet: their bytes stay in {@link #baseline} until the
     * application reads them, and a save writes nothing for them (their bytes cannot have changed).
     */
    private final Set<String> undecoded = new LinkedHashSet<>();
    /** Bytes as the store holds them after the last load or save. */
    private final Map<String, byte[]> baseline = new HashMap<>();
    /** Attributes whose (mutable) value the application may hold a reference to: re-encoded at save. */
    private final Set<String> exposed = new HashSet<>();
    /** Each attribute's size as last encoded, measured as {@link #measure} does: for the size limit at put. */
    private final Map<String, Long> sizes = new HashMap<>();

    /**
     * @param sizeLimit   the most bytes the session may take, asked at every check (the store may lower it)
     * @param undecodable told when a stored value cannot be decoded at its first read: the request
     *                    rules then start the session afresh, which {@link #clear() clears} this
     */
    SessionAttributes(AttributeCodec codec, LongSupplier sizeLimit, Consumer<UndecodableAttributeException> undecodable) {
        this.codec = codec;
        this.sizeLimit = sizeLimit;
        this.undecodable = undecodable;
    }

    /**
     * Takes a loaded session's attributes: those named by {@code eager} are decoded now, the
     * others on their first read. Stored bytes that cannot be decoded leave nothing behind.
     */
    void load(Map<String, byte[]> stored, Predicate<String> eager) throws UndecodableAttributeException {
        try {
            stored.forEach((name, bytes) -> {
                if (eager.test(name)) {
                    values.put(name, codec.decode(name, bytes));
                } else {
                    undecoded.add(name);
                }
            });
        } catch (UndecodableAttributeException e) {
            values.clear();
            undecoded.clear();
            throw e;
        }
        baseline.putAll(stored);
        baseline.forEach((name, bytes) -> sizes.put(name, measure(name, bytes.length)));
    }

    /** Forgets everything: the session starts empty, with nothing stored. */
    void clear() {
        values.clear();
        undecoded.clear();
        baseline.clear();
        exposed.clear();
        sizes.clear();
    }

    boolean present(String name) {
        return values.containsKey(name) || undecoded.contains(name);
    }

    /** A value already decoded (the library's own attributes always are), without decoding anything. */
    Object decoded(String name) {
        return values.get(name);
    }

    /**
     * An attribute's value, decoded on its first read. Stored bytes that cannot be decoded are
     * handed to {@code undecodable} before the application sees anything of them: null.
     */
    Object read(String name) {
        if (undecoded.contains(name)) {
            try {
                values.put(name, codec.decode(name, baseline.get(name)));
                undecoded.remove(name);
            } catch (UndecodableAttributeException e) {
                undecodable.accept(e);
                return null;
            }
        }
        return values.get(name);
    }

    /** Decodes every value, for whoever sees them all: undecodable data empties the session before any of it is seen. */
    void readAll() {
        for (String name : List.copyOf(undecoded)) {
            read(name);
        }
    }

    /**
     * The value an attribute held before this request replaces or removes it: decoded only
     * when a listener is told about it, else its stored bytes are simply dropped.
     */
    Object replaced(String name, boolean listened) {
        if (!listened && undecoded.remove(name)) {
            return null;
        }
        return read(name);
    }

    /** An attribute's value for the application: a mutable value may change in place, so the save encodes it again. */
    Object handOut(String name) {
        Object value = read(name);
        handedOut(name, value);
        return value;
    }

    private void handedOut(String name, Object value) {
        if (value != null && !isImmutable(value)) {
            exposed.add(name);
        }
    }

    /**
     * {@code value} as a {@code type}: a number converted exactly, else bound by the codec (a
     * JSON object read as a class), else a {@link ClassCastException}. A bound object becomes the value, encoded again at
     * save like any value read, so its in-place changes are kept.
     */
    <T> T convert(String name, Object value, Class<T> type) {
        if (value instanceof Number number) {
            Object converted = convertNumber(number, type);
            if (converted != null) {
                return type.cast(converted);
            }
        }
        Object bound = codec.bind(name, value, type);
        if (bound == null) {
            throw new ClassCastException("Session attribute '" + name + "' is a " + value.getClass().getName()
                    + ", not a " + type.getName());
        }
        values.put(name, bound);
        handedOut(name, bound);
        return type.cast(bound);
    }

    private static Object convertNumber(Number n, Class<?> type) {
        BigDecimal exact = new BigDecimal(n.toString());
        try {
            if (type == Integer.class) return exact.intValueExact();
            if (type == Long.class) return exact.longValueExact();
            if (type == Short.class) return exact.shortValueExact();
            if (type == BigInteger.class) return exact.toBigIntegerExact();
        } catch (ArithmeticException e) {
            return null;
        }
        if (type == Double.class) return n.doubleValue();
        if (type == BigDecimal.class) return exact;
        return null;
    }

    /** Encodes a value the application puts; fails naming the attribute, not at the end of the request. */
    byte[] encodeForPut(String name, Object value) {
        return codec.encodeForPut(name, value);
    }

    /** Checks that the codec can encode a value (a bean) that is kept without a size check. */
    void checkEncodable(String name, Object value) {
        codec.encode(name, value);
    }

    /**
     * Refuses a put that would make the session too big, before anything of it is kept.
     *
     * @return the attribute's share of the session, for {@link #put}
     */
    long checkSize(String name, byte[] encoded) {
        long size = measure(name, encoded.length);
        long total = size;
        for (Map.Entry<String, Long> other : sizes.entrySet()) {
            if (!other.getKey().equals(name)) {
                total += other.getValue();
            }
        }
        long limit = sizeLimit.getAsLong();
        if (total > limit) {
            throw new SessionTooLargeException(name, size, total, limit);
        }
        return size;
    }

    /** Keeps a value the application put, measured by {@link #checkSize}. */
    void put(String name, Object value, long size) {
        sizes.put(name, size);
        values.put(name, value);
        exposed.add(name);
    }

    /** Keeps a value of the library's own that changes as a whole: encoded at save. */
    void set(String name, Object value) {
        values.put(name, value);
        exposed.add(name);
    }

    /**
     * Keeps a setting (permanence, the inactivity limit), or drops it where {@code value} is null
     * (the default, not stored). Encoded at save like a value of the library's own: a changed
     * setting must replace the stored bytes (a save writes only what differs from them, so an
     * unchanged one costs the store nothing), and a stored one never read is no longer the
     * store's bytes once set.
     */
    void setSetting(String name, Object value) {
        undecoded.remove(name);
        if (value == null) {
            values.remove(name);
            exposed.remove(name);
        } else {
            values.put(name, value);
            exposed.add(name);
        }
    }

    /** Removes what the application removed, and its share of the size limit. */
    void remove(String name) {
        values.remove(name);
        exposed.remove(name);
        sizes.remove(name);
    }

    /** Removes a value of the library's own, decoded or not. */
    void forget(String name) {
        values.remove(name);
        undecoded.remove(name);
        exposed.remove(name);
    }

    void forgetAll(Predicate<String> which) {
        values.keySet().removeIf(which);
        undecoded.removeIf(which);
        exposed.removeIf(which);
    }

    /** The application's attribute names, decoded or not (not the library's own). */
    Set<String> applicationNames() {
        return names(name -> !AttributeNames.isReserved(name));
    }

    /** Names starting with {@code prefix}, decoded or not. */
    Set<String> namesStartingWith(String prefix) {
        return names(name -> name.startsWith(prefix));
    }

    /** Names matching {@code which}, decoded or not. */
    private Set<String> names(Predicate<String> which) {
        Set<String> names = new HashSet<>();
        for (String name : values.keySet()) {
            if (which.test(name)) {
                names.add(name);
            }
        }
        for (String name : undecoded) {
            if (which.test(name)) {
                names.add(name);
            }
        }
        return Collections.unmodifiableSet(names); // asked on every getAttributeNames: no stream pipeline (4% of a hit, JFR)
    }

    /**
     * The session as it will be written: values encoded where they may have changed, stored
     * bytes where they cannot have, within the size limit ({@link #withinSizeLimit}).
     */
    Map<String, byte[]> toWrite(Supplier<String> tag) {
        Map<String, byte[]> current = new HashMap<>();
        values.forEach((name, value) -> current.put(name,
                exposed.contains(name) || !baseline.containsKey(name) ? codec.encode(name, value) : baseline.get(name)));
        undecoded.forEach(name -> current.put(name, baseline.get(name))); // never read: as stored
        return withinSizeLimit(current, tag);
    }

    /** What {@code current} writes that the store does not hold yet. */
    Map<String, byte[]> changedIn(Map<String, byte[]> current) {
        Map<String, byte[]> put = new HashMap<>();
        current.forEach((name, bytes) -> {
            if (!Arrays.equals(bytes, baseline.get(name))) {
                put.put(name, bytes);
            }
        });
        return put;
    }

    /** What the store holds that {@code current} no longer has. */
    Set<String> removedIn(Map<String, byte[]> current) {
        Set<String> removed = null; // none, on nearly every save: nothing allocated
        for (String name : baseline.keySet()) {
            if (!current.containsKey(name)) {
                if (removed == null) {
                    removed = new HashSet<>();
                }
                removed.add(name);
            }
        }
        return removed == null ? Set.of() : removed;
    }

    /** After a save: the store holds {@code current}. */
    void written(Map<String, byte[]> current) {
        baseline.clear();
        baseline.putAll(current);
    }

    /** The session's size as the size limit measures it, after {@link #toWrite}. */
    long totalSize() {
        long total = 0;
        for (long size : sizes.values()) {
            total += size;
        }
        return total;
    }

    /**
     * Values changed in place are only measured at save, when it is too late to refuse them to
     * the application: the largest changed attributes are then put back to what the store holds
     * (or left out, if new) until the session fits, with one log line. The response goes on; the
     * rest of the change is saved.
     */
    private Map<String, byte[]> withinSizeLimit(Map<String, byte[]> current, Supplier<String> tag) {
        long total = 0;
        for (Map.Entry<String, byte[]> attribute : current.entrySet()) {
            total += measure(attribute.getKey(), attribute.getValue().length);
        }
        long limit = sizeLimit.getAsLong();
        if (total > limit) {
            long measured = total;
            List<String> changed = current.keySet().stream()
                    .filter(name -> !Arrays.equals(current.get(name), baseline.get(name)))
                    .sorted(Comparator.comparingInt((String name) -> current.get(name).length).reversed())
                    .toList();
            List<String> dropped = new ArrayList<>();
            for (String name : changed) {
                if (total <= limit) {
                    break;
                }
                total -= measure(name, current.get(name).length);
                byte[] stored = baseline.get(name);
                if (stored == null) {
                    current.remove(name);
                    values.remove(name);
                } else {
                    current.put(name, stored);
                    values.put(name, codec.decode(name, stored));
                    total += measure(name, stored.length);
                }
                exposed.remove(name);
                dropped.add(name);
            }
            if (!dropped.isEmpty()) { // else: stored before the limit was lowered, and unchanged
                LOG.warning(() -> "Session " + tag.get() + " would be " + measured + " bytes, over the limit of " + limit
                        + " bytes (SESSION_MAX_SIZE, or the store's own item limit where lower): the change to "
                        + dropped + " made in place was not saved; the stored value is kept");
            }
        }
        sizes.clear();
        current.forEach((name, bytes) -> sizes.put(name, measure(name, bytes.length)));
        return current;
    }

    /** An attribute's share of the session, as {@link SessionBackend#maxSessionBytes()} counts it. */
    static long measure(String name, int valueBytes) {
        return (long) name.getBytes(StandardCharsets.UTF_8).length + valueBytes + SessionBackend.BYTES_PER_ATTRIBUTE;
    }

    /**
     * Values of these (final, immutable) classes cannot change in place, so reading one gives
     * the save nothing to re-encode.
     */
    static boolean isImmutable(Object value) {
        Class<?> type = value.getClass();
        return type == String.class || type == Integer.class || type == Long.class || type == Boolean.class
                || type == Double.class || type == Float.class || type == Short.class || type == Byte.class
                || type == Character.class || type == BigInteger.class || type == BigDecimal.class
                || type == java.util.UUID.class || type == Instant.class || type == java.time.LocalDate.class
                || type == java.time.LocalDateTime.class || type == java.time.OffsetDateTime.class
                || type == java.time.ZonedDateTime.class || type == Duration.class;
    }
}
