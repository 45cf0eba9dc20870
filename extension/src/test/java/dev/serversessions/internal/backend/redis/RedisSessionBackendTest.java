package dev.serversessions.internal.backend.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.SessionType;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.backend.SessionBackendContract;
import dev.serversessions.testsupport.RedisMonitor;
import dev.serversessions.testsupport.RedisMonitor.Command;
import dev.serversessions.testsupport.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** The backend contract against a standalone redis-server, plus what only Redis can show. */
class RedisSessionBackendTest extends SessionBackendContract {
    private static Path dir;
    private static RedisServer redis;
    private final List<SessionBackend> extraBackends = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        dir = Files.createTempDirectory("redis-backend-test");
        redis = RedisServer.persistent(dir);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeExtraBackends() {
        extraBackends.forEach(SessionBackend::close);
    }

    @Override
    protected SessionBackend createBackend(String keyPrefix) {
        return RedisBackends.fromKeys(Map.of("SESSION_REDIS", "redis://127.0.0.1:" + redis.port()), keyPrefix);
    }

    @Override
    protected String storeDump() {
        try (Jedis admin = redis.admin()) {
            return RedisBackends.dump(admin);
        }
    }

    @Override
    protected long storedOwnerEntries(SessionBackend backend, String owner) {
        try (Jedis admin = redis.admin()) {
            return admin.zcard(((RedisSessionBackend) backend).ownerIndexKey(owner));
        }
    }

