package dev.serversessions.internal.backend.filesystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * One session's lease file, {@code <hash>.lock}: the holder's token as its content, the lease's
 * end as its modification time, as a session file keeps its expiry. A file whose time has passed
 * is free, whoever left it; a release frees it in place (zeros over the token, the time set to
 * 1970) rather than deleting it. The caller holds the session's lease lock around each call.
 */
final class LeaseFile {
    /** A lease file's time once released: long past. */
    private static final FileTime FREE = FileTime.from(Instant.EPOCH);

    private LeaseFile() {
    }

    /** Takes or renews the lease for {@code token} until {@code now + lease}, unless another holder's lease runs. */
    static boolean take(Path file, byte[] token, Instant now, Duration lease) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            byte[] holder = readAll(channel);
            boolean expired = !Files.getLastModifiedTime(file).toInstant().isAfter(now);
            // no content: a file just created, or truncated by an earlier release's version
            if (!expired && holder.length > 0 && !Arrays.equals(holder, token)) {
                return false;
            }
            if (!Arrays.equals(holder, token)) {
                channel.write(ByteBuffer.wrap(token), 0);
                channel.truncate(token.length);
            }
        }
        Files.setLastModifiedTime(file, FileTime.from(now.plus(lease)));
        return true;
    }

    /** Frees the lease if {@code token} holds it; throws NoSuchFileException where there is no file. */
    static boolean release(Path file, byte[] token) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (!Arrays.equals(readAll(channel), token)) {
                return false;
            }
            channel.write(ByteBuffer.allocate(token.length), 0);
        }
        Files.setLastModifiedTime(file, FREE);
        return true;
    }

    private static byte[] readAll(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 1024));
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // a lease file is a token: one read
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }
}
