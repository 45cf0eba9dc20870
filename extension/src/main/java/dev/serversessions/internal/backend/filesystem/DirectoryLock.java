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
 */
final class DirectoryLock implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ReentrantLock threads = new ReentrantLock();
    private final FileChannel channel;

    DirectoryLock(Path directory) throws IOException {
        channel = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /** Runs {@code action} holding the lock. */
    <T> T call(IoAction<T> action) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            if (!threads.tryLock(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("timed out waiting for the session directory lock");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the session directory lock", e);
        }
        try (FileLock ignored = acquire(deadline)) {
            return action.run();
        } finally {
            threads.unlock();
        }
    }

    private FileLock acquire(long deadline) throws IOException {
        long pause = 1;
        while (true) {
            try {
                FileLock lock = channel.tryLock();
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
