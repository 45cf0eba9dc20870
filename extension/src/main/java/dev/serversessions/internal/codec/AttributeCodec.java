package dev.serversessions.internal.codec;

/**
 * Turns attribute values into the opaque bytes a backend stores, and back. Codecs run in the
 * core so that every backend stores bytes per attribute and change detection is a byte compare.
 */
public interface AttributeCodec {

    /**
     * Encodes a value.
     *
     * @throws IllegalArgumentException naming the attribute and the offending type when the
     *                                  value cannot be encoded
     */
    byte[] encode(String name, Object value);

    /**
     * Encodes a value the application is putting: the place to refuse what {@link #decode} would
     * refuse later, while the application can still be told why.
     *
     * @throws IllegalArgumentException naming the attribute and the reason
     */
    default byte[] encodeForPut(String name, Object value) {
        return encode(name, value);
    }

    /**
     * Decodes a value.
     *
     * @throws UndecodableAttributeException when the bytes are corrupt, or name a class that is
     *                                       gone, changed or not allowed
     */
    Object decode(String name, byte[] bytes);

    /**
     * The attribute's value as an instance of {@code type}, for a format that binds stored data
     * to the application's classes; null where it does not (the caller then reports the type
     * mismatch). Binding goes only to the type the application names, never to a type the
     * stored data names.
     *
     * @param value the attribute's current value (decoded, put, or bound earlier)
     * @throws ClassCastException naming the attribute when the value does not fit the type
     */
    default Object bind(String name, Object value, Class<?> type) {
        return null;
    }
}
