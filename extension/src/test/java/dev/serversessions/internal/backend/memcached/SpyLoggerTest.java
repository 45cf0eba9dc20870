package dev.serversessions.internal.backend.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.session.SessionIds;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.compat.log.LoggerFactory;
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

    /**
     * The application's client has threads of its own that ask spymemcached's factory for loggers
     * at any moment. However they interleave with the adoption of that client, the factory builds
     * this class afterwards: a thread that rebuilt the factory while it was being replaced once
     * chose standard error for good (session keys in clear).
     */
    @Test
    void aClientThreadAskingForLoggersWhileTheClientIsAdoptedNeverLeavesTheDefaultLogger() throws Exception {
        Field instance = LoggerFactory.class.getDeclaredField("instance");
        instance.setAccessible(true);
        // no server on port 1: the client's own thread keeps reconnecting, and logging, meanwhile
        MemcachedClient client = new MemcachedClient(new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).build(), List.of(new InetSocketAddress("127.0.0.1", 1)));
        AtomicBoolean stop = new AtomicBoolean();
        Thread asking = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                LoggerFactory.getLogger("asking." + (i % 1000));
            }
        });
        asking.start();
        try {
            for (int round = 0; round < 2000; round++) {
                instance.set(null, null); // as in a fresh class loader
                LoggerFactory.getLogger("before"); // the default, as chosen when the application built its client
                SpyLogger.adopt(client);
                assertTrue(LoggerFactory.getLogger("after." + round) instanceof SpyLogger, "round " + round);
            }
        } finally {
            stop.set(true);
            asking.join();
            client.shutdown();
        }
    }

    /**
     * Something in the application logged through spymemcached before the backend started, so
     * its factory already chose the default logger (standard error, keys in clear): starting the
     * backend replaces that factory, and the loggers asked for from then on redact.
     */
    @Test
    void aDefaultLoggerChosenBeforeTheBackendStartedIsReplaced() throws Exception {
        Field instance = LoggerFactory.class.getDeclaredField("instance");
        instance.setAccessible(true);
        instance.set(null, null); // as in a fresh class loader
        assertFalse(LoggerFactory.getLogger("early") instanceof SpyLogger, "spymemcached's own default first");

        SpyLogger.install();

        assertTrue(LoggerFactory.getLogger("late") instanceof SpyLogger);
    }

    /** An application that chose spymemcached's logger itself ({@code -Dnet.spy.log.LoggerImpl}) keeps it. */
    @Test
    void aLoggerTheApplicationChoseIsKept() throws Exception {
        Field instance = LoggerFactory.class.getDeclaredField("instance");
        instance.setAccessible(true);
        instance.set(null, null);
        System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SunLogger");
        try {
            SpyLogger.install();
            assertEquals("net.spy.memcached.compat.log.SunLogger", LoggerFactory.getLogger("chosen").getClass().getName());
        } finally {
            System.clearProperty("net.spy.log.LoggerImpl");
            instance.set(null, null);
        }
    }
}
