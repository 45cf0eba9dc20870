package dev.serversessions.internal.backend.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.serversessions.internal.session.SessionIds;
import org.junit.jupiter.api.Test;

class SpyLoggerTest {
    @Test
    void sessionKeysNeverReachTheLog() {
        String id = SessionIds.privateId(new SessionIds(32, null).generate()); // what a key holds

        String redacted = SpyLogger.redact("Could not redistribute to another node, retrying primary node for session:" + id + ".");
        assertFalse(redacted.contains(id), redacted);
        assertEquals("Could not redistribute to another node, retrying primary node for session:" + SessionIds.privateLogTag(id) + ".", redacted,
                "the tag other log lines give that session");
    }

    @Test
    void addressesAndClassNamesStay() {
        String message = "Closing, and reopening {QA sa=/127.0.0.1:11211, #Rops=0} in net.spy.memcached.MemcachedConnection";
        assertEquals(message, SpyLogger.redact(message));
    }
}
