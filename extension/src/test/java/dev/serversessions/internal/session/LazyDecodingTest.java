package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionTooLargeException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.testsupport.PrivateIds;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attributes are decoded on their first read: a request pays for the values it uses, and what
 * it never read is neither decoded nor written back. On a real filesystem store, Java codec.
 */
class LazyDecodingTest {
    /** Not a Java serialization stream: no codec can read it. */
    private static final byte[] UNDECODABLE = {1, 2, 3, 4, 5};

    /** A big session value that counts how often it is read from and written to bytes. */
    static final class Cart implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();
        static final AtomicInteger WRITES = new AtomicInteger();
        final List<String> items = new ArrayList<>();

        Cart(int size) {
            for (int i = 0; i < size; i++) {
                items.add("item-" + i);
            }
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            READS.incrementAndGet();
            in.defaultReadObject();
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            WRITES.incrementAndGet();
            out.defaultWriteObject();
        }
    }

    @RegisterExtension
    final WarningCapture capture = WarningCapture.ofRequestSessions();
    private final List<LogRecord> warnings = capture.records;

    @TempDir
    Path dir;

    @BeforeEach
    void countFromZero() {
        Cart.READS.set(0);
        Cart.WRITES.set(0);
    }

    private SessionRuntime runtime(Map<String, String> extra) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "SESSION_SERIALIZATION_ALLOWLIST", LazyDecodingTest.class.getName() + "$*"));
        keys.putAll(extra);
        return SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), Clock.systemUTC());
    }

    /** A stored session holding a small "user" and a 5,000-item "cart". */
    private String storedWithBigCart(SessionRuntime runtime) {
        RequestSession first = runtime.open(null);
        first.put("user", "alice");
        first.put("cart", new Cart(5000));
        String id = first.save().id();
        Cart.READS.set(0);
        Cart.WRITES.set(0);
        return id;
    }

    private static void storeRaw(SessionRuntime runtime, String id, String name, byte[] bytes) {
        assertTrue(runtime.activeBackend().apply(PrivateIds.of(id), new ChangeSet(Map.of(name, bytes), Set.of(),
                Instant.now(), Instant.now().plusSeconds(600), false)));
    }

    private static Map<String, byte[]> stored(SessionRuntime runtime, String id) {
        return runtime.activeBackend().load(PrivateIds.of(id)).map(StoredSession::attributes).orElseThrow();
    }

    @Test
    void aRequestReadingOneSmallAttributeNeverDecodesNorWritesTheBigOne() {
        SessionRuntime runtime = runtime(Map.of());
        String id = storedWithBigCart(runtime);
        byte[] cartBytes = stored(runtime, id).get("cart");

        RequestSession read = runtime.open(id);
        assertEquals("alice", read.get("user"));
        assertTrue(read.contains("cart"), "known without decoding");
        read.put("visits", 1);
        read.save();

        assertEquals(0, Cart.READS.get(), "the cart was never decoded");
        assertEquals(0, Cart.WRITES.get(), "nor encoded again");
        assertArrayEquals(cartBytes, stored(runtime, id).get("cart"));
        assertEquals(Set.of("user", "cart", "visits"), stored(runtime, id).keySet(), "the new attribute was written beside it");
    }

    @Test
    void theBigValueIsDecodedOnItsFirstReadOnlyAndWrittenOnlyOnceRead() {
        SessionRuntime runtime = runtime(Map.of());
        String id = storedWithBigCart(runtime);

        RequestSession read = runtime.open(id);
        Cart cart = read.get("cart", Cart.class);
        read.get("cart");
        assertEquals(1, Cart.READS.get(), "decoded once per request");
        cart.items.add("pear"); // in place: found by the save's encoding
        read.save();
        assertEquals(1, Cart.WRITES.get());

        assertEquals(5001, runtime.open(id).get("cart", Cart.class).items.size());
    }

    @Test
    void removingAnAttributeNeverReadDoesNotDecodeIt() {
        SessionRuntime runtime = runtime(Map.of());
        String id = storedWithBigCart(runtime);

        RequestSession remove = runtime.open(id);
        remove.remove("cart");
        remove.save();

        assertEquals(0, Cart.READS.get());
        assertFalse(stored(runtime, id).containsKey("cart"));
        assertEquals("alice", runtime.open(id).get("user"));
    }

    @Test
    void undecodableBytesNeverReadAreLeftAloneAndTheRequestWorks() {
        SessionRuntime runtime = runtime(Map.of());
        String id = storedWithBigCart(runtime);
        storeRaw(runtime, id, "broken", UNDECODABLE);

        RequestSession request = runtime.open(id);
        assertEquals("alice", request.get("user"));
        request.put("note", "kept");
        request.save();

        assertArrayEquals(UNDECODABLE, stored(runtime, id).get("broken"), "untouched in the store");
        assertEquals("kept", runtime.open(id).get("note"));
        assertTrue(warnings.isEmpty(), "nothing undecodable was read: " + warnings);
    }

    @Test
    void undecodableBytesReadEmptyTheSessionBeforeTheApplicationSeesAValueWithOneLogLine() {
        SessionRuntime runtime = runtime(Map.of());
        String id = storedWithBigCart(runtime);
        storeRaw(runtime, id, "broken", UNDECODABLE);

        RequestSession request = runtime.open(id);
        assertNull(request.get("broken"));
        assertNull(request.get("user"), "the whole session is empty, not just the broken value");
        assertTrue(request.isNew());
        assertTrue(request.names().isEmpty());
        assertEquals(CookieAction.NONE, request.save(), "an empty new session is not stored");

        RequestSession again = runtime.open(id);
        assertNull(again.get("broken"));
        again.save();

        assertEquals(1, warnings.size(), "one line per session: " + warnings);
        assertTrue(warnings.get(0).getMessage().contains("cannot be decoded"), warnings.get(0).getMessage());
        assertArrayEquals(UNDECODABLE, stored(runtime, id).get("broken"), "left alone: a rollback may read it again");
        assertEquals(0, Cart.READS.get());
    }

    @Test
    void theLoginAndSessionScopedBeansAreAttributesDecodedOnlyWhenUsed() {
        SessionRuntime runtime = runtime(Map.of());
        RequestSession first = runtime.open(null);
        first.logIn(new Caller("alice", Set.of("user")));
        first.beans().put("shop.Cart", new Cart(5000));
        String id = first.save().id();
        Cart.READS.set(0);
        Cart.WRITES.set(0);

        RequestSession login = runtime.open(id);
        assertEquals("alice", login.caller().orElseThrow().name());
        login.save();
        assertEquals(0, Cart.READS.get(), "the bean was never asked for");

        RequestSession shop = runtime.open(id);
        assertEquals(5000, ((Cart) shop.beans().get("shop.Cart")).items.size());
        shop.save();
        assertEquals(1, Cart.READS.get());
    }

    @Test
    void listingTheNamesDecodesEveryValueSoUndecodableDataEmptiesTheSessionBeforeAnyIsSeen() {
        SessionRuntime runtime = runtime(Map.of());
        String id = storedWithBigCart(runtime);

        assertEquals(Set.of("user", "cart"), runtime.open(id).names());
        assertEquals(1, Cart.READS.get(), "whoever lists the names reads the values next");

        storeRaw(runtime, id, "broken", UNDECODABLE);
        RequestSession request = runtime.open(id);
        assertEquals(Set.of(), request.names());
        assertNull(request.get("user"));
        assertEquals(1, warnings.size(), String.valueOf(warnings));
    }

    @Test
    void aChangeMadeBeforeTheUndecodableReadGoesWithTheSessionItChanged() {
        SessionRuntime runtime = runtime(Map.of());
        String id = storedWithBigCart(runtime);
        storeRaw(runtime, id, "broken", UNDECODABLE);

        RequestSession request = runtime.open(id);
        request.put("note", "before");
        assertNull(request.get("broken"));
        assertFalse(request.contains("note"));
        request.put("after", "yes");
        String newId = request.save().id();

        assertFalse(newId.equals(id), "a new session under a new id");
        assertEquals(Set.of("after"), runtime.open(newId).names());
        assertFalse(stored(runtime, id).containsKey("note"), "the undecodable session was not written to");
    }

    @Test
    void theSizeLimitCountsAttributesNeverDecodedByTheirBytes() {
        SessionRuntime runtime = runtime(Map.of("SESSION_MAX_SIZE", "80000"));
        String id = storedWithBigCart(runtime);
        int cartBytes = stored(runtime, id).get("cart").length;
        assertTrue(cartBytes > 40_000 && cartBytes < 80_000, "cart of " + cartBytes + " bytes");

        RequestSession request = runtime.open(id);
        SessionTooLargeException refused = assertThrows(SessionTooLargeException.class,
                () -> request.put("other", "x".repeat(80_000 - cartBytes)));
        assertEquals("other", refused.attribute());
        assertEquals(0, Cart.READS.get(), "measured without decoding");
    }
}
