package dev.serversessions.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeCodecTest {
    record Cart(List<String> items) implements Serializable {
    }

    private final JavaAttributeCodec javaCodec = new JavaAttributeCodec(getClass().getClassLoader(), List.of("dev.serversessions.internal.codec.*"));
    private final JavaAttributeCodec javaWithoutAllowlist = new JavaAttributeCodec(getClass().getClassLoader(), List.of());
    private final JsonAttributeCodec json = new JsonAttributeCodec();

    @Test
    void javaRoundTripsJdkAndAllowedApplicationTypes() {
        Map<String, Object> nested = new HashMap<>(Map.of("when", LocalDate.of(2026, 11, 26), "n", 3));
        for (Object value : new Object[] {"text", 42, 3.5, true, new ArrayList<>(List.of("a", "b")), nested,
                new Cart(List.of("apple"))}) {
            assertEquals(value, javaCodec.decode("v", javaCodec.encode("v", value)));
        }
    }

    @Test
    void javaRejectsClassesOutsideTheAllowlist() {
        byte[] cart = javaCodec.encode("cart", new Cart(List.of("apple")));
        UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class,
                () -> javaWithoutAllowlist.decode("cart", cart));
        assertTrue(e.getMessage().contains("'cart'"), e.getMessage());
    }

    @Test
    void javaNamesTheAttributeThatIsNotSerializable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> javaCodec.encode("thing", new Object()));
        assertTrue(e.getMessage().contains("'thing'") && e.getMessage().contains("java.lang.Object"), e.getMessage());
    }

    @Test
    void corruptBytesAreUndecodableNotACrash() {
        assertThrows(UndecodableAttributeException.class, () -> javaCodec.decode("x", new byte[] {1, 2, 3}));
        assertThrows(UndecodableAttributeException.class, () -> json.decode("x", "{not json".getBytes(StandardCharsets.UTF_8)));
        byte[] truncated = javaCodec.encode("x", "a fairly long string value");
        assertThrows(UndecodableAttributeException.class,
                () -> javaCodec.decode("x", java.util.Arrays.copyOf(truncated, truncated.length - 3)));
    }

    @Test
    void jsonRoundTripsPlainData() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("s", "text ü \"quoted\"");
        map.put("i", 7);
        map.put("l", 10_000_000_000L);
        map.put("big", new BigInteger("123456789012345678901234567890"));
        map.put("d", 2.5);
        map.put("b", false);
        map.put("nothing", null);
        map.put("list", List.of(1, "two", List.of(3)));
        assertEquals(map, json.decode("m", json.encode("m", map)));
        assertEquals("just text", json.decode("s", json.encode("s", "just text")));
        assertEquals(new BigDecimal("0.1").doubleValue(), json.decode("d", json.encode("d", new BigDecimal("0.1"))));
    }

    @Test
    void jsonIsReadableText() {
        assertEquals("{\"items\":[\"apple\"]}", new String(json.encode("cart", Map.of("items", List.of("apple"))), StandardCharsets.UTF_8));
    }

    @Test
    void jsonDecodesToMutableCollectionsSoInPlaceChangesWork() {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) json.decode("l", json.encode("l", List.of("a")));
        list.add("b");
        assertEquals(List.of("a", "b"), list);
    }

    @Test
    void jsonNamesTheAttributeAndTheMapKeyItCannotStore() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> json.encode("m", Map.of(1, "numeric key")));
        assertTrue(e.getMessage().contains("'m'") && e.getMessage().contains("java.lang.Integer"), e.getMessage());
    }
}
