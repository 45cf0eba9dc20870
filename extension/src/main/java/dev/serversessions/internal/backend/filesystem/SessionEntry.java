package dev.serversessions.internal.backend.filesystem;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A session file and its expiry (the file's modification time). */
record SessionEntry(Path file, Instant expires) {
    private static final Pattern SESSION_FILE = Pattern.compile("[0-9a-f]{64}");

    /** The session files of {@code directory} (temporary files, locks and the owner index left out). */
    static List<SessionEntry> in(Path directory) throws IOException {
        List<SessionEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory,
                p -> SESSION_FILE.matcher(p.getFileName().toString()).matches())) {
            for (Path file : files) {
                try {
                    entries.add(new SessionEntry(file, Files.getLastModifiedTime(file).toInstant()));
                } catch (NoSuchFileException e) {
                    // deleted by another JVM's reader-side expiry meanwhile
                }
            }
        }
        return entries;
    }
}
