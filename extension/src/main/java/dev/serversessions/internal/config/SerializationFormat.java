package dev.serversessions.internal.config;

/** How attribute values become the bytes a store keeps ({@code SESSION_SERIALIZATION_FORMAT}). */
public enum SerializationFormat {
    /** Java serialization, read back through an allowlist filter. */
    JAVA,
    /** JSON text: strings, numbers, booleans, lists and maps, readable from any language. */
    JSON
}
