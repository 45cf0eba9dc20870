package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.config.SettingsSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SESSION_FILE_THRESHOLD against a real session directory: anonymous sessions, which any client
 * makes as fast as it sends requests, are pruned before any session a user is logged in to.
 */
class FileThresholdLoginTest {
    @TempDir
    Path dir;

    private SessionRuntime runtime(int threshold) {
        return SessionRuntime.create(SettingsSource.of(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "SESSION_FILE_THRESHOLD", String.valueOf(threshold))), getClass().getClassLoader(), Clock.systemUTC());
    }

    private long sessionFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("store"))) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}")).count();
        }
    }

    private static String loggedIn(SessionRuntime runtime, String user) {
        RequestSession login = runtime.open(null);
        login.logIn(new Caller(user, Set.of("user")));
        login.put("cart", "of " + user);
        return login.save().id();
    }

    private static String anonymous(SessionRuntime runtime, int i) {
        RequestSession visit = runtime.open(null);
        visit.put("seen", i);
        return visit.save().id();
    }

    @Test
    void fiveHundredAnonymousRequestsThatStoreSomethingEndNoLogin() throws IOException {
        SessionRuntime runtime = runtime(500);
        List<String> logins = new ArrayList<>();
        for (String user : List.of("alice", "bob", "carol")) {
            logins.add(loggedIn(runtime, user));
        }
        for (int i = 0; i < 1500; i++) {
            anonymous(runtime, i);
        }

        assertTrue(sessionFiles() <= 500, sessionFiles() + " files");
        for (int i = 0; i < logins.size(); i++) {
            RequestSession back = runtime.open(logins.get(i));
            assertEquals(List.of("alice", "bob", "carol").get(i), back.caller().orElseThrow().name(), "still logged in");
            assertEquals("of " + back.caller().orElseThrow().name(), back.get("cart"));
        }
    }

    @Test
    void loggedInSessionsArePrunedSoonestToExpireFirstOnceNoAnonymousOneIsLeft() throws IOException {
        SessionRuntime runtime = runtime(10);
        List<String> logins = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            logins.add(loggedIn(runtime, "user" + i));
        }
        String visitor = anonymous(runtime, 0);

        assertTrue(sessionFiles() <= 10, sessionFiles() + " files: the threshold still holds");
        assertEquals("user24", runtime.open(logins.get(24)).caller().orElseThrow().name(), "the newest login stays");
        assertFalse(runtime.open(logins.get(0)).caller().isPresent(), "the oldest went, once only logins were left");
        assertEquals(0, runtime.open(visitor).get("seen"), "the anonymous session just made is kept");
    }
}
