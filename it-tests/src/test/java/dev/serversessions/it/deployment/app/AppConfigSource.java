package dev.serversessions.it.deployment.app;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The application's own MicroProfile Config source: it configures the application
 * ({@code app.greeting}) and, through the normal ordinals, the session cookie's name too.
 */
public class AppConfigSource implements ConfigSource {
    private static final Map<String, String> VALUES = Map.of(
            "app.greeting", "hello from the application's own config source",
            "SESSION_COOKIE_NAME", "notes_session");

    @Override
    public Set<String> getPropertyNames() {
        return VALUES.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return VALUES.get(propertyName);
    }

    @Override
    public String getName() {
        return "application";
    }

    @Override
    public int getOrdinal() {
        return 150;
    }
}
