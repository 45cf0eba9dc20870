package dev.serversessions.internal.backend.filesystem;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes writers of one session directory across threads, across applications in one JVM
 * and across JVMs sharing the directory: an in-JVM lock, then an OS lock on {@code .lock}.
 *
 * <p>Reads take no lock: files are replaced by atomic rename, so a reader sees a whole old file
 * or a whole new one.
 *
 * <p>The directory-wide lock is the OS lock on byte 0 of {@code .lock}. A session's lease
 * ({@link #callFor}) is a lock of its own on one other byte of the same file, chosen by the
 * session file's hash, so lease calls of different sessions never wait for each other nor for
 * the writers, while two JVMs still agree on one holder: the OS locks byte ranges across
 * processes, and the file's one channel per backend stays open (closing a channel would drop
 * every lock the JVM holds on the file). A version that locked the whole file still excludes
 * both, so mixed versions on one directory stay safe.
 */
final class DirectoryLock implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Byte positions for leases: 1 up to this; two sessions on one byte only take turns. */
    private static final long LEASE_BYTES = Integer.MAX_VALUE;
    private static final int STRIPES = 256;

    private final ReentrantLock threads = new ReentrantLock();
    /** The threads of this JVM asking for one lease byte queue here, never in the OS. */
    private final ReentrantLock[] leaseThreads = new ReentrantLock[STRIPES];
    private final FileChannel channel;

    DirectoryLock(Path directory) throws IOException {
        channel = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        for (int i = 0; i < STRIPES; i++) {
            leaseThreads[i] = new ReentrantLock();
        }
    }

    /** Runs {@code action} holding the directory-wide lock. */
    <T> T call(IoAction<T> action) throws IOException {
        return call(threads, 0, action);
    }

    /**
     * Runs {@code action} holding the lease lock of the session file named {@code hash} (64 hex
     * digits): one byte of {@code .lock} of its own, not the directory-wide one.
     */
    <T> T callFor(String hash, IoAction<T> action) throws IOException {
        long position = 1 + Long.remainderUnsigned(Long.parseUnsignedLong(hash.substring(0, 16), 16), LEASE_BYTES);
        return call(leaseThreads[(int) (position % STRIPES)], position, action);
    }

    private <T> T call(ReentrantLock inJvm, long position, IoAction<T> action) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            if (!inJvm.tryLock(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("timed out waiting for the session directory lock");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the session directory lock", e);
        }
        try (FileLock ignored = acquire(position, deadline)) {
            return action.run();
        } finally {
            inJvm.unlock();
        }
    }

    private FileLock acquire(long position, long deadline) throws IOException {
        long pause = 1;
        while (true) {
            try {
                FileLock lock = channel.tryLock(position, 1, false);
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException e) {
                // Another application in this JVM holds it through its own channel: wait like for a process.
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("timed out waiting for the session directory lock");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for the session directory lock", e);
            }
            pause = Math.min(pause * 2, 20);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Work done under the lock. */
    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }
}
