package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.internal.codec.CostlyJavaBytes;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.testsupport.PrivateIds;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values whose reading costs far more than their size, written straight into a real filesystem
 * store under the default SESSION_MAX_SIZE: each request that reads one gets it, or an empty
 * session and one log line, within a second of its thread's CPU time ({@link CostlyJavaBytes};
 * issue #27: one such value of 3.9 MB took 117 s to read). Wall time is bounded too, more loosely:
 * these tests share two cores with whole suites, and there a second of CPU can take several.
 */
class CostlyStoredValueTest {
    private static final Duration CPU_BOUND = Duration.ofSeconds(1);
    private static final Duration WALL_BOUND = Duration.ofSeconds(10);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** An application value: a list of small objects of its own class. */
    record Line(String sku, int quantity, long cents) implements Serializable {
    }

    @RegisterExtension
    final WarningCapture capture = WarningCapture.ofRequestSessions();
    private final List<LogRecord> warnings = capture.records;

    @TempDir
    Path dir;

    private SessionRuntime runtime() {
        return SessionRuntime.create(SettingsSource.of(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "SESSION_SERIALIZATION_ALLOWLIST", CostlyStoredValueTest.class.getName() + "$*")),
                getClass().getClassLoader(), Clock.systemUTC());
    }

    /** A session of user alice, then {@code cart} written beside it straight into the store; its id. */
    private static String aliceWithACartOf(SessionRuntime runtime, byte[] cart) {
        RequestSession first = runtime.open(null);
        first.put("user", "alice");
        String id = first.save().id();
        assertTrue(runtime.activeBackend().apply(PrivateIds.of(id), new ChangeSet(Map.of("cart", cart), Set.of(), Instant.now(),
                Instant.now().plusSeconds(600), false)));
        return id;
    }

    static Stream<Arguments> shapes() {
        return CostlyJavaBytes.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void aCostlyValueInTheStoreIsReadOrRefusedWithinASecondAndARefusalEmptiesTheSession(String shape, byte[] bytes) {
        SessionRuntime runtime = runtime();
        RequestSession request = runtime.open(aliceWithACartOf(runtime, bytes));
        long start = System.nanoTime();
        long[] cpu = new long[1];
        Object cart = assertTimeoutPreemptively(WALL_BOUND, () -> {
            long before = THREADS.getCurrentThreadCpuTime();
            Object value = request.get("cart");
            cpu[0] = THREADS.getCurrentThreadCpuTime() - before;
            return value;
        }, shape);
        long wall = System.nanoTime() - start;
        System.out.printf("%-95s %8d bytes %5d ms CPU %5d ms wall %s%n", shape, bytes.length, cpu[0] / 1_000_000,
                wall / 1_000_000, cart == null ? "refused" : "read");
        assertTrue(cpu[0] < CPU_BOUND.toNanos(), shape + ": " + cpu[0] / 1_000_000 + " ms of CPU");
        if (cart == null) {
            assertNull(request.get("user"), "the whole session is empty, as for any undecodable value");
            assertTrue(request.names().isEmpty());
            assertEquals(1, warnings.size(), warnings.toString());
            String message = warnings.get(0).getMessage();
            assertTrue(message.contains("cannot be decoded (attribute 'cart' cannot be decoded: ")
                    && message.endsWith("; the request continues with an empty session"), message);
        } else {
            assertEquals("alice", request.get("user"));
        }
    }

    @Test
    void theIssuesHashtableWhoseKeysHoldItIsRefusedBeforeAnyOfItIsRead() {
        SessionRuntime runtime = runtime();
        RequestSession request = runtime.open(aliceWithACartOf(runtime,
                CostlyJavaBytes.all().get("Hashtable whose keys hold it (each insertion rehashes all before it)")));
        assertNull(assertTimeoutPreemptively(WALL_BOUND, () -> request.get("cart")));
        assertNull(request.get("user"));
        assertEquals(1, warnings.size(), warnings.toString());
        String message = warnings.get(0).getMessage();
        assertTrue(message.matches("Session \\S+ holds data that cannot be decoded \\(attribute 'cart' cannot be decoded:"
                + " java.io.InvalidClassException: a collection that holds itself: hashing it would recurse without end, a pass"
                + " over all it holds at every level until a StackOverflowError\\); the request continues with an empty session"),
                message);
    }

    @Test
    void aFilledAtOnceMapOfMoreThan2048EntriesIsRefusedNamingTheLimit() {
        Map<String, Integer> big = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = 0; i < 2049; i++) {
            big.put("k" + i, i);
        }
        SessionRuntime runtime = runtime();
        RequestSession request = runtime.open(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> request.put("big", big));
        assertTrue(e.getMessage().contains("(a ConcurrentHashMap of 2049 entries, more than the 2048 that may be hashed all at"
                + " once after reading)"), e.getMessage());

        big.remove("k0");
        request.put("big", big);
        request.put("set", Set.copyOf(big.keySet()));
        RequestSession again = runtime.open(request.save().id());
        assertEquals(big, again.get("big"));
        assertEquals(big.keySet(), again.get("set"));
    }

    @Test
    void aValueThatTakesTooLongToReadBackIsRefusedWhenItIsPutWithTheReason() {
        Set<Object> colliding = new HashSet<>();
        List<List<Object>> lists = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            List<Object> list = new ArrayList<>(List.of(i, 0));
            colliding.add(list);
            lists.add(list);
        }
        lists.forEach(list -> list.set(1, -31 * (Integer) list.get(0))); // every hash code is now 961

        RequestSession request = runtime().open(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> request.put("cart", colliding));
        assertTrue(e.getMessage().startsWith("Session attribute 'cart' cannot be stored: it could not be read back (reading its"
                + " first "), e.getMessage());
        assertTrue(e.getMessage().contains("ms of CPU time (100 ms and 250 ns a byte)"), e.getMessage());
    }

    @Test
    void ordinaryLargeValuesAreStoredAndReadBack() {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            lines.add(new Line("sku-" + i, i % 7, i * 199L));
        }
        Map<String, List<String>> index = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            index.put("key-" + i, List.of("a-" + i, "b-" + i));
        }
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("lines", lines);
        first.put("index", index);
        String id = first.save().id();

        RequestSession again = runtime.open(id);
        assertEquals(lines, again.get("lines"));
        assertEquals(index, again.get("index"));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }
}
