package dev.serversessions.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.config.InvalidSettingsException;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.internal.session.SessionRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A store password with {@code / @ : ; %} in every URL form each backend accepts, through every
 * path that reports it: the deployment problems of config validation, the start-up log line,
 * the outage (the exception the filter logs, with its causes, and every log record meanwhile)
 * and the readiness check. Nothing may show the password or any three characters of it.
 */
class StorePasswordDisclosureTest {
    /** Every character that breaks naive URL parsing, and nothing that reads like other text. */
    private static final String HOSTILE = "Pw/S3@c:r;e%tX";
    private static final String ENCODED = URLEncoder.encode(HOSTILE, StandardCharsets.UTF_8);
    /** Without the '@' and with '%' escaped: what a Redis URL may hold unencoded. */
    private static final String NO_AT = "Pw/S3c:r;e%25tX";

    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(format.format(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level rootLevel;

    @BeforeEach
    void captureEveryLogRecord() {
        Logger root = Logger.getLogger("");
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger root = Logger.getLogger("");
        root.removeHandler(capture);
        root.setLevel(rootLevel);
    }

    static Stream<Arguments> urlForms() throws IOException {
        int a = closedPort();
        int b = closedPort();
        String ours = "127.0.0.1:" + a;
        String two = "127.0.0.1:" + a + ",127.0.0.1:" + b;
        return Stream.of(
                // Redis: an unencoded '@' is an error naming the key; the rest reaches the store
                form("redis user and unencoded password", HOSTILE, "redis", "SESSION_REDIS", "redis://alice:" + HOSTILE + "@" + ours + "/0"),
                form("rediss unencoded password", HOSTILE, "redis", "SESSION_REDIS", "rediss://:" + HOSTILE + "@" + ours),
                form("redis encoded password", HOSTILE, "redis", "SESSION_REDIS", "redis://alice:" + ENCODED + "@" + ours + "/0"),
                form("redis raw / : ; and %25", HOSTILE, "redis", "SESSION_REDIS", "redis://alice:" + NO_AT + "@" + ours + "/2"),
                form("redis bad % escape", "Pw/S3c%zzX", "redis", "SESSION_REDIS", "redis://:Pw/S3c%zzX@" + ours),
                form("rediss encoded password", HOSTILE, "redis", "SESSION_REDIS", "rediss://:" + ENCODED + "@" + ours),
                form("redis cluster seeds", HOSTILE, "redis", "SESSION_REDIS", "redis://:" + ENCODED + "@" + two,
                        "SESSION_REDIS_MODE", "cluster"),
                form("redis cluster seeds, unencoded", HOSTILE, "redis", "SESSION_REDIS", "redis://:" + HOSTILE + "@" + two,
                        "SESSION_REDIS_MODE", "cluster"),
                form("redis sentinels", HOSTILE, "redis", "SESSION_REDIS", "redis://:" + ENCODED + "@" + two,
                        "SESSION_REDIS_MODE", "sentinel", "SESSION_REDIS_MASTER", "mymaster",
                        "SESSION_REDIS_SENTINEL_PASSWORD", HOSTILE),
                form("redis one host too many", HOSTILE, "redis", "SESSION_REDIS", "redis://:" + ENCODED + "@" + two),
                // MongoDB
                form("mongodb unencoded password", HOSTILE, "mongodb", "SESSION_MONGODB",
                        "mongodb://alice:" + HOSTILE + "@" + ours + "/?authSource=admin"),
                form("mongodb encoded password, two hosts", HOSTILE, "mongodb", "SESSION_MONGODB",
                        "mongodb://alice:" + ENCODED + "@" + two + "/app?authSource=admin"),
                form("mongodb+srv unencoded password", HOSTILE, "mongodb", "SESSION_MONGODB",
                        "mongodb+srv://alice:" + HOSTILE + "@cluster0.example.net/?retryWrites=true"),
                form("mongodb bad port", HOSTILE, "mongodb", "SESSION_MONGODB",
                        "mongodb://alice:" + ENCODED + "@127.0.0.1:notaport/"),
                // JDBC
                form("postgresql ?user&password", HOSTILE, "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:postgresql://" + ours + "/app?user=alice&password=" + HOSTILE),
                form("postgresql ?password first", HOSTILE, "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:postgresql://" + ours + "/app?password=" + HOSTILE + "&user=alice&connectTimeout=1"),
                form("postgresql sslpassword", HOSTILE, "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:postgresql://" + ours + "/app?user=alice&sslpassword=" + HOSTILE),
                form("mariadb ?password", HOSTILE, "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:mariadb://" + ours + "/app?user=alice&password=" + HOSTILE),
                form("mariadb user:password@", HOSTILE, "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:mariadb://alice:" + HOSTILE + "@" + ours + "/app"),
                form("mysql user:password@", HOSTILE, "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:mysql://alice:" + HOSTILE + "@" + ours + "/app"),
                form("mysql ;password=", "Pw/S3@c:re%tX", "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:mysql://" + ours + "/app;user=alice;password=Pw/S3@c:re%tX"),
                form("sqlserver ;password={...};", HOSTILE, "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:sqlserver://" + ours + ";databaseName=app;user=alice;password={" + HOSTILE + "};encrypt=false"),
                form("sqlserver ;password=...;", "Pw/S3@c:re%tX", "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:sqlserver://" + ours + ";user=alice;password=Pw/S3@c:re%tX;encrypt=false"),
                form("oracle thin user/password@", HOSTILE, "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:oracle:thin:alice/" + HOSTILE + "@" + ours + ":xe"),
                form("h2 ;PASSWORD=", "Pw/S3@c:re%tX", "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:h2:mem:disclosure;USER=sa;PASSWORD=Pw/S3@c:re%tX"),
                form("a JDBC URL with a space", HOSTILE, "sqlalchemy", "SESSION_SQLALCHEMY",
                        "jdbc:postgresql://" + ours + "/app?user=alice&password=" + HOSTILE + " x"));
    }

    private static Arguments form(String name, String password, String type, String key, String value, String... more) {
        Map<String, String> keys = new HashMap<>();
        keys.put("SESSION_TYPE", type);
        keys.put(key, value);
        keys.put("SESSION_REDIS_TIMEOUT_MS", "300");
        keys.put("SESSION_MONGODB_TIMEOUT_MS", "300");
        keys.put("SESSION_SQLALCHEMY_TIMEOUT", "1");
        for (int i = 0; i < more.length; i += 2) {
            keys.put(more[i], more[i + 1]);
        }
        return Arguments.of(name, password, keys);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urlForms")
    void thePasswordIsNeverLoggedReportedOrShownByTheHealthCheck(String name, String password, Map<String, String> keys) {
        StringBuilder shown = new StringBuilder();
        SessionRuntime runtime;
        try {
            runtime = SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), Clock.systemUTC());
        } catch (InvalidSettingsException e) {
            shown.append(String.join("\n", e.problems())).append('\n').append(stackTrace(e));
            assertNoPiece(password, shown + String.join("\n", logged), name);
            if (keys.toString().contains(HOSTILE + "@") && keys.get("SESSION_TYPE").equals("redis")) {
                assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("SESSION_REDIS=") && p.contains("'@'")),
                        "an unencoded @ is an error naming the key: " + e.problems());
            }
            return;
        }
        if (keys.getOrDefault("SESSION_MONGODB", "").startsWith("mongodb+srv:")) {
            assertNoPiece(password, String.join("\n", logged), name);
            return; // connecting would look the name up in DNS, which tests never do
        }
        SessionBackend backend = runtime.activeBackend();
        try {
            shown.append(backend.describe()).append('\n');
            try {
                backend.load(runtime.ids().generate());
            } catch (SessionStoreUnavailableException e) {
                shown.append(e.getMessage()).append('\n').append(stackTrace(e));
            } catch (RuntimeException e) {
                shown.append(stackTrace(e)); // whatever escapes reaches the server log too
            }
            HealthCheckResponse health = SessionStoreReadiness.check(runtime);
            String reported = health.getName() + " " + health.getStatus() + " " + health.getData().orElseThrow();
            shown.append(reported).append('\n');
            if (!name.startsWith("h2")) {
                assertEquals(HealthCheckResponse.Status.DOWN, health.getStatus(), reported);
            }
            assertEquals(Map.of("type", keys.get("SESSION_TYPE")), health.getData().orElseThrow(),
                    "the readiness check tells the store kind, no host, user or error");
        } finally {
            backend.close();
        }
        synchronized (logged) {
            shown.append(String.join("\n", logged));
        }
        assertNoPiece(password, shown.toString(), name);
        assertFalse(shown.toString().contains(ENCODED), name + ": the encoded password is the password");
    }

    @org.junit.jupiter.api.Test
    void anUnencodedAtInARedisPasswordIsAnErrorNamingTheKeyNotAnotherHost() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> SessionRuntime.create(
                SettingsSource.of(Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://:p@ss@redis.internal:6379/0")),
                getClass().getClassLoader(), Clock.systemUTC()));
        assertEquals(List.of("SESSION_REDIS=redis://***@redis.internal:6379/0 has an '@' in its user or password; write it as %40"
                + " there; expected redis[s]://[user:password@]host:port[/db]"), e.problems());
    }

    /** Fails if {@code text} holds the password or any three characters of it in a row. */
    private static void assertNoPiece(String password, String text, String form) {
        for (int i = 0; i + 3 <= password.length(); i++) {
            String piece = password.substring(i, i + 3);
            int at = text.indexOf(piece);
            assertTrue(at < 0, form + ": '" + piece + "' of the password shows in: "
                    + (at < 0 ? "" : text.substring(Math.max(0, at - 200), Math.min(text.length(), at + 100))));
        }
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
