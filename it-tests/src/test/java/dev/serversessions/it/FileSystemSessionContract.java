package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.StoreOutage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 on the filesystem backend, plus what only files can show, on whichever runtime the
 * subclass starts ({@link FileSystemSessionIT}: Payara Micro, {@link FileSystemSessionWildFlyIT}:
 * WildFly).
 */
abstract class FileSystemSessionContract extends SessionSemanticsContract {

    /**
     * Files have no configurable timeout: the only wait is for the directory lock, at most ten
     * seconds (another writer, in this JVM or another, holding it).
     */
    @Override
    protected long storeTimeoutMillis() {
        return 10_000;
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
        return new StoreOutage() {
            @Override
            public void begin() throws IOException {
                Files.move(directory, parked);
                Files.writeString(directory, "not a directory");
            }

            @Override
            public void end() throws IOException {
                Files.delete(directory);
                Files.move(parked, directory);
            }
        };
    }

    @Test
    void sessionsSurviveARestartOfTheServer() {
        Browser browser = browser();
        browser.put("/api/session/cart", "3 items");

        server().restart();

        assertEquals("3 items", attribute(browser, "cart"));
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
            assertTrue(files.map(p -> p.getFileName().toString())
                    .allMatch(n -> n.matches("[0-9a-f]{64}") || n.equals(".lock")), "only hashed names");
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
