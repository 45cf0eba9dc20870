package dev.serversessions.internal.backend.filesystem;

import dev.serversessions.api.SessionOwnerIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.HexFormat;

/**
 * A directory per user, {@code SESSION_FILE_DIR/owners/<sha256(prefix + owner)>/}, holding one
 * small file per session: named by the same hash as the session's own file, holding the id,
 * with the entry's end as its modification time (as session files carry their expiry).
 *
 * <p>Every change is one file created (temporary file and atomic rename) or deleted, so two
 * JVMs sharing the directory need no lock between them: adding two sessions of one user at once
 * writes two different files, and nothing is read, merged and written back. Expired entries are
 * deleted whenever the user's directory is listed, and by the backend's purge for every user
 * (so a user who never comes back leaves nothing either); a user's directory goes when it is
 * empty. The one race, a directory removed as empty while another JVM adds to it, is met by
 * creating it again and retrying.
 */
final class FileSystemOwnerIndex implements SessionOwnerIndex {
    static final String DIRECTORY = "owners";
    private static final String TEMP_PREFIX = ".tmp-";

    private final FileSystemSessionBackend backend;
    private final FileSystemSettings settings;
    private final String keyPrefix;
    private final Clock clock;
    private final boolean posix;

    FileSystemOwnerIndex(FileSystemSessionBackend backend, FileSystemSettings settings, String keyPrefix, Clock clock, boolean posix) {
        this.backend = backend;
        this.settings = settings;
        this.keyPrefix = keyPrefix;
        this.clock = clock;
        this.posix = posix;
    }

    @Override
    public void add(String owner, String id, Instant until) {
        backend.io(() -> {
            Path directory = directoryOf(owner);
            for (int attempt = 0; ; attempt++) {
                try {
                    Files.createDirectories(directory, backend.directoryMode());
                    write(directory, id, until);
                    return null;
                } catch (NoSuchFileException e) {
                    if (attempt > 3) {
                        throw e;
                    }
                    // removed as empty by another JVM between the two lines: make it again
                }
            }
        });
    }

    @Override
    public void remove(String owner, String id) {
        backend.io(() -> {
            Path directory = directoryOf(owner);
            Files.deleteIfExists(directory.resolve(backend.fileOf(id).getFileName().toString()));
            removeIfEmpty(directory);
            return null;
        });
    }

    @Override
    public Set<String> ids(String owner) {
        return backend.io(() -> {
            Set<String> ids = new LinkedHashSet<>();
            Path directory = directoryOf(owner);
            if (!Files.isDirectory(directory)) {
                return ids;
            }
            Instant now = clock.instant();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, p -> !p.getFileName().toString().startsWith("."))) {
                for (Path entry : entries) {
                    try {
                        if (!Files.getLastModifiedTime(entry).toInstant().isAfter(now)) {
                            Files.deleteIfExists(entry);
                        } else {
                            ids.add(new String(Files.readAllBytes(entry), StandardCharsets.UTF_8));
                        }
                    } catch (NoSuchFileException e) {
                        // removed by another request meanwhile
                    }
                }
            }
            removeIfEmpty(directory);
            return ids;
        });
    }

    /** Deletes every user's expired entries and empty directories; returns how many entries went. */
    int purgeExpired() throws IOException {
        Path root = settings.directory().resolve(DIRECTORY);
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        Instant now = clock.instant();
        try (DirectoryStream<Path> owners = Files.newDirectoryStream(root)) {
            for (Path directory : owners) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                    for (Path entry : entries) {
                        boolean debris = entry.getFileName().toString().startsWith(TEMP_PREFIX);
                        try {
                            if ((debris || !Files.getLastModifiedTime(entry).toInstant().isAfter(now)) && Files.deleteIfExists(entry)) {
                                removed += debris ? 0 : 1;
                            }
                        } catch (NoSuchFileException e) {
                            // gone meanwhile
                        }
                    }
                } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
                    continue;
                }
                removeIfEmpty(directory);
            }
        }
        return removed;
    }

    /**
     * The file names of the sessions some user is logged in to: every live entry of every user
     * (an entry is named as its session's file). Read when the threshold prunes, about once per
     * tenth of it, so that a flood of anonymous sessions never pushes a login out.
     */
    Set<String> loggedInSessionFiles() throws IOException {
        Set<String> names = new java.util.HashSet<>();
        Path root = settings.directory().resolve(DIRECTORY);
        if (!Files.isDirectory(root)) {
            return names;
        }
        Instant now = clock.instant();
        try (DirectoryStream<Path> owners = Files.newDirectoryStream(root)) {
            for (Path directory : owners) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, p -> !p.getFileName().toString().startsWith("."))) {
                    for (Path entry : entries) {
                        try {
                            if (Files.getLastModifiedTime(entry).toInstant().isAfter(now)) {
                                names.add(entry.getFileName().toString());
                            }
                        } catch (NoSuchFileException e) {
                            // logged out meanwhile
                        }
                    }
                } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
                    // removed as empty meanwhile, or debris
                }
            }
        }
        return names;
    }

    /** How many entries {@code owner}'s directory holds, expired or not (for tests and benchmarks). */
    long size(String owner) throws IOException {
        Path directory = directoryOf(owner);
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (var files = Files.list(directory)) {
            return files.count();
        }
    }

    private void write(Path directory, String id, Instant until) throws IOException {
        Path temp = directory.resolve(TEMP_PREFIX + UUID.randomUUID());
        boolean moved = false;
        try {
            if (posix) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(settings.fileMode()));
                Files.setPosixFilePermissions(temp, settings.fileMode());
            }
            Files.write(temp, id.getBytes(StandardCharsets.UTF_8));
            Files.setLastModifiedTime(temp, FileTime.from(until));
            Path entry = directory.resolve(backend.fileOf(id).getFileName().toString());
            try {
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, entry, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void removeIfEmpty(Path directory) throws IOException {
        try {
            Files.deleteIfExists(directory);
        } catch (DirectoryNotEmptyException e) {
            // still in use: the usual case
        }
    }

    private Path directoryOf(String owner) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((keyPrefix + owner).getBytes(StandardCharsets.UTF_8));
            return settings.directory().resolve(DIRECTORY).resolve(HexFormat.of().formatHex(digest));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
