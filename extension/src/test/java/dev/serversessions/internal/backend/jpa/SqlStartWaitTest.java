package dev.serversessions.internal.backend.jpa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.backend.ConcurrentWaits;
import dev.serversessions.internal.backend.SilentServer;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.config.SettingsSource;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The first connection is made under the backend's start-up lock. Against a database that does
 * not answer, the drivers' own defaults wait forever (PostgreSQL's socket timeout, MariaDB's)
 * and every request queued for the lock would wait for that; with the drivers' timeouts set and
 * the lock waited for only until the request's deadline, each request gets its 503 in time.
 */
class SqlStartWaitTest {
    private static final int TIMEOUT_SECONDS = 1;
    /** Building the EclipseLink factory on first use and scheduling 20 threads on a busy machine. */
    private static final long BOUND_MS = TIMEOUT_SECONDS * 1000 + 1500;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdbc:postgresql://127.0.0.1:%d/app?user=u&password=p", "jdbc:mariadb://127.0.0.1:%d/app?user=u&password=p"})
    void requestsWaitingForTheFirstConnectionToASilentDatabaseGiveUpInTime(String url) throws Exception {
        try (SilentServer database = new SilentServer()) {
            ConfigValues values = new ConfigValues(SettingsSource.of(Map.of("SESSION_TYPE", "sqlalchemy",
                    "SESSION_SQLALCHEMY", String.format(url, database.port()),
                    "SESSION_SQLALCHEMY_TIMEOUT", String.valueOf(TIMEOUT_SECONDS))));
            JpaBackendProvider provider = new JpaBackendProvider();
            provider.validate(values);
            values.throwIfInvalid();
            SessionBackend backend = provider.create(new BackendContext(SessionSettings.read(values), values, ClientLookup.NONE));
            try {
                List<Long> millis = ConcurrentWaits.failedLoads(backend, 20);
                long slowest = Collections.max(millis);
                System.out.println(url.substring(0, url.indexOf(':', 5)) + " first connection to a silent database: 20 requests,"
                        + " slowest 503 after " + slowest + " ms");
                assertTrue(slowest <= BOUND_MS, "a request waited " + slowest + " ms: " + millis);
            } finally {
                backend.close();
            }
        }
    }
}
