package dev.serversessions.internal.backend.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.internal.session.SessionIds;
import dev.serversessions.testsupport.MemcachedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keys, their validation, and the application's own client. */
class MemcachedBackendProviderTest {
    private static final SessionIds IDS = new SessionIds(32, null);
    private static MemcachedServer memcached;

    @BeforeAll
    static void startMemcached() {
        memcached = MemcachedServer.start();
    }

    @AfterAll
    static void stopMemcached() {
        memcached.close();
    }

    private static List<String> problems(Map<String, String> keys) {
        ConfigValues values = new ConfigValues(SettingsSource.of(keys));
        new MemcachedBackendProvider().validate(values);
        return values.problems();
    }

    @Test
    void defaultsNeedNoKey() {
        ConfigValues values = new ConfigValues(SettingsSource.of(Map.of()));
        MemcachedSettings settings = MemcachedSettings.read(values);
        assertEquals(List.of(), values.problems());
        assertEquals("[127.0.0.1:11211]", settings.nodes().toString());
        assertEquals(Duration.ofMillis(1000), settings.timeout());
        assertEquals(1024 * 1024, settings.maxItemBytes());
    }

    @Test
    void aNodeListIsParsedInOrder() {
        ConfigValues values = new ConfigValues(SettingsSource.of(Map.of("SESSION_MEMCACHED", "cache-a:11211, 10.0.0.2:11212,[::1]:11213")));
        assertEquals("[cache-a:11211, 10.0.0.2:11212, [::1]:11213]", MemcachedSettings.read(values).nodes().toString());
        assertEquals(List.of(), values.problems());
    }

