package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.StoreOutage;
import dev.serversessions.testsupport.MemcachedServer;
import dev.serversessions.testsupport.PrivateIds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 on memcached, plus what only memcached shows (its own command counts), on whichever
 * runtime the subclass starts ({@link MemcachedSessionIT}: Payara Micro; the client in WildFly:
 * {@link MemcachedSessionWildFlyIT}).
 */
abstract class MemcachedSessionContract extends SessionSemanticsContract implements StoreLockContract {
    protected static final long TIMEOUT_MS = 1000;
    private static MemcachedServer memcached;

    /** Starts a memcached of the test's own, then the runtime on it. */
    protected static void start(AppServer.Launcher runtime) {
        memcached = MemcachedServer.start();
        startServer(runtime, "memcached", SessionScopedBeansContract.withSecretKey(env(memcached)), memcached);
    }

    static Map<String, String> env(MemcachedServer memcached) {
        return Map.of("SESSION_TYPE", "memcached",
                "SESSION_MEMCACHED", memcached.address(), "SESSION_MEMCACHED_TIMEOUT_MS", String.valueOf(TIMEOUT_MS));
    }

    /** SESSION_MEMCACHED_TIMEOUT_MS. */
    @Override
    protected long storeTimeoutMillis() {
        return TIMEOUT_MS;
    }

    /**
     * memcached is killed (SIGKILL) and started again on the same port. It keeps nothing across
     * a restart: it is a cache, and the sessions stored before are gone, so keepsData is false.
     * The outage ends once the application's client has reconnected by itself, which it does
     * within about a second (memcached shows the connection).
     */
    @Override
    protected StoreOutage outage() {
        return StoreOutage.of(memcached::kill, () -> {
            memcached.restart();
            memcached.awaitClient();
        }, false);
    }

    /**
     * memcached's own counters around one request of each kind; docs/memcached.md quotes what
     * this prints.
     */
    @Test
    void memcachedCommandsPerRequestKind() {
        Browser browser = browser();
        Map<String, Map<String, Long>> kinds = new LinkedHashMap<>();
        kinds.put("new session, first write (PUT, no cookie)", commands(() -> browser.put("/api/session/a", "1")));
        kinds.put("untouched (GET /probe/untouched)", commands(() -> browser.get("/probe/untouched")));
        kinds.put("read-only (GET /probe/read?name=a)", commands(() -> browser.get("/probe/read?name=a")));
        kinds.put("write (PUT /api/session/b)", commands(() -> browser.put("/api/session/b", "2")));
        kinds.put("regenerate (POST /api/session/regenerate)", commands(() -> browser.post("/api/session/regenerate")));
        kinds.put("invalidate (POST /api/session/invalidate)", commands(() -> browser.post("/api/session/invalidate")));

        System.out.println("| request | cmd_get | cmd_touch | cmd_set | deletes | commands |");
        System.out.println("|---|---|---|---|---|---|");
        kinds.forEach((kind, counts) -> System.out.println("| " + kind + " | " + counts.get("cmd_get") + " | " + counts.get("cmd_touch")
                + " | " + counts.get("cmd_set") + " | " + counts.get("deletes") + " | " + counts.get("commands") + " |"));

        assertEquals(0L, kinds.get("untouched (GET /probe/untouched)").get("commands"), "an untouched request sends memcached nothing");
        assertEquals(Map.of("cmd_get", 1L, "cmd_touch", 0L, "cmd_set", 0L, "deletes", 0L, "commands", 1L),
                kinds.get("read-only (GET /probe/read?name=a)"), "one gets, no write: the slide is not due");
        assertEquals(Map.of("cmd_get", 0L, "cmd_touch", 0L, "cmd_set", 1L, "deletes", 0L, "commands", 1L),
                kinds.get("new session, first write (PUT, no cookie)"), "one add");
        assertEquals(Map.of("cmd_get", 1L, "cmd_touch", 0L, "cmd_set", 1L, "deletes", 0L, "commands", 2L),
                kinds.get("write (PUT /api/session/b)"), "the load's gets, then one cas with its token");
    }

