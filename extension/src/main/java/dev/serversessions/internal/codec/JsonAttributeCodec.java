package dev.serversessions.internal.codec;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON through Jakarta JSON Processing: strings, numbers, booleans, null, lists and maps with
 * string keys, so that sessions are readable from any language. Decoded lists and maps are
 * mutable, so that a value changed in place is saved like any other.
 */
public final class JsonAttributeCodec implements AttributeCodec {
    /**
     * Factories made once: {@code JsonProvider.provider()} and {@code Json.*} look the provider
     * up through {@code ServiceLoader} on every call.
     */
    private final JsonGeneratorFactory generators;
    private final JsonReaderFactory readers;

    public JsonAttributeCodec() {
        JsonProvider json = JsonProvider.provider();
        this.generators = json.createGeneratorFactory(Map.of());
        this.readers = json.createReaderFactory(Map.of());
    }

    @Override
    public byte[] encode(String name, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator generator = generators.createGenerator(bytes, StandardCharsets.UTF_8)) {
            write(generator, null, value, name);
        }
        return bytes.toByteArray();
    }

    private void write(JsonGenerator out, String key, Object value, String attribute) {
        if (value == null) {
            if (key == null) out.writeNull(); else out.writeNull(key);
        } else if (value instanceof String s) {
            if (key == null) out.write(s); else out.write(key, s);
        } else if (value instanceof Boolean b) {
            if (key == null) out.write(b); else out.write(key, b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long l = ((Number) value).longValue();
            if (key == null) out.write(l); else out.write(key, l);
        } else if (value instanceof BigInteger i) {
            if (key == null) out.write(i); else out.write(key, i);
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            BigDecimal d = value instanceof BigDecimal bd ? bd : BigDecimal.valueOf(((Number) value).doubleValue());
            if (key == null) out.write(d); else out.write(key, d);
        } else if (value instanceof Map<?, ?> map) {
            if (key == null) out.writeStartObject(); else out.writeStartObject(key);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw unsupported(attribute, "a map key of type " + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
                }
                write(out, k, e.getValue(), attribute);
            }
            out.writeEnd();
        } else if (value instanceof Collection<?> list) {
            if (key == null) out.writeStartArray(); else out.writeStartArray(key);
            for (Object element : list) {
                write(out, null, element, attribute);
            }
            out.writeEnd();
        } else {
            throw unsupported(attribute, value.getClass().getName());
        }
    }

    private static IllegalArgumentException unsupported(String attribute, String what) {
        return new IllegalArgumentException("Session attribute '" + attribute + "' cannot be stored as JSON: " + what
                + " is not a string, number, boolean, list or map with string keys (SESSION_SERIALIZATION_FORMAT=json)");
    }

    @Override
    public Object decode(String name, byte[] bytes) {
        try (JsonReader reader = readers.createReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
            return toJava(reader.readValue());
        } catch (RuntimeException e) {
            throw new UndecodableAttributeException(name, e);
        }
    }

    private static Object toJava(JsonValue value) {
        return switch (value.getValueType()) {
            case NULL -> null;
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> number((JsonNumber) value);
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonValue element : (JsonArray) value) {
                    list.add(toJava(element));
                }
                yield list;
            }
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonValue> e : ((JsonObject) value).entrySet()) {
                    map.put(e.getKey(), toJava(e.getValue()));
                }
                yield map;
            }
        };
    }

    private static Object number(JsonNumber n) {
        if (!n.isIntegral()) {
            return n.doubleValue();
        }
        BigInteger i = n.bigIntegerValue();
        if (i.bitLength() < 32) {
            return i.intValue();
        }
        return i.bitLength() < 64 ? (Object) i.longValue() : i;
    }
}
