package dev.serversessions.internal.backend.filesystem;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionOwnerIndex;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.SessionKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One file per session in {@code SESSION_FILE_DIR}, named by the SHA-256 of the prefixed key so
 * that no cookie value ever becomes a path. The file's modification time is the session's
 * expiry. Writes go to a temporary file that is renamed over the old one, under a directory
 * lock that also holds across JVMs, and merge the change set into what is on disk so that
 * concurrent requests changing different attributes both survive.
 */
final class FileSystemSessionBackend implements SessionBackend {
    private static final Logger LOG = Logger.getLogger(FileSystemSessionBackend.class.getName());
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String LOCK_SUFFIX = ".lock";

    private final FileSystemSettings settings;
    private final String keyPrefix;
    private final Clock clock;
    private final boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private DirectoryLock lock;
    /** Session files as of the last listing plus those created since; -1 before the first. */
    private final FileSystemOwnerIndex ownerIndex;
    private final FileThreshold threshold;
    /** Whether expired session files stay until {@link #claimExpired} takes them. */
    private volatile boolean keepExpired;

    FileSystemSessionBackend(FileSystemSettings settings, String keyPrefix, Clock clock) {
        this.settings = settings;
        this.keyPrefix = keyPrefix;
        this.clock = clock;
        this.ownerIndex = new FileSystemOwnerIndex(this, settings, keyPrefix, clock, posix);
        this.threshold = new FileThreshold(settings, clock, ownerIndex);
    }

    @Override
    public Optional<SessionOwnerIndex> ownerIndex() {
        return Optional.of(ownerIndex);
    }

    /** The owner index, for tests that count its entries. */
    FileSystemOwnerIndex fileOwnerIndex() {
        return ownerIndex;
    }

