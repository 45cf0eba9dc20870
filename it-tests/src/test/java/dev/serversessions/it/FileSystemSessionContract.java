package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.StoreOutage;
import dev.serversessions.testsupport.PrivateIds;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 on the filesystem backend, plus what only files can show, on whichever runtime the
 * subclass starts: each runtime's request handling is proven here, on every runtime
 * ({@link FileSystemSessionIT}: Payara Micro, {@link FileSystemSessionWildFlyIT}: WildFly,
 * {@link FileSystemSessionLibertyIT}: Open Liberty, {@link FileSystemSessionGlassFishIT}:
 * GlassFish), with the {@code HttpSession} battery and the scoped beans.
 */
abstract class FileSystemSessionContract extends SessionSemanticsContract implements SessionScopedBeansContract, HttpSessionApiContract {

    /**
     * Files have no configurable timeout: the only wait is for the directory lock, at most ten
     * seconds (another writer, in this JVM or another, holding it).
     */
    @Override
    protected long storeTimeoutMillis() {
        return 10_000;
    }

    /**
     * The outage swaps the directory for a plain file: every file operation fails at once and
     * no request waits for the directory lock's timeout, so waiting twice that timeout (20 s each
     * way) would show nothing more than 4 s do.
     */
    @Override
    protected long outageMillis() {
        return 4000;
    }

    /** The session directory of the server under test. */
    protected abstract Path directory();

    /** A fresh session directory (not created yet) in the test work directory. */
    static Path newSessionDirectory() {
        return PayaraMicro.workDir().resolve("filesystem-" + System.nanoTime()).resolve("sessions");
    }

    /** The directory is swapped for a plain file: every file operation fails, even for root. */
    @Override
    protected StoreOutage outage() {
        Path directory = directory();
        Path parked = directory.resolveSibling("parked");
        return StoreOutage.of(() -> {
            Files.move(directory, parked);
            Files.writeString(directory, "not a directory");
        }, () -> {
            Files.delete(directory);
            Files.move(parked, directory);
        });
    }

    /**
     * Another process (here the test) holds the directory lock, as a second server sharing the
     * directory would while it writes: 20 concurrent writers each get their 503 once the lock
     * wait runs out, none waits longer; readers take no lock and are served meanwhile; and
     * writes work again as soon as the lock is free.
     */
    @Test
    void whileAnotherProcessHoldsTheDirectoryLockWritersGet503InTimeAndReadersAreServed() throws Exception {
        List<Browser> browsers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Browser browser = browser();
            assertEquals(204, browser.put("/api/session/a", "1").status());
            browsers.add(browser);
        }
        ExecutorService pool = Executors.newFixedThreadPool(40);
        List<Future<long[]>> writes = new ArrayList<>();
        List<Future<long[]>> reads = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(directory().resolve(".lock"), StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            for (Browser browser : browsers) {
                writes.add(pool.submit(() -> timed(() -> browser.put("/api/session/b", "2").status())));
                reads.add(pool.submit(() -> timed(() -> browser.get("/probe/read?name=a").status())));
            }
            for (Future<long[]> read : reads) {
                long[] outcome = read.get(60, TimeUnit.SECONDS);
                assertEquals(200, outcome[0], "a reader takes no lock");
                assertTrue(outcome[1] < OUTAGE_MARGIN_MS, "a read took " + outcome[1] + " ms");
            }
            long slowest = 0;
            for (Future<long[]> write : writes) {
                long[] outcome = write.get(60, TimeUnit.SECONDS);
                assertEquals(503, outcome[0], "a writer gives up on a lock it cannot get");
                slowest = Math.max(slowest, outcome[1]);
            }
            System.out.println("Directory lock held elsewhere (" + getClass().getSimpleName() + "): 20 writers, slowest 503 after "
                    + slowest + " ms");
            assertTrue(slowest <= storeTimeoutMillis() + OUTAGE_MARGIN_MS, "a writer waited " + slowest + " ms");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(204, browsers.get(0).put("/api/session/b", "2").status(), "writes work again once the lock is free");
    }

    private static long[] timed(Callable<Integer> request) throws Exception {
        long start = System.nanoTime();
        int status = request.call();
        return new long[] {status, (System.nanoTime() - start) / 1_000_000};
    }

