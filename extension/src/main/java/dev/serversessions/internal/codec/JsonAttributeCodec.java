package dev.serversessions.internal.codec;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
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
 *
 * <p>Any other value (the application's classes and records, enums, {@code java.time} types)
 * is written by JSON-B, the runtime's Yasson, as the plain JSON document JSON-B makes of it: no
 * type marker, nothing another language has to skip. Reading gives the generic structure
 * (maps, lists, strings, numbers) as for any JSON; {@link #bind} turns it into the class the
 * application names in {@code get(name, Cart.class)}, and only that class: stored data never
 * chooses what is instantiated.
 */
public final class JsonAttributeCodec implements AttributeCodec {
    /** How much of a JSON document an error message quotes. */
    private static final int QUOTE_CHARS = 160;
    /**
     * Factories made once: {@code JsonProvider.provider()} and {@code Json.*} look the provider
     * up through {@code ServiceLoader} on every call.
     */
    private final JsonGeneratorFactory generators;
    private final JsonReaderFactory readers;
    /** Made on first use: an application that stores only plain JSON never needs JSON-B. */
    private volatile Jsonb jsonb;

    public JsonAttributeCodec() {
        JsonProvider json = JsonProvider.provider();
        this.generators = json.createGeneratorFactory(Map.of());
        this.readers = json.createReaderFactory(Map.of());
    }

    private Jsonb jsonb() {
        Jsonb made = jsonb;
        if (made == null) {
            synchronized (this) {
                made = jsonb;
                if (made == null) {
                    made = JsonbBuilder.create();
                    jsonb = made;
                }
            }
        }
        return made;
    }

    @Override
    public byte[] encode(String name, Object value) {
        if (isObject(value)) {
            return toJson(name, value).getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator generator = generators.createGenerator(bytes, StandardCharsets.UTF_8)) {
            write(generator, null, value, name);
        }
        return bytes.toByteArray();
    }

    /**
     * Encodes, and refuses an object that JSON-B cannot read back as it wrote it: a later
     * {@code get(name, Type)} would fail, or silently lose what was not written (a field
     * without a getter), when the application can no longer be told why.
     */
    @Override
    public byte[] encodeForPut(String name, Object value) {
        byte[] encoded = encode(name, value);
        checkObjectsRoundTrip(name, value);
        return encoded;
    }

    private void checkObjectsRoundTrip(String attribute, Object value) {
        if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> checkObjectsRoundTrip(attribute, v));
        } else if (value instanceof Collection<?> list) {
            list.forEach(v -> checkObjectsRoundTrip(attribute, v));
        } else if (isObject(value)) {
            Class<?> type = value instanceof Enum<?> e ? e.getDeclaringClass() : value.getClass();
            String written = toJson(attribute, value);
            Object back;
            try {
                back = jsonb().fromJson(written, type);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Session attribute '" + attribute + "' cannot be stored as JSON: JSON-B cannot "
                        + "read a " + type.getName() + " back (it needs a public or protected no-argument constructor, or a "
                        + "@JsonbCreator constructor or factory method, and setters or public fields for what it writes): "
                        + reason(e), e);
            }
            String reread = toJson(attribute, back);
            if (!parse(written).equals(parse(reread))) {
                throw new IllegalArgumentException("Session attribute '" + attribute + "' cannot be stored as JSON: JSON-B reads "
                        + "a " + type.getName() + " back as " + quote(reread) + " after writing " + quote(written)
                        + " (give what it loses a setter or a @JsonbCreator parameter; a Set it writes in another order "
                        + "should be a List or a sorted set)");
            }
        }
    }

    private String toJson(String attribute, Object value) {
        try {
            return jsonb().toJson(value);
        } catch (RuntimeException | StackOverflowError e) {
            // a cycle in the object graph is a StackOverflowError where JSON-B does not detect it
            throw new IllegalArgumentException("Session attribute '" + attribute + "' cannot be stored as JSON: JSON-B cannot "
                    + "write the " + value.getClass().getName() + " (" + (e instanceof StackOverflowError
                    ? "it refers to itself, directly or through other objects" : reason(e)) + ")", e);
        }
    }

    /** The attribute as the application's class; null for the types plain JSON reads as themselves. */
    @Override
    public Object bind(String name, Object value, Class<?> type) {
        if (type.isPrimitive() || type == String.class || type == Boolean.class || Number.class.isAssignableFrom(type)
                || Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
            return null;
        }
        String json = new String(encode(name, value), StandardCharsets.UTF_8);
        try {
            return jsonb().fromJson(json, type);
        } catch (RuntimeException e) {
            throw new ClassCastException("Session attribute '" + name + "' cannot be read as a " + type.getName() + ": "
                    + reason(e));
        }
    }

    private JsonValue parse(String json) {
        try (JsonReader reader = readers.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    /** The innermost message of a JSON-B failure: its outer ones repeat the class name. */
    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return cause == e ? message : e.getMessage() + ": " + message;
    }

    private static String quote(String json) {
        return json.length() <= QUOTE_CHARS ? json : json.substring(0, QUOTE_CHARS) + "...";
    }

    /** Whether JSON-B writes the value: anything but plain JSON's own types. */
    private static boolean isObject(Object value) {
        return value != null && !(value instanceof String || value instanceof Boolean || value instanceof Map<?, ?>
                || value instanceof Collection<?> || value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger || value instanceof Double || value instanceof Float
                || value instanceof BigDecimal);
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
            // an object inside a list or map: JSON-B writes it, as it would at the top
            JsonValue object = parse(toJson(attribute, value));
            if (key == null) out.write(object); else out.write(key, object);
        }
    }

    private static IllegalArgumentException unsupported(String attribute, String what) {
        return new IllegalArgumentException("Session attribute '" + attribute + "' cannot be stored as JSON: " + what
                + " is not a string key (SESSION_SERIALIZATION_FORMAT=json writes maps as JSON objects)");
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
