package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionTooLargeException;
import dev.serversessions.internal.config.SettingsSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** SESSION_MAX_SIZE: a put that would make the session too big is refused, nothing is half written. */
class SessionSizeLimitTest {
    @RegisterExtension
    final WarningCapture capture = WarningCapture.ofRequestSessions();
    private final List<LogRecord> warnings = capture.records;

    @TempDir
    Path dir;

    private SessionRuntime runtime(long maxSize) {
        Map<String, String> keys = new HashMap<>(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "SESSION_MAX_SIZE", String.valueOf(maxSize), "SESSION_SERIALIZATION_FORMAT", "json"));
        return SessionRuntime.create(SettingsSource.of(keys), getClass().getClassLoader(), Clock.systemUTC());
    }

    private static String saveAndGetId(RequestSession session) {
        CookieAction action = session.save();
        return action.kind() == CookieAction.Kind.SEND ? action.id() : null;
    }

    @Test
    void aPutOverTheLimitIsRefusedNamingAttributeSizeAndLimitAndTheSessionIsUnchanged() {
        SessionRuntime runtime = runtime(4096);
        RequestSession first = runtime.open(null);
        first.put("user", "alice");
        first.put("note", "short");
        String id = saveAndGetId(first);

        RequestSession second = runtime.open(id);
        SessionTooLargeException refused = assertThrows(SessionTooLargeException.class, () -> second.put("note", "x".repeat(5000)));
        assertEquals("note", refused.attribute());
        assertEquals(4096, refused.limit());
        assertTrue(refused.sessionBytes() > 4096, "the session it would have made: " + refused.sessionBytes());
        assertTrue(refused.getMessage().contains("'note'") && refused.getMessage().contains(String.valueOf(refused.attributeBytes()))
                && refused.getMessage().contains("4096"), refused.getMessage());
        assertEquals("short", second.get("note"), "the previous value is kept in the request");
        second.put("other", "small"); // the session still takes what fits
        second.save();

        RequestSession third = runtime.open(id);
        assertEquals("alice", third.get("user"));
        assertEquals("short", third.get("note"));
        assertEquals("small", third.get("other"));
    }

    @Test
    void manyValuesThatEachFitAreRefusedOnceTheirSumDoesNot() {
        SessionRuntime runtime = runtime(4096);
        RequestSession session = runtime.open(null);
        session.put("a", "x".repeat(1500));
        session.put("b", "x".repeat(1500));
        assertThrows(SessionTooLargeException.class, () -> session.put("c", "x".repeat(1500)));
        session.remove("a");
        session.put("c", "x".repeat(1500)); // room again after a remove
        String id = saveAndGetId(session);
        assertEquals(List.of("b", "c"), runtime.open(id).names().stream().sorted().toList());
    }

    @Test
    void aValueGrownInPlacePastTheLimitIsNotSavedButTheRestOfTheRequestIs() {
        SessionRuntime runtime = runtime(4096);
        RequestSession first = runtime.open(null);
        first.put("cart", new ArrayList<>(List.of("apple")));
        String id = saveAndGetId(first);

        RequestSession second = runtime.open(id);
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>) second.get("cart");
        for (int i = 0; i < 500; i++) {
            cart.add("item number " + i);
        }
        second.put("user", "alice");
        warnings.clear();
        second.save(); // no exception: the response has gone, or is about to
        second.save(); // the end-of-request save does not log it again
        assertEquals(1, warnings.stream().filter(r -> r.getMessage().contains("[cart]")).count(), messages());

        RequestSession third = runtime.open(id);
        assertEquals(List.of("apple"), third.get("cart"), "the stored value is kept");
        assertEquals("alice", third.get("user"), "the rest of the change is saved");
    }

    @Test
    void aNewSessionWhoseOnlyValueGrewPastTheLimitIsNotStored() {
        SessionRuntime runtime = runtime(2048);
        RequestSession session = runtime.open(null);
        List<String> grows = new ArrayList<>();
        session.put("list", grows);
        for (int i = 0; i < 500; i++) {
            grows.add("item " + i);
        }
        assertEquals(CookieAction.NONE, session.save());
        assertNull(session.get("list"));
    }

    @Test
    void aSessionStoredBeforeTheLimitWasLoweredIsStillReadAndKeptWithoutWarnings() {
        RequestSession first = runtime(8192).open(null);
        first.put("big", "x".repeat(6000));
        String id = saveAndGetId(first);

        SessionRuntime lowered = runtime(4096);
        RequestSession read = lowered.open(id);
        assertEquals(6000, read.get("big", String.class).length());
        warnings.clear();
        read.save();
        assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).toList());
        assertThrows(SessionTooLargeException.class, () -> read.put("more", "y"), "it takes nothing more");
        read.remove("big");
        read.put("more", "y");
        read.save();
        assertEquals("y", lowered.open(id).get("more"));
    }

    private String messages() {
        return warnings.stream().map(LogRecord::getMessage).toList().toString();
    }
}
