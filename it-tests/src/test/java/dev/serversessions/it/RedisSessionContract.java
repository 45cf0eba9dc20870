package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.codec.HostileJavaBytes;
import dev.serversessions.it.probe.BrokenOnLoad;
import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.LogMark;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.StoreOutage;
import dev.serversessions.testsupport.Ports;
import dev.serversessions.testsupport.PrivateIds;
import dev.serversessions.testsupport.RedisMonitor;
import dev.serversessions.testsupport.RedisMonitor.Command;
import dev.serversessions.testsupport.RedisServer;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * SPEC §4 on the Redis backend, against a redis-server with a password and persistence (an
 * append-only file synced on every write, so a killed Redis comes back with its sessions), and
 * the round trips of each kind of request as Redis itself counts them; on whichever runtime the
 * subclass starts ({@link RedisSessionIT}: Payara Micro; Redis on the other runtimes is
 * proven by the classes that pair them on one Redis).
 */
abstract class RedisSessionContract extends SessionSemanticsContract implements SessionScopedBeansContract, HttpSessionApiContract {
    static final String PASSWORD = "it-s3cret";
    private static final long TIMEOUT_MS = 2000;
    static RedisServer redis;

    /** Starts a Redis of the test's own, then the runtime on it (database 1). */
    protected static void start(AppServer.Launcher runtime) {
        redis = RedisServer.persistent(PayaraMicro.workDir(), "--requirepass", PASSWORD);
        startServer(runtime, "redis", SessionScopedBeansContract.withSecretKey(Map.of("SESSION_TYPE", "redis",
                "SESSION_REDIS", "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port() + "/1",
                "SESSION_REDIS_TIMEOUT_MS", String.valueOf(TIMEOUT_MS))), redis);
    }

    /** SESSION_REDIS_TIMEOUT_MS. */
    @Override
    protected long storeTimeoutMillis() {
        return TIMEOUT_MS;
    }

    /** Redis is killed (SIGKILL, as in a crash) and started again on the same port and data. */
    @Override
    protected StoreOutage outage() {
        return StoreOutage.of(redis::kill, redis::restart);
    }

    @Test
    void roundTripsPerRequestAreZeroForUntouchedOneForReadsAndTwoForWrites() throws Exception {
        Map<String, List<Command>> kinds = commandsPerRequestKind(server());
        System.out.println("Redis round trips per request (MONITOR): " + describe(kinds));
        List<Command> read = kinds.get("read-only");
        List<Command> write = kinds.get("write");
        List<Command> firstWrite = kinds.get("first write of a new session");
        assertEquals(List.of(), kinds.get("untouched"));
        assertEquals(List.of("HGETALL"), roundTrips(read), "a pure read, the slide not due: " + read);
        assertEquals(List.of(), scripted(read), read.toString());
        assertEquals(List.of("HGETALL", "EVALSHA"), roundTrips(write), "one load, one save: " + write);
        // the test application has session listeners, so each write also checks that the session
        // has not expired (its key outlives it for the sweep) and records its expiry in the index
        assertEquals(List.of("TYPE", "HGET", "HSET", "HSET", "PEXPIRE", "ZADD"), scripted(write),
                "only the changed attribute is written, with the expiry");
        assertEquals(List.of("EVALSHA"), roundTrips(firstWrite), "a new session is saved without a load: " + firstWrite);
    }

    /**
     * What Redis ran (MONITOR) for one request of each kind on {@code server}: untouched,
     * read-only, write, first write of a new session; after requests that cached the scripts
     * and pooled the connections.
     */
    static Map<String, List<Command>> commandsPerRequestKind(AppServer server) throws Exception {
        Browser browser = new Browser(server);
        browser.put("/api/session/a", "1");
        browser.put("/api/session/b", "2");
        browser.get("/probe/read?name=a");
        Map<String, List<Command>> kinds = new java.util.LinkedHashMap<>();
        try (RedisMonitor monitor = new RedisMonitor(redis.port(), PASSWORD)) {
            monitor.commandsSinceLastMark();
            assertEquals(200, browser.get("/probe/untouched").status());
            kinds.put("untouched", monitor.commandsSinceLastMark());
            assertEquals("1", browser.get("/probe/read?name=a").body());
            kinds.put("read-only", monitor.commandsSinceLastMark());
            assertEquals(204, browser.put("/api/session/b", "3").status());
            kinds.put("write", monitor.commandsSinceLastMark());
            assertEquals(204, new Browser(server).put("/api/session/fresh", "1").status());
            kinds.put("first write of a new session", monitor.commandsSinceLastMark());
        }
        return kinds;
    }

