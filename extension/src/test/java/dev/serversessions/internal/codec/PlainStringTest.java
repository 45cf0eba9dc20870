package dev.serversessions.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strings read without an ObjectInputStream: the same strings, and only for the stream of one string. */
class PlainStringTest {
    private final JavaAttributeCodec codec = new JavaAttributeCodec(getClass().getClassLoader(), List.of());

    @Test
    void everyStringReadsBackAsObjectInputStreamWouldRead() throws IOException {
        for (String value : List.of("", "v", "x".repeat(1024), "caf\u00e9 \u20ac \u0000 nul", "\ud83d\ude00 outside the BMP",
                "\udc00 a lone surrogate", "y".repeat(65_535))) {
            byte[] bytes = java(value);
            assertNotNull(JavaAttributeCodec.plainString(bytes), "one string: " + value.length() + " chars");
            assertEquals(value, codec.decode("a", bytes));
        }
    }

    @Test
    void anythingButOneStringTakesTheGeneralPath() throws IOException {
        String longString = "z".repeat(65_536); // TC_LONGSTRING
        assertNull(JavaAttributeCodec.plainString(java(longString)));
        assertEquals(longString, codec.decode("a", java(longString)));
        assertNull(JavaAttributeCodec.plainString(java(42)));
        assertNull(JavaAttributeCodec.plainString(java(new String[] {"a"})));
        byte[] trailing = Arrays.copyOf(java("v"), java("v").length + 1);
        assertNull(JavaAttributeCodec.plainString(trailing));
        byte[] truncated = Arrays.copyOf(java("value"), java("value").length - 1);
        assertNull(JavaAttributeCodec.plainString(truncated));
        assertThrows(UndecodableAttributeException.class, () -> codec.decode("a", truncated));
        byte[] malformed = java("ab");
        malformed[7] = (byte) 0xC0; // a two-byte sequence with no second byte
        assertNull(JavaAttributeCodec.plainString(malformed));
        assertThrows(UndecodableAttributeException.class, () -> codec.decode("a", malformed));
    }

    private static byte[] java(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }
}
