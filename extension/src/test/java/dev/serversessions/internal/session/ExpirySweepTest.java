package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.testsupport.PrivateIds;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule that turns expired sessions into listener calls ({@link ExpirySweep}), on a real
 * filesystem store: sessions live a second ({@code PERMANENT_SESSION_LIFETIME=1}).
 */
class ExpirySweepTest {
    @TempDir
    Path dir;
    private final List<SessionRuntime> runtimes = new ArrayList<>();

    /** A listener that writes down what it hears of expired sessions, as a Servlet listener would read them. */
    private static class Heard implements SessionEvents {
        final List<String> calls = new ArrayList<>();

        @Override
        public boolean listensToInvalidation() {
            return true;
        }

        @Override
        public void expired(ExpiredSession session) {
            calls.add("expired " + session.id() + " " + new TreeSet<>(session.names()) + " a=" + session.get("a")
                    + " max=" + session.maxInactiveSeconds());
        }

        @Override
        public void attributeRemoved(ExpiredSession session, String name, Object oldValue) {
            calls.add("removed " + name + "=" + oldValue);
        }
    }

    @AfterEach
    void closeBackends() {
        runtimes.forEach(r -> r.activeBackend().close());
    }

    private SessionRuntime runtime() {
        SessionRuntime runtime = RequestParts.runtime(dir, "PERMANENT_SESSION_LIFETIME", "1");
        runtimes.add(runtime);
        return runtime;
    }

    /** A session stored through the request rules, as a request would leave it. */
    private static String storedSession(SessionRuntime runtime, Map<String, Object> attributes) {
        RequestSession session = runtime.open(null);
        attributes.forEach(session::put);
        session.setOwner("alice"); // library metadata beside the application's attributes
        session.save();
        return session.id();
    }

