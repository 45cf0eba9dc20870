package dev.serversessions.internal.codec;

import dev.serversessions.internal.config.SessionSettings;

/** Chooses the codec that {@code SESSION_SERIALIZATION_FORMAT} names. */
public final class AttributeCodecs {
    private AttributeCodecs() {
    }

    /**
     * The configured codec; Java serialization resolves classes through {@code appLoader}, the
     * application's class loader.
     */
    public static AttributeCodec forSettings(SessionSettings settings, ClassLoader appLoader) {
        return switch (settings.serializationFormat()) {
            case JAVA -> new JavaAttributeCodec(appLoader, settings.serializationAllowlist(),
                    RuntimeStateSeal.of(settings.secretKey(), settings.secretKeyFallbacks()));
            case JSON -> new JsonAttributeCodec();
        };
    }
}
