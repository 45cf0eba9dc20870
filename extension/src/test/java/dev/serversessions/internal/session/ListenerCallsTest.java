package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one request tells its session's listeners, as a Servlet listener would hear it. */
class ListenerCallsTest {
    @TempDir
    Path dir;

    private ListenerCalls listenerCalls(HeardEvents heard) {
        SessionRuntime runtime = RequestParts.runtime(dir);
        ListenerCalls calls = new ListenerCalls(runtime.open(null));
        calls.listenWith(heard);
        return calls;
    }

    @Test
    void withoutAListenerNothingIsHeardAndStoredValuesNeedNoDecoding() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        ListenerCalls calls = new ListenerCalls(runtime.open(null));

        assertFalse(calls.listening());
        assertFalse(calls.listenToInvalidation());
        calls.put("a", null, 1); // SessionEvents.NONE: nothing to call, nothing fails
    }

    @Test
    void aNewSessionIsAnnouncedOnceUntilTheRequestStartsAfresh() {
        HeardEvents heard = new HeardEvents();
        ListenerCalls calls = listenerCalls(heard);

        calls.created(true);
        calls.created(true);
        calls.created(false);
        calls.fresh();
        calls.created(true);

        assertEquals(List.of("created", "created"), heard.calls);
    }

    @Test
    void aPutIsAnAddOrAReplaceAndTheSameValueAgainIsNeither() {
        HeardEvents heard = new HeardEvents();
        ListenerCalls calls = listenerCalls(heard);
        Object same = "x";

        calls.put("a", null, "x");
        calls.put("a", "x", "y");
        calls.put("a", same, same);
        calls.removed("a", "y");
        calls.removed("b", null);

        assertEquals(List.of("added a=x", "replaced a=x->y", "removed a=y"), heard.calls);
        assertTrue(calls.listening());
    }

    @Test
    void anInvalidationIsHeardAsDestroyedThenEveryAttributeUnboundAsTheyAreThen() {
        HeardEvents heard = new HeardEvents();
        ListenerCalls calls = listenerCalls(heard);
        Set<String> names = new LinkedHashSet<>(List.of("a", "b"));

        // a destroyed listener may still remove attributes: the unbinding follows what is left
        heard.calls.clear();
        calls.destroying(() -> {
            names.remove("b");
            return names;
        }, name -> name.toUpperCase());

        assertEquals(List.of("destroying", "removed a=A"), heard.calls);
    }
}
