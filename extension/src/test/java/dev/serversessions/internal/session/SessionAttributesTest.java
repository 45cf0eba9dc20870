package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionTooLargeException;
import dev.serversessions.internal.codec.AttributeCodec;
import dev.serversessions.internal.codec.UndecodableAttributeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attributes of one request and their change tracking, with the JSON codec a runtime builds. */
class SessionAttributesTest {
    @TempDir
    Path dir;

    private final List<UndecodableAttributeException> undecodable = new ArrayList<>();

    private AttributeCodec codec() {
        return RequestParts.runtime(dir, "SESSION_SERIALIZATION_FORMAT", "json").codec();
    }

    private SessionAttributes attributes(AttributeCodec codec, long limit) {
        return new SessionAttributes(codec, () -> limit, undecodable::add);
    }

    @Test
    void aStoredAttributeNeverReadIsWrittenBackAsTheSameBytesAndCountsAsNoChange() {
        AttributeCodec codec = codec();
        SessionAttributes attributes = attributes(codec, 1 << 20);
        byte[] stored = codec.encode("cart", List.of("apple"));
        attributes.load(Map.of("cart", stored), name -> false);

        Map<String, byte[]> current = attributes.toWrite(() -> "tag");

        assertSame(stored, current.get("cart"), "never decoded: the stored bytes themselves");
        assertTrue(attributes.changedIn(current).isEmpty());
        assertTrue(attributes.removedIn(current).isEmpty());
    }

    @Test
    void aMutableValueHandedOutIsEncodedAgainSoItsInPlaceChangeIsWritten() {
        AttributeCodec codec = codec();
        SessionAttributes attributes = attributes(codec, 1 << 20);
        attributes.load(Map.of("cart", codec.encode("cart", List.of("apple"))), name -> false);

        @SuppressWarnings("unchecked")
        List<String> cart = new ArrayList<>((List<String>) attributes.handOut("cart"));
        attributes.put("cart", cart, SessionAttributes.measure("cart", 20));
        cart.add("pear"); // changed after the put, in place
        Map<String, byte[]> current = attributes.toWrite(() -> "tag");

        assertEquals(Set.of("cart"), attributes.changedIn(current).keySet());
        assertEquals(List.of("apple", "pear"), codec.decode("cart", current.get("cart")));
    }

    @Test
    void removedAttributesAreTheStoredOnesTheSessionNoLongerHas() {
        AttributeCodec codec = codec();
        SessionAttributes attributes = attributes(codec, 1 << 20);
        attributes.load(Map.of("a", codec.encode("a", "1"), "b", codec.encode("b", "2")), name -> false);

        attributes.replaced("a", false);
        attributes.remove("a");
        Map<String, byte[]> current = attributes.toWrite(() -> "tag");

        assertEquals(Set.of("a"), attributes.removedIn(current));
        attributes.written(current);
        assertTrue(attributes.removedIn(attributes.toWrite(() -> "tag")).isEmpty(), "after the save the store holds it so");
    }

    @Test
    void aPutThatWouldMakeTheSessionTooBigIsRefusedCountingEveryOtherAttribute() {
        AttributeCodec codec = codec();
        SessionAttributes attributes = attributes(codec, 200);
        byte[] first = codec.encodeForPut("first", "x".repeat(80));
        attributes.put("first", "x".repeat(80), attributes.checkSize("first", first));

        byte[] second = codec.encodeForPut("second", "y".repeat(80));
        SessionTooLargeException refused = assertThrows(SessionTooLargeException.class, () -> attributes.checkSize("second", second));

        assertEquals("second", refused.attribute());
        assertEquals(200, refused.limit());
        assertEquals(SessionAttributes.measure("first", first.length) + SessionAttributes.measure("second", second.length),
                refused.sessionBytes());
        // replacing an attribute counts its new size instead of its old one
        assertTrue(attributes.checkSize("first", codec.encodeForPut("first", "z".repeat(90))) > 0);
    }

    @Test
    void anInPlaceGrowthPastTheLimitIsPutBackToTheStoredValueWithOneWarning() {
        AttributeCodec codec = codec();
        SessionAttributes attributes = attributes(codec, 300);
        byte[] stored = codec.encode("notes", List.of("short"));
        attributes.load(Map.of("notes", stored), name -> false);
        @SuppressWarnings("unchecked")
        List<String> notes = (List<String>) attributes.handOut("notes");
        List<String> grown = new ArrayList<>(notes);
        grown.add("z".repeat(400));
        attributes.put("notes", grown, SessionAttributes.measure("notes", 10)); // measured small: grown after the check
        WarningCapture capture = new WarningCapture();
        Logger log = Logger.getLogger(RequestSession.class.getName());
        log.addHandler(capture);
        try {
            Map<String, byte[]> current = attributes.toWrite(() -> "tag-1");

            assertArrayEquals(stored, current.get("notes"));
            assertEquals(List.of("short"), attributes.handOut("notes"), "the request goes on with the stored value");
            assertEquals(1, capture.records.size());
            assertTrue(capture.records.get(0).getMessage().contains("tag-1")
                    && capture.records.get(0).getMessage().contains("[notes]"), capture.records.get(0).getMessage());
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void storedBytesThatCannotBeDecodedAreHandedToTheRequestAndReadAsNothing() {
        AttributeCodec codec = codec();
        SessionAttributes attributes = attributes(codec, 1 << 20);
        attributes.load(Map.of("broken", "{not json".getBytes(StandardCharsets.UTF_8), "fine", codec.encode("fine", "ok")),
                name -> false);

        assertNull(attributes.read("broken"));

        assertEquals(1, undecodable.size());
    }

    @Test
    void aValueDecodedAtLoadThatCannotBeDecodedLeavesNothingBehind() {
        AttributeCodec codec = codec();
        SessionAttributes attributes = attributes(codec, 1 << 20);

        assertThrows(UndecodableAttributeException.class, () -> attributes.load(
                Map.of("eager", "{not json".getBytes(StandardCharsets.UTF_8)), name -> true));

        assertTrue(attributes.applicationNames().isEmpty());
        assertTrue(attributes.toWrite(() -> "tag").isEmpty());
    }

    @Test
    void aNumberIsConvertedExactlyOrNotAtAll() {
        SessionAttributes attributes = attributes(codec(), 1 << 20);

        assertEquals(7, attributes.convert("n", 7L, Integer.class));
        assertThrows(ClassCastException.class, () -> attributes.convert("n", 1L << 40, Integer.class));
        assertThrows(ClassCastException.class, () -> attributes.convert("n", "text", Integer.class));
    }
}
