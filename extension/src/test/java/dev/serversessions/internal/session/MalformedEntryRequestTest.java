package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.config.SettingsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store entry that is not a session of ours (here: a file of other bytes) on the request
 * path: an empty session, one log line by the id's tag, the entry left alone, and the
 * application's next write a session under a new id.
 */
class MalformedEntryRequestTest {
    @TempDir
    Path dir;

    @Test
    void aForeignEntryGivesAnEmptySessionLogsOnceAndIsNeverOverwritten() throws Exception {
        Path store = dir.resolve("store");
        SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(Map.of("SESSION_FILE_DIR", store.toString())),
                getClass().getClassLoader(), Clock.systemUTC());
        RequestSession first = runtime.open(null);
        first.put("user", "alice");
        String id = first.save().id();
        Path file;
        try (Stream<Path> files = Files.list(store)) {
            file = files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).findFirst().orElseThrow();
        }
        byte[] foreign = "not a session file".getBytes();
        Files.write(file, foreign);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(600)));

        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(RequestSession.class.getName());
        log.addHandler(capture);
        try {
            for (int i = 0; i < 3; i++) {
                RequestSession read = runtime.open(id);
                assertNull(read.get("user"));
                assertTrue(read.isNew());
                assertEquals(CookieAction.NONE, read.save());
            }
            RequestSession write = runtime.open(id);
            write.put("user", "bob");
            String newId = write.save().id();

            assertNotEquals(id, newId, "the write went to a new id");
            assertEquals("bob", runtime.open(newId).get("user"));
            assertArrayEquals(foreign, Files.readAllBytes(file), "the foreign entry was not overwritten");
        } finally {
            log.removeHandler(capture);
        }
        List<String> messages = logged.stream().map(LogRecord::getMessage).filter(m -> m.contains(SessionIds.logTag(id))).toList();
        assertEquals(1, messages.size(), logged.stream().map(LogRecord::getMessage).toList().toString());
        assertFalse(messages.get(0).contains(id), "the id itself is never logged");
    }
}
