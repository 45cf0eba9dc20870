package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.RedisMonitor;
import dev.serversessions.testsupport.RedisMonitor.Command;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §4 and Redis' own view of it, in Payara Micro. */
class RedisSessionIT extends RedisSessionContract implements SessionLockingContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start);
    }

    /**
     * What {@code SESSION_LOCKING=true} adds per request kind, as Redis sees it (docs/benchmarks.md):
     * the lock script before the first store call and the unlock script after the last one;
     * nothing for a request that never touches its session.
     */
    @Test
    void withLockingOnATouchingRequestAddsOneLockAndOneUnlockRoundTrip() throws Exception {
        AppServer locking = lockingServer("locking-a", SessionLockingContract.PATIENT);
        Browser browser = new Browser(locking);
        browser.put("/api/session/a", "1");
        browser.put("/api/session/b", "2");
        browser.get("/probe/read?name=a"); // scripts cached on this Redis, connections pooled

        try (RedisMonitor monitor = new RedisMonitor(redis.port(), PASSWORD)) {
            monitor.commandsSinceLastMark();
            assertEquals(200, browser.get("/probe/untouched").status());
            List<Command> untouched = monitor.commandsSinceLastMark();
            assertEquals("1", browser.get("/probe/read?name=a").body());
            List<Command> read = monitor.commandsSinceLastMark();
            assertEquals(204, browser.put("/api/session/b", "3").status());
            List<Command> write = monitor.commandsSinceLastMark();
            assertEquals(204, new Browser(locking).put("/api/session/fresh", "1").status());
            List<Command> firstWrite = monitor.commandsSinceLastMark();

            System.out.println("Redis round trips per request with SESSION_LOCKING=true (MONITOR): " + Map.of(
                    "untouched", describe(untouched), "read-only", describe(read),
                    "write", describe(write), "first write of a new session", describe(firstWrite)));
            assertEquals(List.of(), untouched, "an untouched request takes no lock");
            assertEquals(List.of("EVALSHA", "HGETALL", "EVALSHA"), roundTrips(read), "lock, load, unlock: " + read);
            assertEquals(List.of("GET", "SET", "GET", "DEL"), scripted(read), read.toString());
            assertEquals(List.of("EVALSHA", "HGETALL", "EVALSHA", "EVALSHA"), roundTrips(write), "lock, load, save, unlock: " + write);
            assertEquals(List.of("EVALSHA", "EVALSHA", "EVALSHA"), roundTrips(firstWrite),
                    "the new id locked, saved without a load, unlocked: " + firstWrite);
        }
    }
}
