package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The locks one request holds, on a real filesystem store's lock files. */
class HeldLocksTest {
    private static final String ID = "a".repeat(43);

    @TempDir
    Path dir;

    private SessionRuntime runtime(String locking) {
        return RequestParts.runtime(dir, "SESSION_LOCKING", locking, "SESSION_LOCK_TIMEOUT", "1");
    }

    /** Lease files held now. */
    private long lockFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}\\.lock") && held(f)).count();
        }
    }

    /** Whether a lease file is held: its time (the lease's end) is ahead; a released one stays, free, until the purge. */
    private static boolean held(Path lease) {
        try {
            return Files.getLastModifiedTime(lease).toInstant().isAfter(java.time.Instant.now());
        } catch (IOException e) {
            return false; // removed by the purge meanwhile
        }
    }

    @Test
    void aLockKeepsAnotherRequestOutUntilItIsReleased() throws IOException {
        SessionRuntime runtime = runtime("true");
        Object monitor = new Object();
        HeldLocks first = new HeldLocks(runtime, monitor);
        HeldLocks second = new HeldLocks(runtime, new Object());

        first.take(ID);
        assertEquals(1, lockFiles());
        long started = System.nanoTime();
        assertThrows(SessionLockTimeoutException.class, () -> second.take(ID));
        assertTrue(System.nanoTime() - started >= 900_000_000L, "waited for SESSION_LOCK_TIMEOUT");

        synchronized (monitor) {
            first.release();
        }
        assertEquals(0, lockFiles());
        HeldLocks third = new HeldLocks(runtime, new Object());
        third.take(ID);
        third.release();
    }

    @Test
    void aRefusedLockIsRefusedAgainAtOnceWithoutWaiting() {
        SessionRuntime runtime = runtime("true");
        HeldLocks holder = new HeldLocks(runtime, new Object());
        HeldLocks refused = new HeldLocks(runtime, new Object());
        holder.take(ID);
        SessionLockTimeoutException first = assertThrows(SessionLockTimeoutException.class, () -> refused.take(ID));
        holder.release();

        long started = System.nanoTime();
        SessionLockTimeoutException again = assertThrows(SessionLockTimeoutException.class, refused::throwIfRefused);

        assertEquals(first, again);
        assertTrue(System.nanoTime() - started < 500_000_000L);
    }

    @Test
    void aLockAlreadyHeldIsNotTakenTwiceAndNothingIsTakenAfterTheRelease() throws IOException {
        SessionRuntime runtime = runtime("true");
        HeldLocks locks = new HeldLocks(runtime, new Object());
        locks.take(ID);
        locks.take(ID); // the same request: no wait for itself
        locks.release();

        locks.take(ID); // an error page rendered after the request's end: nobody would release it
        assertEquals(0, lockFiles());
    }

    @Test
    void withoutLockingNoLockIsTaken() throws IOException {
        HeldLocks locks = new HeldLocks(runtime("false"), new Object());

        locks.take(ID);

        assertEquals(0, lockFiles());
        locks.release();
    }
}
