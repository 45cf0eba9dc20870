package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import dev.serversessions.testsupport.RedisMonitor;
import dev.serversessions.testsupport.RedisMonitor.Command;
import dev.serversessions.testsupport.RedisServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's sessions on Payara Micro and WildFly sharing one Redis, with signed caller records,
 * and what the owner index costs in Redis commands (counted with {@code MONITOR}, for
 * docs/benchmarks.md).
 */
class UserSessionsPayaraAndWildFlyRedisIT extends UserSessionsContract {
    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.persistent(PayaraMicro.workDir());
        startWithLimit(PayaraMicro::start, WildFlyServer::start, "owners-mixed-redis",
                Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://127.0.0.1:" + redis.port(),
                        "SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test"), redis);
    }

    @Test
    void theIndexCostsRoundTripsAtLoginAndLogoutOnlyNeverOnOtherRequests() throws Exception {
        Browser warm = new Browser(a());
        assertEquals(204, warm.postForm("/api/login", "username", "bob", "password", "bob-secret").status());
        assertEquals(204, warm.post("/api/my-sessions/revoke-all").status()); // scripts cached, bob has no session

        Map<String, List<Command>> measured = new LinkedHashMap<>();
        try (RedisMonitor monitor = new RedisMonitor(redis.port(), null)) {
            Browser bob = new Browser(a());
            assertEquals(204, bob.put("/api/session/cart", "1").status());
            monitor.commandsSinceLastMark();
            assertEquals(204, bob.postForm("/api/login", "username", "bob", "password", "bob-secret").status());
            measured.put("login (limit on, first session of the user)", monitor.commandsSinceLastMark());
            Browser second = new Browser(a());
            assertEquals(204, second.postForm("/api/login", "username", "bob", "password", "bob-secret").status());
            measured.put("login (limit on, second session)", monitor.commandsSinceLastMark());
            assertEquals(200, bob.get("/api/whoami").status());
            measured.put("logged-in read-only request", monitor.commandsSinceLastMark());
            assertEquals(204, bob.put("/api/session/cart", "2").status());
            measured.put("logged-in write", monitor.commandsSinceLastMark());
            assertEquals(200, bob.get("/api/my-sessions").status());
            measured.put("GET /api/my-sessions (2 sessions)", monitor.commandsSinceLastMark());
            assertEquals(204, second.post("/api/logout").status());
            measured.put("logout", monitor.commandsSinceLastMark());
        }
        measured.forEach((what, commands) -> System.out.println("Owner index, Redis MONITOR: " + what + ": "
                + RedisMonitor.roundTrips(commands) + " round trip(s) " + commands.stream().filter(Command::isRoundTrip)
                .map(c -> c.name() + (c.line().contains("owner:") ? "(index)" : "")).collect(Collectors.toList())
                + ", in Redis " + commands.stream().map(Command::name).collect(Collectors.toList())));

        for (String request : List.of("logged-in read-only request", "logged-in write")) {
            List<Command> commands = measured.get(request);
            assertTrue(commands.stream().noneMatch(c -> c.line().contains("owner:")), request + " touched the index: " + commands);
        }
        assertEquals(1, RedisMonitor.roundTrips(measured.get("logged-in read-only request")));
        assertEquals(2, RedisMonitor.roundTrips(measured.get("logged-in write")));
        assertTrue(measured.get("login (limit on, first session of the user)").stream()
                .anyMatch(c -> c.name().equals("ZADD") && c.line().contains("owner:")), "a login indexes the session");
        // the owner index's key, not the expiry index every write and delete of a session also names
        assertTrue(measured.get("logout").stream().anyMatch(c -> c.name().equals("ZREM") && c.line().contains("owner:")),
                "a logout takes it off the index");
    }
}