    @Test
    void aUsersIndexIsASortedSetThatExpiresWithItsLastEntry() {
        SessionBackend backend = backend("owners:");
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(30)));
        backend.ownerIndex().orElseThrow().add("erin", id, inMinutes(60));

        try (Jedis admin = redis.admin()) {
            byte[] key = ((RedisSessionBackend) backend).ownerIndexKey("erin");
            assertEquals("zset", admin.type(key));
            long ttl = admin.pttl(key);
            assertTrue(ttl > 59 * 60_000 && ttl <= 60 * 60_000, "the index key expires with its last entry: " + ttl);
        }
    }

    @Test
    void aSessionIsOneHashWithPrefixedFieldsAndTheKeysOwnExpiry() {
        SessionBackend backend = backend("layout:");
        String id = IDS.generate();
        Instant created = Instant.now();
        backend.apply(id, create(Map.of("user", bytes("alice"), "m:created", bytes("an attribute, not metadata")), inMinutes(30)));

        try (Jedis admin = redis.admin()) {
            String key = "layout:" + id;
            assertEquals("hash", admin.type(key));
            assertEquals(Set.of("a:user", "a:m:created", "m:created", "m:expires"), admin.hkeys(key));
            assertEquals("alice", admin.hget(key, "a:user"));
            assertTrue(Math.abs(Long.parseLong(admin.hget(key, "m:created")) - created.toEpochMilli()) < 2000);
            long ttl = admin.pttl(key);
            assertTrue(ttl > 29 * 60_000 && ttl <= 30 * 60_000, "ttl " + ttl);
        }
        Map<String, byte[]> loaded = backend.load(id).orElseThrow().attributes();
        assertArrayEquals(bytes("an attribute, not metadata"), loaded.get("m:created"));
        assertEquals(Set.of("user", "m:created"), loaded.keySet());
    }

    @Test
    void everyOperationIsOneRoundTrip() throws Exception {
        SessionBackend backend = backend();
        String id = IDS.generate();
        try (RedisMonitor monitor = new RedisMonitor(redis.port())) {
            backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(30)));
            backend.touch(id, inMinutes(30)); // warm: scripts cached, connection made
            backend.changeId(id, id + "x");
            backend.changeId(id + "x", id);
            monitor.commandsSinceLastMark();

            backend.load(id);
            List<Command> load = monitor.commandsSinceLastMark();
            backend.apply(id, change(Map.of("b", bytes("2"), "c", bytes("3")), Set.of("a"), inMinutes(32)));
            List<Command> apply = monitor.commandsSinceLastMark();
            backend.touch(id, inMinutes(33));
            List<Command> touch = monitor.commandsSinceLastMark();
            backend.changeId(id, id + "y");
            List<Command> changeId = monitor.commandsSinceLastMark();
            backend.delete(id + "y");
            List<Command> delete = monitor.commandsSinceLastMark();

            assertEquals(List.of("HGETALL"), names(load, true), "a load is a plain read: " + load);
            assertEquals(List.of(), names(load, false), load.toString());
            assertEquals(List.of("EVALSHA"), names(apply, true), apply.toString());
            assertEquals(List.of("TYPE", "HSET", "HSET", "HDEL", "HSET", "PEXPIRE"), names(apply, false),
                    "only the changed fields are written, into a hash that is still there");
            assertEquals(List.of("EVALSHA"), names(touch, true));
            assertEquals(List.of("TYPE", "HSET", "PEXPIRE"), names(touch, false), "the slide is a touch, not a rewrite");
            assertEquals(List.of("EVALSHA"), names(changeId, true));
            assertEquals(List.of("DEL"), names(delete, true));
        }
    }

    private static List<String> names(List<Command> commands, boolean roundTrips) {
        return commands.stream().filter(c -> c.isRoundTrip() == roundTrips).map(Command::name).toList();
    }

    @Test
    void scriptsAreSentAgainWhenRedisForgetsThem() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(30)));
        try (Jedis admin = redis.admin()) {
            admin.scriptFlush();
        }
        assertTrue(backend.apply(id, change(Map.of("a", bytes("2")), Set.of(), inMinutes(30))));
        assertArrayEquals(bytes("2"), backend.load(id).orElseThrow().attributes().get("a"));
    }

    @Test
    void aRedisThatIsDownFailsNoDeploymentAndIsReportedWithItsAddress() {
        int port = RedisServer.freePort();
        SessionBackend backend = backend(Map.of("SESSION_REDIS", "redis://app:s3cret@127.0.0.1:" + port + "/2"));

        SessionStoreUnavailableException e = assertThrows(SessionStoreUnavailableException.class,
                () -> backend.load(IDS.generate()));
        assertEquals("redis 127.0.0.1:" + port + "/2", backend.describe());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void sessionsComeBackAfterRedisIsKilledAndRestarted() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(30)));
        // several pooled connections, which the kill leaves dead
        for (int i = 0; i < 5; i++) {
            backend.load(id);
        }

        redis.kill();
        try {
            assertThrows(SessionStoreUnavailableException.class, () -> backend.load(id));
        } finally {
            redis.restart();
        }

        assertArrayEquals(bytes("1"), backend.load(id).orElseThrow().attributes().get("a"),
                "the first request after the restart is served");
        assertTrue(backend.apply(id, change(Map.of("b", bytes("2")), Set.of(), inMinutes(30))));
    }

    @Test
    void passwordAndDatabaseOfTheUrlAreUsed() throws Exception {
        try (RedisServer secured = RedisServer.persistent(dir, "--requirepass", "s3cret:p@ss")) {
            SessionBackend backend = backend(Map.of("SESSION_REDIS", "redis://:s3cret%3Ap%40ss@127.0.0.1:" + secured.port() + "/3"));
            String id = IDS.generate();
            assertTrue(backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5))));
            try (Jedis admin = secured.admin()) {
                admin.auth("s3cret:p@ss");
                admin.select(3);
                assertTrue(admin.exists("session:" + id));
            }

            SessionBackend wrongPassword = backend(Map.of("SESSION_REDIS", "redis://:wrong@127.0.0.1:" + secured.port()));
            SessionStoreUnavailableException e = assertThrows(SessionStoreUnavailableException.class,
                    () -> wrongPassword.load(id));
            assertFalse(e.getMessage().contains("wrong"), e.getMessage());
        }
    }

    @Test
    void anApplicationsClientIsUsedAndNeverClosed() {
        try (UnifiedJedis own = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().build()).build()) {
            ClientLookup lookup = new ClientLookup() {
                @Override
                public <T> Optional<T> find(Class<T> type, SessionType store) {
                    return store == SessionType.REDIS && type == UnifiedJedis.class ? Optional.of(type.cast(own)) : Optional.empty();
                }
            };
            SessionBackend backend = RedisBackends.fromKeys(Map.of("SESSION_REDIS", "redis://127.0.0.1:1"), "own:", lookup);
            String id = IDS.generate();
            assertTrue(backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5))));
            backend.close();

            assertTrue(own.exists("own:" + id), "the application's client still works");
        }
    }

    /**
     * Keys another client wrote where a session should be: reported as malformed (the core
     * then logs once and starts a session under a new id), never as an outage, and left exactly
     * as they were, even by a sliding read.
     */
    @Test
    void aKeyOfAnotherTypeIsMalformedNotAnOutageAndIsLeftAlone() {
        SessionBackend backend = backend("foreign:");
        try (Jedis admin = redis.admin()) {
            for (String type : List.of("string", "list", "set", "zset")) {
                String id = IDS.generate();
                String key = "foreign:" + id;
                switch (type) {
                    case "string" -> admin.set(key, "not a session");
                    case "list" -> admin.rpush(key, "a", "b");
                    case "set" -> admin.sadd(key, "a");
                    default -> admin.zadd(key, 1, "a");
                }
                MalformedSessionException e = assertThrows(MalformedSessionException.class, () -> backend.load(id), type);
                assertTrue(e.getMessage().contains("another type"), e.getMessage());
                assertFalse(backend.touch(id, inMinutes(30)), "a " + type + " is not slid");

                assertEquals(type, admin.type(key));
                assertEquals(-1, admin.ttl(key), "the sliding read did not give the " + type + " an expiry");
                assertFalse(backend.apply(id, change(Map.of("a", bytes("1")), Set.of(), inMinutes(5))),
                        "a change is not written into a " + type + " (nor a WRONGTYPE error)");
                assertEquals(type, admin.type(key));
            }
        }
    }

    /** In a list read at once ({@code loadAll}), keys of another type and malformed hashes are absent, and hide no live session. */
    @Test
    void aListOfSessionsLeavesOutKeysOfAnotherTypeAndMalformedHashes() {
        SessionBackend backend = backend("foreign:");
        try (Jedis admin = redis.admin()) {
            String live = IDS.generate();
            assertTrue(backend.apply(live, create(Map.of("a", bytes("1")), inMinutes(30))));
            String text = IDS.generate();
            admin.set("foreign:" + text, "not a session");
            String noTime = IDS.generate();
            admin.hset("foreign:" + noTime, Map.of("a:user", "alice"));
            String other = IDS.generate();
            assertTrue(backend.apply(other, create(Map.of("b", bytes("2")), inMinutes(30))));

            Map<String, StoredSession> found = backend.loadAll(List.of(text, live, noTime, other));

            assertEquals(Set.of(live, other), found.keySet());
            assertEquals("string", admin.type("foreign:" + text), "left as it was");
        }
    }

    @Test
    void aHashWithoutANumericCreationTimeIsMalformedAndLeftAlone() {
        SessionBackend backend = backend("foreign:");
        try (Jedis admin = redis.admin()) {
            String missing = IDS.generate();
            admin.hset("foreign:" + missing, Map.of("a:user", "alice", "owner", "another app"));
            String text = IDS.generate();
            admin.hset("foreign:" + text, Map.of("m:created", "yesterday", "a:user", "alice"));
            String huge = IDS.generate();
            admin.hset("foreign:" + huge, Map.of("m:created", "99999999999999999999999", "a:user", "alice"));

            for (String id : List.of(missing, text, huge)) {
                assertThrows(MalformedSessionException.class, () -> backend.load(id));
                assertEquals(-1, admin.ttl("foreign:" + id), "not slid");
            }
            assertEquals("yesterday", admin.hget("foreign:" + text, "m:created"));
        }
    }

    /** A hash written before {@code m:expires} existed: its expiry comes from Redis's own time to live. */
    @Test
    void aSessionWithoutTheExpiryFieldIsReadWithItsTimeToLive() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(20)));
        try (Jedis admin = redis.admin()) {
            admin.hdel("session:" + id, "m:expires");
        }
        StoredSession stored = backend.load(id).orElseThrow();
        assertAbout(inMinutes(20), stored.expires());
        assertArrayEquals(bytes("1"), stored.attributes().get("a"));
    }

    private SessionBackend backend(Map<String, String> keys) {
        SessionBackend backend = RedisBackends.fromKeys(keys, "session:");
        extraBackends.add(backend);
        return backend;
    }
}
