package dev.serversessions.internal.session;

import dev.serversessions.internal.config.SettingsSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** For the tests of the request rules' parts: a runtime on a filesystem store, and the attributes the parts share. */
final class RequestParts {
    private RequestParts() {
    }

    /** A runtime storing in {@code dir}, with these settings besides ({@code key, value, key, value...}). */
    static SessionRuntime runtime(Path dir, String... keysAndValues) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.toString()));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            keys.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return SessionRuntime.create(SettingsSource.of(keys), RequestParts.class.getClassLoader(), Clock.systemUTC());
    }

    /** Attributes without a size limit, where undecodable stored data fails the test. */
    static SessionAttributes attributes(SessionRuntime runtime) {
        return new SessionAttributes(runtime.codec(), () -> Long.MAX_VALUE, e -> {
            throw e;
        });
    }
}