    static Map<String, String> describe(Map<String, List<Command>> kinds) {
        Map<String, String> described = new java.util.LinkedHashMap<>();
        kinds.forEach((kind, commands) -> described.put(kind, describe(commands)));
        return described;
    }

    /**
     * Redis's own record (MONITOR) of every command that writes or runs a script on the
     * session's key, the commands of scripts included: not Redis's total counts, which the
     * server's background expiry sweep adds to every second.
     */
    @Test
    void readOnlyRequestsBetweenSlidesSendRedisNoWrite() throws Exception {
        Set<String> writing = Set.of("EVALSHA", "EVAL", "HSET", "HDEL", "PEXPIRE", "DEL", "RENAME", "RESTORE", "SET");
        try (RedisMonitor monitor = new RedisMonitor(redis.port(), PASSWORD)) {
            monitor.commandsSinceLastMark();
            List<Command> seen = new java.util.ArrayList<>();
            assertReadOnlyRequestsWriteNothingUntilTheSlideIsDue(cookie -> {
                String key = PrivateIds.key("session:", cookie.split("\\.", 2)[0]);
                seen.addAll(monitor.commandsSinceLastMark());
                return seen.stream().filter(c -> writing.contains(c.name()) && c.line().contains("\"" + key + "\"")).count();
            });
        }
    }

