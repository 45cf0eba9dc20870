package dev.serversessions.internal.config;

import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads keys through MicroProfile Config; loaded only when its API is on the class path. */
final class MicroProfileSettingsSource implements SettingsSource {
    private final Config config;

    private MicroProfileSettingsSource(Config config) {
        this.config = config;
    }

    static SettingsSource of(ClassLoader loader) {
        return new MicroProfileSettingsSource(ConfigProvider.getConfig(loader));
    }

    @Override
    public Optional<String> get(String key) {
        return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank());
    }
}