    @Override
    public Optional<StoredSession> load(String id) {
        Path file = fileOf(id);
        try {
            openDirectory();
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Instant expires = attributes.lastModifiedTime().toInstant();
            if (!expires.isAfter(clock.instant())) {
                return Optional.empty();
            }
            if (attributes.isDirectory()) {
                throw new MalformedSessionException("a directory stands where the session file should be");
            }
            byte[] data = Files.readAllBytes(file);
            SessionFile session;
            try {
                session = SessionFile.parse(data);
            } catch (IOException e) {
                // garbage, a truncated file, lengths that do not add up: not a file this library
                // wrote; it is left alone (the request gets a session under a new id)
                throw new MalformedSessionException("the session file is not one this library wrote (" + e.getMessage() + ")", e);
            }
            return Optional.of(new StoredSession(session.attributes(), session.created(), expires));
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(settings.directory())) {
                throw unavailable(e);
            }
            return Optional.empty();
        } catch (IOException e) {
            if (Files.isRegularFile(file)) {
                LOG.log(Level.WARNING, "Session file " + file.getFileName() + " is unreadable (" + e.getMessage()
                        + "); it is treated as no session");
                return Optional.empty();
            }
            throw unavailable(e);
        }
    }

    @Override
    public boolean apply(String id, ChangeSet changes) {
        return locked(() -> {
            Path file = fileOf(id);
            Optional<SessionFile> existing = readLive(file);
            if (existing.isEmpty() && !changes.isNew()) {
                return false;
            }
            if (existing.isEmpty()) {
                threshold.makeRoomForOneMore();
            }
            Map<String, byte[]> attributes = new LinkedHashMap<>(existing.map(SessionFile::attributes).orElse(Map.of()));
            attributes.putAll(changes.put());
            attributes.keySet().removeAll(changes.removed());
            Instant created = existing.map(SessionFile::created).orElse(changes.created());
            write(file, new SessionFile(keyPrefix + id, created, attributes), changes.expires());
            return true;
        });
    }

    @Override
    public void delete(String id) {
        locked(() -> Files.deleteIfExists(fileOf(id)));
    }

    @Override
    public boolean touch(String id, Instant expires) {
        return locked(() -> {
            Path file = fileOf(id);
            try {
                // the file time is the expiry, and the core touches only a session it just
                // loaded: whether the file is still live is all a slide needs to read
                if (!Files.getLastModifiedTime(file).toInstant().isAfter(clock.instant())) {
                    return false;
                }
            } catch (NoSuchFileException e) {
                requireDirectory(e);
                return false;
            }
            Files.setLastModifiedTime(file, FileTime.from(expires));
            return true;
        });
    }

    @Override
    public boolean changeId(String oldId, String newId) {
        return locked(() -> {
            Path from = fileOf(oldId);
            Optional<SessionFile> live = readLive(from);
            if (live.isEmpty()) {
                return false;
            }
            Instant expires = Files.getLastModifiedTime(from).toInstant();
            Path to = fileOf(newId);
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // the id inside follows, still under the directory lock, so a claim never reads the old one
            write(to, new SessionFile(keyPrefix + newId, live.get().created(), live.get().attributes()), expires);
            return true;
        });
    }

    /**
     * A {@link LeaseFile} beside the session's, read and written holding the session's own lease
     * lock ({@link DirectoryLock#callFor}: an OS lock on one byte of the directory's {@code .lock},
     * which holds across JVMs sharing the directory), never the directory-wide one, so lease calls
     * of different sessions run side by side. A release keeps the file (the purge removes free
     * ones), so taking and releasing a lock rewrite one small file rather than a directory entry.
     */
    @Override
    public boolean tryLock(String id, String token, java.time.Duration lease) {
        byte[] ours = token.getBytes(StandardCharsets.UTF_8);
        return leased(fileOf(id), () -> LeaseFile.take(lockFileOf(id), ours, clock.instant(), lease));
    }

    @Override
    public boolean unlock(String id, String token) {
        byte[] ours = token.getBytes(StandardCharsets.UTF_8);
        return leased(fileOf(id), () -> {
            try {
                return LeaseFile.release(lockFileOf(id), ours);
            } catch (NoSuchFileException e) {
                requireDirectory(e);
                return false;
            }
        });
    }

    /** The lease file of {@code id}'s lock: the session file's name with {@code .lock}. */
    Path lockFileOf(String id) {
        Path session = fileOf(id);
        return session.resolveSibling(session.getFileName() + LOCK_SUFFIX);
    }

    @Override
    public int purgeExpired() {
        int purged = locked(() -> {
            int removed = 0;
            for (SessionEntry entry : keepExpired ? List.<SessionEntry>of() : SessionEntry.in(settings.directory())) {
                if (!entry.expires().isAfter(clock.instant()) && Files.deleteIfExists(entry.file())) {
                    removed++;
                }
            }
            removeWriteDebris();
            ownerIndex.purgeExpired();
            return removed;
        });
        io(() -> {
            removeStaleLocks();
            return null;
        });
        return purged;
    }

    /** Nothing here expires by itself: a session stays until claimed, whatever the grace. */
    @Override
    public boolean keepExpiredForClaims(java.time.Duration grace) {
        keepExpired = true;
        return true;
    }

    /**
     * The directory is listed without the lock (a sweep that finds nothing expired costs the
     * writers nothing); the expired files found are then read and deleted under the directory
     * lock, which every JVM sharing the directory takes for every write, each checked again
     * there, so each is claimed by exactly one caller. The file name is a hash, so the id comes
     * from the key in the file ({@link SessionFile#key}); a file of another key prefix is left to
     * its own application, and one written before files kept their key is deleted unannounced.
     */
    @Override
    public Map<String, StoredSession> claimExpired(int max) {
        Instant listed = clock.instant();
        List<SessionEntry> expired = new ArrayList<>(io(() -> SessionEntry.in(settings.directory()).stream().filter(e -> !e.expires().isAfter(listed)).toList()));
        if (expired.isEmpty()) {
            return Map.of();
        }
        expired.sort(Comparator.comparing(SessionEntry::expires));
        return locked(() -> {
            Instant now = clock.instant();
            Map<String, StoredSession> claimed = new LinkedHashMap<>();
            for (SessionEntry entry : expired) {
                if (claimed.size() >= max) {
                    break;
                }
                SessionFile session;
                Instant expires;
                try {
                    expires = Files.getLastModifiedTime(entry.file()).toInstant();
                    if (expires.isAfter(now)) {
                        continue; // written anew since the listing
                    }
                    session = SessionFile.parse(Files.readAllBytes(entry.file()));
                } catch (NoSuchFileException e) {
                    continue; // claimed or deleted since the listing
                } catch (IOException e) {
                    LOG.warning(() -> "Expired session file " + entry.file().getFileName() + " is not one this library wrote ("
                            + e.getMessage() + "); it is deleted unannounced");
                    Files.deleteIfExists(entry.file());
                    continue;
                }
                String id = SessionKeys.idOf(session.key(), keyPrefix);
                if (session.key() != null && id == null) {
                    continue;
                }
                Files.deleteIfExists(entry.file());
                if (id != null) {
                    claimed.put(id, new StoredSession(session.attributes(), session.created(), expires));
                }
            }
            return claimed;
        });
    }

    /**
     * Lease files whose holder died (a released lock leaves none), each checked again and
     * deleted holding its session's lease lock, so a lease taken anew since the listing stays.
     */
    private void removeStaleLocks() throws IOException {
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(settings.directory(), "*" + LOCK_SUFFIX)) {
            for (Path file : locks) {
                try {
                    if (!Files.getLastModifiedTime(file).toInstant().isAfter(clock.instant())) {
                        stale.add(file);
                    }
                } catch (NoSuchFileException e) {
                    // released meanwhile
                }
            }
        }
        for (Path file : stale) {
            String name = file.getFileName().toString();
            String hash = name.substring(0, name.length() - LOCK_SUFFIX.length());
            if (!hash.matches("[0-9a-f]{64}")) {
                continue; // not a lease file of this library
            }
            openDirectory().callFor(hash, () -> {
                try {
                    if (!Files.getLastModifiedTime(file).toInstant().isAfter(clock.instant())) {
                        Files.deleteIfExists(file);
                    }
                } catch (NoSuchFileException e) {
                    // released meanwhile
                }
                return null;
            });
        }
    }

    /**
     * Removes temporary files that no write is using. Every write holds the directory lock, as
     * the purge does now, so a temporary file seen here was left by a write that could not finish
     * its cleanup: a JVM killed mid-write, or a directory that vanished under it (an outage).
     */
    private void removeWriteDebris() throws IOException {
        try (DirectoryStream<Path> debris = Files.newDirectoryStream(settings.directory(), TEMP_PREFIX + "*")) {
            for (Path file : debris) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public boolean expiresEntriesItself() {
        return false;
    }

    @Override
    public String describe() {
        return "filesystem " + settings.directory();
    }

    @Override
    public synchronized void close() {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the lock file failed", e);
            }
            lock = null;
        }
    }

    /** Where {@code id}'s session lives: a hash, never the id itself. */
    Path fileOf(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((keyPrefix + id).getBytes(StandardCharsets.UTF_8));
            return settings.directory().resolve(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private Optional<SessionFile> readLive(Path file) throws IOException {
        try {
            if (!Files.getLastModifiedTime(file).toInstant().isAfter(clock.instant())) {
                return Optional.empty();
            }
            return Optional.of(SessionFile.parse(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            requireDirectory(e);
            return Optional.empty();
        } catch (IOException e) {
            if (Files.isRegularFile(file)) {
                LOG.warning(() -> "Session file " + file.getFileName() + " is unreadable (" + e.getMessage() + "); it is replaced");
                return Optional.empty();
            }
            throw e;
        }
    }

    private void write(Path file, SessionFile session, Instant expires) throws IOException {
        Path temp = settings.directory().resolve(TEMP_PREFIX + UUID.randomUUID());
        boolean moved = false;
        try {
            if (posix) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(settings.fileMode()));
                // the umask may have narrowed the mode given at creation
                Files.setPosixFilePermissions(temp, settings.fileMode());
            }
            Files.write(temp, session.toBytes());
            Files.setLastModifiedTime(temp, FileTime.from(expires));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Runs {@code action} holding the lease lock of the session file {@code sessionFile}. */
    private <T> T leased(Path sessionFile, DirectoryLock.IoAction<T> action) {
        try {
            return openDirectory().callFor(sessionFile.getFileName().toString(), action);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private <T> T locked(DirectoryLock.IoAction<T> action) {
        try {
            return openDirectory().call(action);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /**
     * Runs file work that needs no lock (the owner index: one atomic file operation per change),
     * with the directory made if missing and I/O failures reported as an outage.
     */
    <T> T io(DirectoryLock.IoAction<T> action) {
        try {
            openDirectory();
            return action.run();
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private synchronized DirectoryLock openDirectory() throws IOException {
        if (lock == null) {
            if (!Files.isDirectory(settings.directory())) {
                Files.createDirectories(settings.directory(), directoryMode());
            }
            lock = new DirectoryLock(settings.directory());
        }
        return lock;
    }

    java.nio.file.attribute.FileAttribute<?>[] directoryMode() {
        if (!posix) {
            return new java.nio.file.attribute.FileAttribute<?>[0];
        }
        return new java.nio.file.attribute.FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(EnumSet.of(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))};
    }

    /**
     * A missing file is a missing session only while the directory is there: without it (an
     * unmounted volume, a directory moved away) the store is gone, and a request gets 503, not a
     * fresh session nor a "changed by another request" refusal for a session that vanished.
     */
    private void requireDirectory(NoSuchFileException e) throws IOException {
        if (!Files.isDirectory(settings.directory())) {
            throw new IOException("the session directory is gone", e);
        }
    }

    private SessionStoreUnavailableException unavailable(IOException e) {
        return new SessionStoreUnavailableException(describe(), e);
    }

}
