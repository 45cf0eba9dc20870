package dev.serversessions.internal.backend.filesystem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.backend.LeaseRace;
import dev.serversessions.internal.backend.SessionBackendContract;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemSessionBackendTest extends SessionBackendContract {
    @TempDir
    Path dir;

    @Override
    protected SessionBackend createBackend(String keyPrefix) {
        return backendIn(dir.resolve("sessions"), 0, "0600", keyPrefix);
    }

    /** Every file under the test's directory: its path, then its bytes. */
    @Override
    protected String storeDump() throws IOException {
        StringBuilder dump = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                dump.append(file).append('\n');
                if (Files.isRegularFile(file)) {
                    dump.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n');
                }
            }
        }
        return dump.toString();
    }

    private SessionBackend backendIn(Path directory, long threshold, String mode, String prefix) {
        return new FileSystemSessionBackend(new FileSystemSettings(directory, threshold, FileSystemSettings.parseMode(mode)),
                prefix, Clock.systemUTC());
    }

    private long sessionFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).count();
        }
    }

    @Override
    protected long storedOwnerEntries(SessionBackend backend, String owner) throws IOException {
        return ((FileSystemSessionBackend) backend).fileOwnerIndex().size(owner);
    }

    @Test
    void twoJvmsSharingTheDirectorySeeOneIndex() {
        // two backends on one directory share nothing in memory, as two JVMs would
        SessionBackend a = backend();
        SessionBackend b = backend();
        String onA = IDS.generate();
        String onB = IDS.generate();
        a.apply(onA, create(Map.of("x", bytes("1")), inMinutes(5)));
        b.apply(onB, create(Map.of("x", bytes("1")), inMinutes(5)));
        a.ownerIndex().orElseThrow().add("frank", onA, inMinutes(10));
        b.ownerIndex().orElseThrow().add("frank", onB, inMinutes(10));

        assertEquals(Set.of(onA, onB), a.ownerIndex().orElseThrow().ids("frank"));
        b.ownerIndex().orElseThrow().remove("frank", onA);
        assertEquals(Set.of(onB), a.ownerIndex().orElseThrow().ids("frank"));
    }

    @Test
    void fileNamesAreHashesNeverTheId() throws IOException {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));

        try (Stream<Path> files = Files.list(dir.resolve("sessions"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(id)));
        }
        assertEquals(1, sessionFiles(dir.resolve("sessions")));
    }

    @Test
    void directoryIsCreatedOwnerOnlyAndFilesTakeTheConfiguredMode() throws IOException {
        Path directory = dir.resolve("fresh/nested");
        SessionBackend backend = backendIn(directory, 0, "0640", "session:");
        backend.apply(IDS.generate(), create(Map.of("a", bytes("1")), inMinutes(5)));

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        try (Stream<Path> files = Files.list(directory)) {
            Path file = files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).findFirst().orElseThrow();
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        backend.close();
    }

    @Test
    void thresholdDropsExpiredThenSoonestToExpire() throws Exception {
        Path directory = dir.resolve("bounded");
        SessionBackend backend = backendIn(directory, 3, "0600", "session:");
        String soonest = IDS.generate();
        String later = IDS.generate();
        String latest = IDS.generate();
        backend.apply(soonest, create(Map.of("a", bytes("1")), inMinutes(10)));
        backend.apply(later, create(Map.of("a", bytes("1")), inMinutes(20)));
        backend.apply(latest, create(Map.of("a", bytes("1")), inMinutes(30)));

        String newest = IDS.generate();
        backend.apply(newest, create(Map.of("a", bytes("1")), inMinutes(5)));

        assertEquals(3, sessionFiles(directory));
        assertFalse(backend.load(soonest).isPresent());
        assertTrue(backend.load(later).isPresent());
        assertTrue(backend.load(newest).isPresent());
        backend.close();
    }

    /**
     * The directory itself gone (an unmounted volume; the runtime tests' outage moves it away
     * before it puts a plain file there) is an unavailable store: a load, a slide and a change of
     * a session it held fail (503), never "no session" nor "changed by another request" (409),
     * and everything is back with the directory.
     */
    @Test
    void aSessionDirectoryThatIsGoneIsAnUnavailableStoreNotAMissingSession() throws Exception {
        Path directory = dir.resolve("gone");
        SessionBackend backend = backendIn(directory, 0, "0600", "session:");
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(30)));
        Path parked = dir.resolve("parked");
        Files.move(directory, parked);

        assertThrows(SessionStoreUnavailableException.class, () -> backend.load(id));
        assertThrows(SessionStoreUnavailableException.class, () -> backend.touch(id, inMinutes(40)));
        assertThrows(SessionStoreUnavailableException.class, () -> backend.apply(id, change(Map.of("a", bytes("2")), Set.of(), inMinutes(30))));
        assertThrows(SessionStoreUnavailableException.class, () -> backend.tryLock(id, "a", Duration.ofSeconds(30)), "a lease too");
        assertThrows(SessionStoreUnavailableException.class, () -> backend.unlock(id, "a"));

        Files.move(parked, directory);
        assertArrayEquals(bytes("1"), backend.load(id).orElseThrow().attributes().get("a"));
        backend.close();
    }

    @Test
    void hundredsOfSessionsStayUnderTheThreshold() throws Exception {
        Path directory = dir.resolve("many");
        SessionBackend backend = backendIn(directory, 50, "0600", "session:");
        for (int i = 0; i < 300; i++) {
            backend.apply(IDS.generate(), create(Map.of("a", bytes("1")), inMinutes(30)));
            assertTrue(sessionFiles(directory) <= 50);
        }
        assertTrue(sessionFiles(directory) >= 45, "pruned only a tenth below the threshold");
        backend.close();
    }

    @Test
    void twentyTimesTheDefaultThresholdOfSessionsStayBoundedOnDisk() throws Exception {
        // 10,000 new sessions: the directory is pruned about 200 times (each time a tenth below
        // the threshold), which shows the bound holds however many arrive; 100,000 took 2 minutes
        Path directory = dir.resolve("ten-thousand");
        SessionBackend backend = backendIn(directory, 500, "0600", "session:");
        byte[] value = new byte[100];
        for (int i = 0; i < 10_000; i++) {
            backend.apply(IDS.generate(), create(Map.of("a", value), inMinutes(30)));
        }
        assertTrue(sessionFiles(directory) <= 500, "files: " + sessionFiles(directory));
        try (Stream<Path> files = Files.list(directory)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "no temporary file left behind");
        }
        backend.close();
    }

    @Test
    void twoBackendsOnOneDirectoryLoseNoUpdate() throws Exception {
        // stands for two JVMs: separate lock channels on the same .lock file
        Path directory = dir.resolve("shared");
        SessionBackend a = backendIn(directory, 0, "0600", "session:");
        SessionBackend b = backendIn(directory, 0, "0600", "session:");
        String id = IDS.generate();
        a.apply(id, create(Map.of("start", bytes("0")), inMinutes(30)));
        Thread[] writers = new Thread[40];
        for (int i = 0; i < writers.length; i++) {
            SessionBackend backend = i % 2 == 0 ? a : b;
            String name = "k" + i;
            writers[i] = new Thread(() -> backend.apply(id, change(Map.of(name, bytes(name)), java.util.Set.of(), inMinutes(30))));
            writers[i].start();
        }
        for (Thread writer : writers) {
            writer.join(30_000);
        }
        assertEquals(41, a.load(id).orElseThrow().attributes().size());
        a.close();
        b.close();
    }

    /**
     * Stands for two JVMs (separate lock channels on one directory's {@code .lock}): threads of
     * both take, hold for a millisecond and release one session's lease for two seconds; a
     * taker never finds another holder inside, and no release is refused to its holder.
     */
    @Test
    void twoBackendsRacingForOneLeaseNeverBothHoldIt() throws Exception {
        Path directory = dir.resolve("race");
        SessionBackend a = backendIn(directory, 0, "0600", "session:");
        SessionBackend b = backendIn(directory, 0, "0600", "session:");
        Files.createDirectories(dir.resolve("marks"));

        LeaseRace.Result result = LeaseRace.run(List.of(a, b), IDS.generate(), 4, Duration.ofSeconds(2), dir.resolve("marks").resolve("inside"));

        assertEquals(0, result.overlaps(), "takes: " + result.takes());
        assertEquals(0, result.failedReleases());
        assertTrue(result.takes() > 100, "the race took the lease " + result.takes() + " times");
        a.close();
        b.close();
    }

    /**
     * Two real JVMs on one directory: a second {@code java} process ({@link LeaseRacerJvm}, the
     * test classpath) races this one for one session's lease, each marking "inside" with one
     * shared file, created exclusively, while it holds the lease.
     */
    @Test
    void twoJvmsRacingForOneLeaseNeverBothHoldIt() throws Exception {
        Path directory = dir.resolve("race-jvms");
        SessionBackend here = backendIn(directory, 0, "0600", "session:");
        String id = IDS.generate();
        here.load(id);
        Path inside = dir.resolve("inside");
        String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process other = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"), LeaseRacerJvm.class.getName(),
                directory.toString(), id, inside.toString(), "3000").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine(), "the other JVM started");
            LeaseRace.Result ours = LeaseRace.run(List.of(here), id, 4, Duration.ofSeconds(3), inside);
            String line = out.readLine();
            assertNotNull(line, "the other JVM ended without its result (its error output is above)");
            String[] theirs = line.split(" ");
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));

            assertEquals(0, ours.overlaps(), "overlaps seen here, takes: " + ours.takes());
            assertEquals("0", theirs[1], "overlaps seen by the other JVM, takes: " + theirs[0]);
            assertEquals(0, ours.failedReleases());
            assertEquals("0", theirs[2]);
            assertTrue(ours.takes() > 50 && Integer.parseInt(theirs[0]) > 50,
                    "both took the lease many times: here " + ours.takes() + ", there " + theirs[0]);
        } finally {
            other.destroyForcibly();
            here.close();
        }
    }

    /**
     * A session's lease is not the directory-wide lock: while another JVM holds that one (here:
     * a channel of its own on {@code .lock}, as a second server writing would), leases are
     * still taken and released at once, and a write waits.
     */
    @Test
    void leasesDoNotWaitForTheDirectoryLock() throws Exception {
        Path directory = dir.resolve("busy");
        SessionBackend backend = backendIn(directory, 0, "0600", "session:");
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        try (FileChannel other = FileChannel.open(directory.resolve(".lock"),
                StandardOpenOption.WRITE);
                FileLock writer = other.lock(0, 1, false)) {
            long start = System.nanoTime();
            assertTrue(backend.tryLock(id, "a", Duration.ofSeconds(30)));
            assertFalse(backend.tryLock(id, "b", Duration.ofSeconds(30)));
            assertTrue(backend.unlock(id, "a"));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "no wait for the writer");
            Thread later = new Thread(() -> backend.apply(id, change(Map.of("a", bytes("2")), Set.of(), inMinutes(5))));
            later.start();
            later.join(300);
            assertTrue(later.isAlive(), "a write waits for the directory lock");
            writer.release();
            later.join(15_000);
        }
        assertArrayEquals(bytes("2"), backend.load(id).orElseThrow().attributes().get("a"));
        backend.close();
    }

    /** Lease files left by dead holders, and released ones, go with the purge; a lease still running stays. */
    @Test
    void thePurgeRemovesLeasesWhoseTimePassedOnly() throws Exception {
        FileSystemSessionBackend backend = (FileSystemSessionBackend) backend();
        String dead = IDS.generate();
        String live = IDS.generate();
        assertTrue(backend.tryLock(dead, "dead", Duration.ofSeconds(1)));
        assertTrue(backend.tryLock(live, "live", Duration.ofSeconds(30)));
        Files.setLastModifiedTime(backend.lockFileOf(dead), FileTime.from(Instant.now().minusSeconds(1)));

        backend.purgeExpired();

        assertFalse(Files.exists(backend.lockFileOf(dead)));
        assertTrue(Files.exists(backend.lockFileOf(live)));
        assertFalse(backend.tryLock(live, "next", Duration.ofSeconds(30)), "still held");
        assertTrue(backend.unlock(live, "live"));
        assertFalse(Files.getLastModifiedTime(backend.lockFileOf(live)).toInstant().isAfter(Instant.now()),
                "a released lease stays, free: its time has passed");
        assertFalse(backend.unlock(live, "live"), "released already");

        backend.purgeExpired();

        assertFalse(Files.exists(backend.lockFileOf(live)), "the purge removes released leases");
        assertTrue(backend.tryLock(live, "next", Duration.ofSeconds(30)));
        assertTrue(backend.unlock(live, "next"));
    }

    /**
     * Files that are not ours where a session file should be: garbage, a truncated session file,
     * one whose header looks right but whose lengths lie, and a directory. Each is malformed (the
     * core logs it once and starts a session under a new id), never an outage, and left as it is.
     */
    @Test
    void aFileThatIsNotASessionFileIsMalformedAndLeftAlone() throws IOException {
        SessionBackend backend = backend();
        byte[] session = new SessionFile("x", Instant.now(), Map.of("user", bytes("alice"))).toBytes();
        byte[] lyingLength = session.clone();
        lyingLength[21 + 3] = 100; // magic 4, key 4 + 1, created 8, count 4: the name's length now says 100
        Map<String, byte[]> files = Map.of(
                "garbage", bytes("garbage"),
                "truncated", java.util.Arrays.copyOf(session, session.length - 2),
                "lying length", lyingLength,
                "empty", new byte[0]);
        FileTime future = FileTime.from(Instant.now().plusSeconds(300));
        for (Map.Entry<String, byte[]> foreign : files.entrySet()) {
            String id = IDS.generate();
            backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
            Path file = ((FileSystemSessionBackend) backend).fileOf(id);
            Files.write(file, foreign.getValue());
            Files.setLastModifiedTime(file, future);

            assertThrows(MalformedSessionException.class, () -> backend.load(id), foreign.getKey());
            assertArrayEquals(foreign.getValue(), Files.readAllBytes(file), foreign.getKey());
            assertEquals(future, Files.getLastModifiedTime(file), "not slid: " + foreign.getKey());
        }

        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        Path file = ((FileSystemSessionBackend) backend).fileOf(id);
        Files.delete(file);
        Files.createDirectory(file);
        Files.setLastModifiedTime(file, future);
        assertThrows(MalformedSessionException.class, () -> backend.load(id), "a directory is no session, nor an outage");
    }

    @Test
    void thePurgeRemovesTemporaryFilesThatAWriteLeftBehind() throws IOException {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        Path debris = dir.resolve("sessions").resolve(".tmp-left-by-a-killed-jvm");
        Files.writeString(debris, "half a session");

        backend.purgeExpired();

        assertFalse(Files.exists(debris));
        assertTrue(backend.load(id).isPresent(), "live sessions stay");
    }
}
