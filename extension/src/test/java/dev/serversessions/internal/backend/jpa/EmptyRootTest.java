package dev.serversessions.internal.backend.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The empty unit root used where the library's jar is no directory (WildFly's vfs:). */
class EmptyRootTest {
    @Test
    void oneDirectoryServesEveryFactoryUntilTheBackendCloses() throws Exception {
        URL first = SessionPersistenceUnit.EmptyRoot.url();
        Path dir = Path.of(first.toURI());
        assertTrue(Files.isDirectory(dir));
        assertEquals(first, SessionPersistenceUnit.EmptyRoot.url(), "the next factory gets the same one");
        try (var entries = Files.list(dir)) {
            assertEquals(0, entries.count(), "empty: no META-INF/orm.xml for EclipseLink to find");
        }

        SessionPersistenceUnit.EmptyRoot.remove();
        assertFalse(Files.exists(dir), "removed when the backend closes");
        URL again = SessionPersistenceUnit.EmptyRoot.url();
        assertNotEquals(first, again, "a backend opened later gets a new one");
        SessionPersistenceUnit.EmptyRoot.remove();
        assertFalse(Files.exists(Path.of(again.toURI())));
    }
}