    /**
     * What {@code SESSION_LOCKING=true} adds, by memcached's own counters (docs/benchmarks.md):
     * the lock's {@code add} before the first store call, and its release, a {@code gets} and a
     * {@code delete} with that CAS, after the last; nothing for an untouched request.
     */
    @Test
    void memcachedCommandsPerRequestKindWithLockingOn() {
        Browser browser = new Browser(lockingServer("locking-a", SessionLockingContract.PATIENT));
        Map<String, Map<String, Long>> kinds = new LinkedHashMap<>();
        kinds.put("new session, first write", commands(() -> browser.put("/api/session/a", "1")));
        kinds.put("untouched", commands(() -> browser.get("/probe/untouched")));
        kinds.put("read-only", commands(() -> browser.get("/probe/read?name=a")));
        kinds.put("write", commands(() -> browser.put("/api/session/b", "2")));
        System.out.println("memcached commands per request with SESSION_LOCKING=true: " + kinds);

        assertEquals(0L, kinds.get("untouched").get("commands"), "an untouched request takes no lock");
        assertEquals(Map.of("cmd_get", 2L, "cmd_touch", 0L, "cmd_set", 1L, "deletes", 1L, "commands", 4L),
                kinds.get("read-only"), "add (lock), gets (load), gets + delete (unlock)");
        assertEquals(Map.of("cmd_get", 2L, "cmd_touch", 0L, "cmd_set", 2L, "deletes", 1L, "commands", 5L),
                kinds.get("write"), "add (lock), gets (load), cas (save), gets + delete (unlock)");
        assertEquals(Map.of("cmd_get", 1L, "cmd_touch", 0L, "cmd_set", 2L, "deletes", 1L, "commands", 4L),
                kinds.get("new session, first write"), "add (lock of the new id), add (save), gets + delete (unlock)");
    }

    @Test
    void readOnlyRequestsBetweenSlidesSendMemcachedNoWrite() throws Exception {
        assertReadOnlyRequestsWriteNothingUntilTheSlideIsDue(id -> {
            Map<String, Long> stats = memcached.stats();
            return stats.get("cmd_set") + stats.get("cmd_touch") + stats.get("delete_hits") + stats.get("delete_misses");
        });
    }

    private static Map<String, Long> commands(Supplier<Response> request) {
        Map<String, Long> before = memcached.stats();
        Response response = request.get();
        assertTrue(response.status() < 400, response.status() + " " + response.body());
        Map<String, Long> after = memcached.stats();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String counter : List.of("cmd_get", "cmd_touch", "cmd_set")) {
            counts.put(counter, after.get(counter) - before.get(counter));
        }
        counts.put("deletes", after.get("delete_hits") + after.get("delete_misses") - before.get("delete_hits") - before.get("delete_misses"));
        counts.put("commands", counts.values().stream().mapToLong(Long::longValue).sum());
        return counts;
    }

    @Test
    void anItemOfAnotherFormatIsNoSessionAndLeftAlone() {
        String id = unusedId();
        byte[] foreign = "a plain string another client stored".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        memcached.rawSet(PrivateIds.key("session:", id), foreign, 600);

        assertForeignEntryIsNoSession(id);
        byte[] kept = memcached.rawGet(PrivateIds.key("session:", id));
        assertEquals(new String(foreign, java.nio.charset.StandardCharsets.UTF_8),
                new String(java.util.Arrays.copyOf(kept, foreign.length), java.nio.charset.StandardCharsets.UTF_8),
                "left alone");
    }

    /** Over memcached's 1 MB item, less the room the backend keeps for key and header. */
    @Test
    void aValueOverMemcachedsItemLimitIsRefusedWith413() {
        assertTooLargeValueIsRefusedAndTheRestKept(1024 * 1024, 1024 * 1024 - 1024);
    }

    /** memcached cannot list its keys, nor what expired among them. */
    @Override
    protected boolean announcesExpiry() {
        return false;
    }
}
