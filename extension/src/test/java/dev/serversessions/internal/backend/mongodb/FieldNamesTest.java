package dev.serversessions.internal.backend.mongodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FieldNamesTest {
    private static final List<String> AWKWARD = List.of("", ".", "a.b", "$", "$set", "a$", "\0", "x\0y", "%", "%%",
            "%2E", "%25", "%u0041", "100%", "\uD800", "\uDC00x", "\uDC00\uD800", "😀", "a😀.b", "user.name", "attributes.x");

    @Test
    void everyEncodedNameIsAUsableUpdatePathComponent() {
        for (String name : AWKWARD) {
            String field = FieldNames.encode(name);
            String shown = "field of '" + name + "': " + field;
            assertFalse(field.isEmpty(), shown);
            assertFalse(field.contains(".") || field.contains("$") || field.contains("\0"), shown);
            assertEncodableAsUtf8(field);
        }
    }

    @Test
    void namesRoundTripAndStayDistinct() {
        Set<String> fields = new HashSet<>();
        for (String name : AWKWARD) {
            String field = FieldNames.encode(name);
            assertEquals(name, FieldNames.decode(field), "field " + field);
            fields.add(field);
        }
        assertEquals(AWKWARD.size(), fields.size(), "two names share a field: " + fields);
    }

    @Test
    void randomNamesRoundTrip() {
        Random random = new Random(42);
        char[] alphabet = {'a', '.', '$', '%', '\0', 'u', '2', 'E', '\uD83D', '\uDE00', 'é'};
        for (int i = 0; i < 10_000; i++) {
            char[] name = new char[random.nextInt(8)];
            for (int j = 0; j < name.length; j++) {
                name[j] = alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(name);
            assertEquals(s, FieldNames.decode(FieldNames.encode(s)));
        }
    }

    @Test
    void ordinaryNamesAreStoredAsTheyAre() {
        for (String name : List.of("cart", "user", "ünï cödé name", "__ss:max", "a-b_c", "😀")) {
            assertEquals(name, FieldNames.encode(name));
        }
    }

    @Test
    void fieldsThisLibraryCannotHaveWrittenAreRejected() {
        for (String field : List.of("%2", "%zz", "%u12", "a%", "%uXYZW")) {
            assertThrows(IllegalArgumentException.class, () -> FieldNames.decode(field), field);
        }
    }

    private static void assertEncodableAsUtf8(String field) {
        try {
            StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(java.nio.CharBuffer.wrap(field));
        } catch (CharacterCodingException e) {
            throw new AssertionError("field '" + field + "' is not valid UTF-16, so no BSON key", e);
        }
    }
}