    @Test
    void hostileCookiesTouchNoFileOutsideTheDirectory() throws IOException {
        Path directory = directory();
        Path outside = directory.getParent();
        long before = count(outside);
        for (String value : new String[] {"../../etc/passwd", "../sessions/x", "..%2f..%2fx", "/etc/passwd"}) {
            Browser browser = browser().withCookie(value);
            assertEquals(200, browser.get("/api/session").status());
            assertEquals(204, browser.put("/api/session/a", "1").status());
        }
        assertEquals(before, count(outside), "nothing created beside the session directory");
        try (Stream<Path> files = Files.list(directory)) {
            // a write cut off by an earlier outage test may leave its temporary file until the
            // next purge: named by a random UUID, never by anything the cookie said
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            // "owners": the index of a user's sessions, whose entries are hashed names too; a hashed
            // name with ".lock": a lease (the expiry sweep's, held while the server runs)
            assertTrue(names.stream().allMatch(n -> n.matches("[0-9a-f]{64}(\\.lock)?") || n.equals(".lock") || n.equals("owners")
                    || n.matches("\\.tmp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")), "only hashed names: " + names);
        }
        Path owners = directory.resolve("owners");
        if (Files.isDirectory(owners)) {
            try (Stream<Path> all = Files.walk(owners)) {
                List<String> names = all.filter(p -> !p.equals(owners)).map(p -> p.getFileName().toString()).toList();
                assertTrue(names.stream().allMatch(n -> n.matches("[0-9a-f]{64}")
                        || n.matches("\\.tmp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")),
                        "only hashed names in the owner index: " + names);
            }
        }
    }

    /**
     * Issue 27 through HTTP: after requests with cookies, a reader of every file under the
     * session directory (names and contents: sessions, locks, the owner index) finds no id a
     * browser sends as its cookie; the session file holds its private id.
     */
    @Test
    void aReaderOfTheSessionDirectoryFindsNoIdABrowserCouldSend() throws IOException {
        List<String> cookies = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Browser browser = browser();
            assertEquals(204, browser.put("/api/session/user", "alice").status());
            assertEquals(200, browser.get("/api/session").status());
            cookies.add(browser.cookie().orElseThrow());
        }
        StringBuilder dump = new StringBuilder();
        try (Stream<Path> all = Files.walk(directory())) {
            for (Path file : (Iterable<Path>) all::iterator) {
                dump.append(file).append('\n');
                if (Files.isRegularFile(file)) {
                    dump.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n');
                }
            }
        }
        for (String cookie : cookies) {
            assertFalse(dump.toString().contains(PrivateIds.idOf(cookie)), "the directory holds the id of cookie " + cookie);
            assertTrue(dump.toString().contains(PrivateIds.key("session:", cookie)), "the session file names its private id");
        }
    }

    /**
     * What a conversation keeps is in the session file while it runs, and gone once it ended:
     * Weld destroys an ended conversation's beans by listing the session's attributes, which the
     * server session's view lists from the store ({@code WeldConversationContext}).
     */
    @Test
    void anEndedConversationLeavesNothingOfItsBeanInTheSessionFile() throws Exception {
        Browser browser = browser();
        Browser.Response begun = browser.post("/beans/conversation");
        assertEquals(200, begun.status(), begun.body());
        assertEquals("1", browser.post("/beans/conversation?cid=" + begun.body()).body());
        String bean = "dev.serversessions.it.probe.ConversationCounter";
        assertTrue(sessionFile(browser).contains(bean), "the bean is not in the session file");
        assertEquals("2", browser.delete("/beans/conversation?cid=" + begun.body()).body());
        assertFalse(sessionFile(browser).contains(bean), "the ended conversation's bean is still in the session file");
    }

    /** The content of the session file of a browser's session, as ISO-8859-1 text. */
    private String sessionFile(Browser browser) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
                PrivateIds.key("session:", browser.cookie().orElseThrow()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new String(Files.readAllBytes(directory().resolve(java.util.HexFormat.of().formatHex(digest))),
                java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    @Override
    public AppServer beanServer() {
        return server();
    }

    @Override
    public AppServer httpSessionServer() {
        return server();
    }

    /**
     * The session file's change time (ctime) moves with every write of its content or its
     * times, and with a rename over it; the kernel keeps it, nobody can set it.
     */
    @Test
    void readOnlyRequestsBetweenSlidesLeaveTheSessionFileAlone() throws Exception {
        assertReadOnlyRequestsWriteNothingUntilTheSlideIsDue(id -> {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(PrivateIds.key("session:", id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Path file = directory().resolve(java.util.HexFormat.of().formatHex(digest));
            java.time.Instant changed = ((java.nio.file.attribute.FileTime) Files.getAttribute(file, "unix:ctime")).toInstant();
            return changed.getEpochSecond() * 1_000_000_000L + changed.getNano();
        });
    }

    @Test
    void aFileThatIsNotOursIsNoSessionAndLeftAlone() throws Exception {
        String id = unusedId();
        assertEquals(204, browser().put("/api/session/a", "1").status()); // the directory exists from here on
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(PrivateIds.key("session:", id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path file = directory().resolve(java.util.HexFormat.of().formatHex(digest));
        byte[] foreign = {'S', 'S', 'F', '1', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 99, 'x'};
        Files.write(file, foreign);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(600)));

        assertForeignEntryIsNoSession(id);
        org.junit.jupiter.api.Assertions.assertArrayEquals(foreign, Files.readAllBytes(file), "left alone");
    }
}
