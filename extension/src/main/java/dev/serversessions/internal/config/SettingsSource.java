package dev.serversessions.internal.config;

import java.util.Map;
import java.util.Optional;

/**
 * Where {@code SESSION_*} values come from: MicroProfile Config in a runtime that has it,
 * otherwise system properties then environment variables.
 */
@FunctionalInterface
public interface SettingsSource {

    /** The raw value of a key; blank counts as unset, as in MicroProfile Config. */
    Optional<String> get(String key);

    /** A fixed map, for tests and for applications that configure in code. */
    static SettingsSource of(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    /**
     * MicroProfile Config of {@code loader} when its API and an implementation are present,
     * otherwise system properties and environment variables (the ordinals MicroProfile Config
     * itself would give them).
     */
    static SettingsSource forApplication(ClassLoader loader) {
        try {
            Class.forName("org.eclipse.microprofile.config.ConfigProvider", false, loader);
            return MicroProfileSettingsSource.of(loader);
        } catch (ClassNotFoundException | LinkageError | IllegalStateException e) {
            return key -> Optional.ofNullable(System.getProperty(key))
                    .or(() -> Optional.ofNullable(System.getenv(key)))
                    .filter(v -> !v.isBlank());
        }
    }
}