    private static void awaitExpiry(SessionRuntime runtime, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ids.stream().anyMatch(id -> runtime.activeBackend().load(PrivateIds.of(id)).isPresent())) {
            assertTrue(System.nanoTime() < deadline, "the sessions expire");
            Thread.sleep(50);
        }
    }

    private static ExpirySweep sweep(SessionRuntime runtime, SessionEvents events) {
        return ExpirySweep.forApplication(runtime, events).orElseThrow();
    }

    @Test
    void anExpiredSessionIsAnnouncedOnceWithItsAttributesThenUnbound() throws Exception {
        SessionRuntime runtime = runtime();
        Heard heard = new Heard();
        ExpirySweep sweep = sweep(runtime, heard);
        String id = storedSession(runtime, Map.of("a", "apple", "b", 42));
        awaitExpiry(runtime, List.of(id));

        assertEquals(1, sweep.sweep());
        assertEquals(List.of("expired " + PrivateIds.of(id) + " [a, b] a=apple max=1", "removed a=apple", "removed b=42"), heard.calls,
                "destroyed with the attributes readable and the library's own hidden, then each attribute unbound");
        assertEquals(0, sweep.sweep(), "once");
        assertEquals(3, heard.calls.size());
    }

    @Test
    void aLiveSessionIsNotAnnounced() throws Exception {
        SessionRuntime runtime = RequestParts.runtime(dir, "PERMANENT_SESSION_LIFETIME", "600");
        runtimes.add(runtime);
        Heard heard = new Heard();
        storedSession(runtime, Map.of("a", "apple"));

        assertEquals(0, sweep(runtime, heard).sweep());
        assertEquals(List.of(), heard.calls);
    }

    @Test
    void withoutListenersThereIsNoSweepAndExpiredSessionsArePurgedAsBefore() throws Exception {
        SessionRuntime runtime = runtime();
        assertTrue(ExpirySweep.forApplication(runtime, SessionEvents.NONE).isEmpty());
        String id = storedSession(runtime, Map.of("a", "apple"));
        awaitExpiry(runtime, List.of(id));
        assertEquals(1, runtime.activeBackend().purgeExpired(), "the purge still removes what expired");
    }

    @Test
    void aZeroIntervalMeansNoSweepAndExpiredSessionsArePurgedAsBefore() throws Exception {
        SessionRuntime runtime = RequestParts.runtime(dir, "PERMANENT_SESSION_LIFETIME", "1", "SESSION_EXPIRY_SWEEP_INTERVAL", "0");
        runtimes.add(runtime);
        assertTrue(ExpirySweep.forApplication(runtime, new Heard()).isEmpty());
        String id = storedSession(runtime, Map.of("a", "apple"));
        awaitExpiry(runtime, List.of(id));
        assertEquals(1, runtime.activeBackend().purgeExpired(), "the store was not asked to keep expired sessions");
    }

    @Test
    void onlyTheServerHoldingTheLeaseSweepsUntilItStops() throws Exception {
        SessionRuntime serverA = runtime();
        SessionRuntime serverB = runtime(); // a second server on the same directory
        Heard heardA = new Heard();
        Heard heardB = new Heard();
        ExpirySweep sweepA = sweep(serverA, heardA);
        ExpirySweep sweepB = sweep(serverB, heardB);
        assertEquals(0, sweepA.sweep(), "A takes the lease; nothing has expired yet");
        String first = storedSession(serverB, Map.of("a", "first"));
        awaitExpiry(serverB, List.of(first));

        assertEquals(0, sweepB.sweep(), "B does not sweep while A holds the lease");
        assertEquals(List.of(), heardB.calls);
        assertEquals(1, sweepA.sweep(), "A renews its lease and sweeps");

        sweepA.stop();
        String second = storedSession(serverA, Map.of("a", "second"));
        awaitExpiry(serverA, List.of(second));
        assertEquals(1, sweepB.sweep(), "B takes over once A has given the lease up");
        assertTrue(heardB.calls.get(0).startsWith("expired " + PrivateIds.of(second)), heardB.calls.toString());
    }

    @Test
    void aSweepIsBoundedAndTheNextCarriesOn() throws Exception {
        SessionRuntime runtime = runtime();
        Heard heard = new Heard();
        SessionBackend backend = runtime.activeBackend();
        assertTrue(backend.keepExpiredForClaims(Duration.ofMinutes(5)));
        ExpirySweep sweep = new ExpirySweep(runtime, backend, heard, Duration.ofSeconds(1), 2, 2);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(storedSession(runtime, Map.of("a", "s" + i)));
        }
        awaitExpiry(runtime, ids);

        assertEquals(4, sweep.sweep(), "two claims of two");
        assertEquals(1, sweep.sweep());
        assertEquals(5, heard.calls.stream().filter(c -> c.startsWith("expired ")).count());
    }

    @Test
    void aFailingListenerCostsOnlyItsOwnSessionAndUndecodableValuesReadAsNull() throws Exception {
        SessionRuntime runtime = runtime();
        Heard heard = new Heard() {
            @Override
            public void expired(ExpiredSession session) {
                if ("boom".equals(session.get("a"))) {
                    throw new IllegalStateException("the application's listener failed");
                }
                super.expired(session);
            }
        };
        ExpirySweep sweep = sweep(runtime, heard);
        String failing = storedSession(runtime, Map.of("a", "boom"));
        String corrupt = storedSession(runtime, Map.of("a", "kept"));
        // bytes no codec can read, as a class removed since would leave them
        runtime.activeBackend().apply(PrivateIds.of(corrupt), new ChangeSet(Map.of("b", new byte[] {1, 2, 3}), Set.of(), Instant.now(),
                Instant.now().plusMillis(500), false));
        awaitExpiry(runtime, List.of(failing, corrupt));

        assertEquals(2, sweep.sweep());
        assertEquals(List.of("expired " + PrivateIds.of(corrupt) + " [a, b] a=kept max=1", "removed a=kept", "removed b=null"), heard.calls);
    }
}
