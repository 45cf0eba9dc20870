package dev.serversessions.internal.backend;

import dev.serversessions.api.SessionType;
import dev.serversessions.internal.config.ConfigValues;

/** Loads a type's {@link BackendProvider} by name, after checking that its client is present. */
public final class BackendProviders {
    private BackendProviders() {
    }

    /**
     * The provider of {@code type}, or null after recording a problem that names the missing
     * library.
     */
    public static BackendProvider load(SessionType type, ClassLoader loader, ConfigValues values) {
        if (!type.isAvailable(loader)) {
            values.problem("SESSION_TYPE=" + type.configName() + " needs " + type.clientClass().orElse("?")
                    + " on the class path: add the backend's client library to the WAR (see README)");
            return null;
        }
        try {
            return (BackendProvider) Class.forName(type.providerClass(), true, loader)
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            values.problem("SESSION_TYPE=" + type.configName() + " could not load " + type.providerClass() + ": " + e);
            return null;
        }
    }
}
