package dev.serversessions.codec;

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
     * Decodes a value.
     *
     * @throws UndecodableAttributeException when the bytes are corrupt, or name a class that is
     *                                       gone, changed or not allowed
     */
    Object decode(String name, byte[] bytes);
}