    @Test
    void everyBadValueIsReportedWithItsKeyAndWhatIsAllowed() {
        List<String> problems = problems(Map.of(
                "SESSION_MEMCACHED", "localhost",
                "SESSION_MEMCACHED_TIMEOUT_MS", "soon",
                "SESSION_MEMCACHED_MAX_ITEM_BYTES", "-5"));
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("SESSION_MEMCACHED=localhost is not a comma list of host:port"), problems.get(0));
        assertTrue(problems.get(1).startsWith("SESSION_MEMCACHED_TIMEOUT_MS=soon is not a whole number"), problems.get(1));
        assertTrue(problems.get(2).startsWith("SESSION_MEMCACHED_MAX_ITEM_BYTES=-5 must be a whole number of at least 1024"), problems.get(2));
    }

    @Test
    void timeoutsAreBounded() {
        assertEquals(List.of("SESSION_MEMCACHED_TIMEOUT_MS=0 must be a whole number of at least 1"),
                problems(Map.of("SESSION_MEMCACHED_TIMEOUT_MS", "0")));
        assertEquals(List.of("SESSION_MEMCACHED_TIMEOUT_MS=600000 must be a number of milliseconds from 1 to 60000"),
                problems(Map.of("SESSION_MEMCACHED_TIMEOUT_MS", "600000")));
    }

    @Test
    void keysLongerThanMemcachedAllowsFailTheDeployment() {
        String prefix = "p".repeat(100);
        List<String> problems = problems(Map.of("SESSION_KEY_PREFIX", prefix, "SESSION_ID_LENGTH", "128"));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("SESSION_KEY_PREFIX=" + prefix + " with SESSION_ID_LENGTH=128 makes memcached keys of 271 bytes,"
                + " but memcached allows at most 250: shorten the prefix or the id length", problems.get(0));

        assertEquals(List.of(), problems(Map.of("SESSION_KEY_PREFIX", prefix, "SESSION_ID_LENGTH", "112")), "100 + 150 bytes fit");
        assertEquals(List.of(), problems(Map.of("SESSION_ID_LENGTH", "many")), "the general settings report that one");
    }

    @Test
    void theApplicationsClientIsUsedAndNeverShutDown() throws Exception {
        MemcachedClient client = new MemcachedClient(new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).build(),
                List.of(new InetSocketAddress("127.0.0.1", memcached.port())));
        try {
            SessionBackend backend = create(Map.of("SESSION_MEMCACHED", "127.0.0.1:1"), client);
            assertEquals("memcached 127.0.0.1:" + memcached.port() + " (the application's MemcachedClient)", backend.describe());
            String id = IDS.generate();
            assertTrue(backend.apply(id, new ChangeSet(Map.of("a", "1".getBytes(StandardCharsets.UTF_8)), Set.of(),
                    Instant.now(), Instant.now().plusSeconds(60), true)));
            assertArrayEquals("1".getBytes(StandardCharsets.UTF_8), backend.load(id).orElseThrow().attributes().get("a"));

            backend.close();

            assertTrue(client.set("still-open", 60, "yes").get(), "the application's client still works");
        } finally {
            client.shutdown();
        }
    }

    /**
     * The application built its client before the backend existed, so spymemcached set up its
     * default logger (standard error, keys in clear); once the backend uses the client, a dead
     * node's warnings reach the log as they do from our own client: through java.util.logging,
     * without session ids.
     */
    @Test
    void theApplicationsClientLogsWithoutSessionIdsLikeOurOwn() throws Exception {
        Field factory = net.spy.memcached.compat.log.LoggerFactory.class.getDeclaredField("instance");
        factory.setAccessible(true);
        factory.set(null, null); // as in a fresh class loader: nothing chose spymemcached's logger yet
        List<String> julRecords = new java.util.concurrent.CopyOnWriteArrayList<>(); // spymemcached threads may still log while the test reads it
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (julRecords) {
                    julRecords.add(record.getLoggerName() + " " + new SimpleFormatter().formatMessage(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Level rootLevel = root.getLevel();
        ByteArrayOutputStream standardError = new ByteArrayOutputStream();
        PrintStream originalError = System.err;
        MemcachedServer second = MemcachedServer.start();
        List<String> ids = new ArrayList<>();
        System.setErr(new PrintStream(standardError, true, StandardCharsets.UTF_8));
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        try {
            MemcachedClient client = new MemcachedClient(new ConnectionFactoryBuilder()
                    .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).setOpTimeout(500).build(),
                    List.of(new InetSocketAddress("127.0.0.1", memcached.port()), new InetSocketAddress("127.0.0.1", second.port())));
            try {
                SessionBackend backend = create(Map.of("SESSION_MEMCACHED_TIMEOUT_MS", "500"), client);
                for (int i = 0; i < 20; i++) {
                    String id = IDS.generate();
                    ids.add(id);
                    backend.apply(id, new ChangeSet(Map.of("a", new byte[] {1}), Set.of(), Instant.now(),
                            Instant.now().plusSeconds(60), true));
                }
                second.kill();
                for (String id : ids) {
                    try {
                        backend.load(id);
                    } catch (SessionStoreUnavailableException e) {
                        // the commands in flight when the node died
                    }
                }
                Thread.sleep(1000); // spymemcached logs from its own thread
            } finally {
                client.shutdown(2, TimeUnit.SECONDS);
            }
        } finally {
            root.removeHandler(capture);
            root.setLevel(rootLevel);
            System.setErr(originalError);
            second.close();
        }
        String logged = standardError.toString(StandardCharsets.UTF_8) + String.join("\n", julRecords);
        for (String id : ids) {
            assertFalse(logged.contains(id), "a session id in the log: " + logged);
        }
        assertTrue(julRecords.stream().anyMatch(r -> r.startsWith("net.spy.memcached.MemcachedConnection")),
                "the client's connection logs through java.util.logging: " + julRecords);
    }

    @Test
    void aTextProtocolClientIsRefusedNamingTheRemedy() throws IOException {
        MemcachedClient client = new MemcachedClient(new InetSocketAddress("127.0.0.1", memcached.port()));
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> create(Map.of(), client));
            assertTrue(refused.getMessage().contains("Protocol.BINARY"), refused.getMessage());
        } finally {
            client.shutdown();
        }
    }

    private static SessionBackend create(Map<String, String> keys, MemcachedClient client) {
        Map<String, String> all = new HashMap<>(keys);
        all.put("SESSION_TYPE", "memcached");
        ConfigValues values = new ConfigValues(SettingsSource.of(all));
        SessionSettings settings = SessionSettings.read(values);
        ClientLookup lookup = new ClientLookup() {
            @Override
            public <T> Optional<T> find(Class<T> type, SessionType store) {
                return type == MemcachedClient.class && store == SessionType.MEMCACHED ? Optional.of(type.cast(client)) : Optional.empty();
            }
        };
        return new MemcachedBackendProvider().create(new BackendContext(settings, values, lookup));
    }
}