    @Test
    void theOutageIsLoggedWithTheAddressAndNeverThePassword() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/a", "1");
        redis.kill();
        try {
            assertEquals(503, browser.get("/api/session").status());
        } finally {
            redis.restart();
        }
        String log = server().log();
        assertTrue(log.contains("Session store redis 127.0.0.1:" + redis.port() + "/1 is unavailable"), "logged with the address");
        assertFalse(log.contains(PASSWORD), "the password never reaches the log");
        assertEquals("1", attribute(browser, "a"));
    }

    @Test
    void sessionsLiveInTheConfiguredDatabaseAsOneHash() {
        Browser browser = browser();
        browser.put("/api/session/user", "alice");
        try (Jedis admin = redis.admin()) {
            admin.auth(PASSWORD);
            admin.select(1);
            String key = PrivateIds.key("session:", browser.cookie().orElseThrow());
            assertEquals("hash", admin.type(key));
            assertTrue(admin.hkeys(key).containsAll(List.of("a:user", "m:created")), admin.hkeys(key).toString());
            assertTrue(admin.pttl(key) > 2_678_000_000L, "31 days to live: " + admin.pttl(key));
        }
    }

    /**
     * Issue 27 through HTTP: after requests with cookies, a reader of every key and value of
     * Redis (both databases; session hashes, locks, owner indexes, the {@code !expiries} set)
     * finds each session under its private id and nowhere an id a browser sends as its cookie.
     */
    @Test
    void aReaderOfRedisFindsNoIdABrowserCouldSend() {
        List<String> cookies = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Browser browser = browser();
            assertEquals(204, browser.put("/api/session/user", "alice").status());
            assertEquals(200, browser.get("/api/session").status());
            cookies.add(browser.cookie().orElseThrow());
        }
        String dump;
        try (Jedis admin = redis.admin()) {
            admin.auth(PASSWORD);
            dump = dev.serversessions.testsupport.RedisServer.contents(admin);
            admin.select(1);
            dump += dev.serversessions.testsupport.RedisServer.contents(admin);
        }
        for (String cookie : cookies) {
            assertFalse(dump.contains(PrivateIds.idOf(cookie)), "Redis holds the id of cookie " + cookie);
            assertTrue(dump.contains(PrivateIds.key("session:", cookie)), "the session is stored under its private id");
        }
    }

    /**
     * Issue 13 item 1 through HTTP: Java serialization streams written straight into the session's
     * hash, each built to listen, connect, spin, exhaust the heap, overflow the stack or fail to
     * load. Each request answers 200 with an empty session, quickly; the stored bytes stay; nothing
     * listened on the payload's port and nothing connected to the watched one.
     */
    @Test
    void hostileJavaBytesInTheStoreAreAnEmptySessionWithNoPortOpenedAndNoConnection() throws Exception {
        LogMark mark = server().logMark();
        int listenPort = Ports.free();
        int watchPort = Ports.free();
        Map<String, byte[]> payloads = HostileJavaBytes.all(listenPort, watchPort, BrokenOnLoad.class.getName());
        try (ServerSocket watch = HostileJavaBytes.watch(watchPort); Jedis admin = redis.admin()) {
            admin.auth(PASSWORD);
            admin.select(1);
            Map<String, Long> millis = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> payload : payloads.entrySet()) {
                Browser browser = browser();
                browser.put("/api/session/user", "alice");
                byte[] key = PrivateIds.key("session:", browser.cookie().orElseThrow()).getBytes(StandardCharsets.UTF_8);
                byte[] field = "a:user".getBytes(StandardCharsets.UTF_8);
                admin.hset(key, field, payload.getValue());

                long start = System.nanoTime();
                Response read = browser.get("/api/session");
                millis.put(payload.getKey(), (System.nanoTime() - start) / 1_000_000);
                assertEquals(200, read.status(), payload.getKey() + ": " + read.body());
                assertEquals("{}", read.body(), payload.getKey());
                assertArrayEquals(payload.getValue(), admin.hget(key, field), payload.getKey() + ": the stored entry is left alone");
            }
            System.out.println("Hostile Java bytes, milliseconds per request: " + millis);
            millis.forEach((payload, ms) -> assertTrue(ms < 2_000, payload + " took " + ms + " ms"));

            assertFalse(HostileJavaBytes.listeningPorts().contains(listenPort), "something listens on " + listenPort);
            watch.setSoTimeout(1_000);
            try (Socket accepted = watch.accept()) {
                throw new AssertionError("the server connected to the watched port from " + accepted.getRemoteSocketAddress());
            } catch (SocketTimeoutException expected) {
                // nobody came
            }
        }
        assertTrue(mark.await("cannot be decoded", java.time.Duration.ofSeconds(10)), "logged while this test ran:\n" + mark.since());
        assertFalse(server().log().contains("OutOfMemoryError"), "no OutOfMemoryError anywhere in the log");
    }

    static List<String> roundTrips(List<Command> commands) {
        return commands.stream().filter(Command::isRoundTrip).map(Command::name).toList();
    }

    static List<String> scripted(List<Command> commands) {
        return commands.stream().filter(c -> !c.isRoundTrip()).map(Command::name).toList();
    }

    static String describe(List<Command> commands) {
        return RedisMonitor.roundTrips(commands) + " round trip(s) " + roundTrips(commands) + ", "
                + commands.size() + " command(s) in Redis " + commands.stream().map(Command::name).collect(Collectors.toList());
    }

    @Override
    public AppServer beanServer() {
        return server();
    }

    @Override
    public AppServer httpSessionServer() {
        return server();
    }

    /** WRONGTYPE is not an outage: a string, a list or a set under a session key is no session. */
    @Test
    void aKeyOfAnotherTypeIsNoSessionAndLeftAlone() {
        for (String type : List.of("string", "list", "set")) {
            String id = unusedId();
            String key = PrivateIds.key("session:", id);
            try (Jedis admin = redis.admin()) {
                admin.auth(PASSWORD);
                admin.select(1);
                switch (type) {
                    case "string" -> admin.set(key, "not a session");
                    case "list" -> admin.rpush(key, "a");
                    default -> admin.sadd(key, "a");
                }
                assertForeignEntryIsNoSession(id);
                assertEquals(type, admin.type(key), "left alone");
            }
        }
    }

    /** Over SESSION_MAX_SIZE's default of 4 MiB. */
    @Test
    void aValueOverTheSessionSizeLimitIsRefusedWith413() {
        assertTooLargeValueIsRefusedAndTheRestKept(4 * 1024 * 1024 + 10, 4 * 1024 * 1024);
    }
}
