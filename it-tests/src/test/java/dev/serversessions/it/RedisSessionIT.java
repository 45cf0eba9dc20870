package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.RedisMonitor.Command;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §4 and Redis' own view of it, in Payara Micro. */
class RedisSessionIT extends RedisSessionContract implements StoreLockContract {
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
        Map<String, List<Command>> kinds = commandsPerRequestKind(lockingServer("locking-a", SessionLockingContract.PATIENT));
        System.out.println("Redis round trips per request with SESSION_LOCKING=true (MONITOR): " + describe(kinds));
        List<Command> read = kinds.get("read-only");
        List<Command> write = kinds.get("write");
        List<Command> firstWrite = kinds.get("first write of a new session");
        assertEquals(List.of(), kinds.get("untouched"), "an untouched request takes no lock");
        assertEquals(List.of("EVALSHA", "HGETALL", "EVALSHA"), roundTrips(read), "lock, load, unlock: " + read);
        assertEquals(List.of("GET", "SET", "GET", "DEL"), scripted(read), read.toString());
        assertEquals(List.of("EVALSHA", "HGETALL", "EVALSHA", "EVALSHA"), roundTrips(write), "lock, load, save, unlock: " + write);
        assertEquals(List.of("EVALSHA", "EVALSHA", "EVALSHA"), roundTrips(firstWrite),
                "the new id locked, saved without a load, unlocked: " + firstWrite);
    }
}
