package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one request tells its session's listeners, as a Servlet listener would hear it. */
class ListenerCallsTest {
    @TempDir
    Path dir;

    /** A listener that writes down what it hears, in order. */
    private static final class Heard implements SessionEvents {
        final List<String> calls = new ArrayList<>();

        @Override
        public boolean listensToInvalidation() {
            return true;
        }

        @Override
        public void created(RequestSession session) {
            calls.add("created");
        }

        @Override
        public void destroying(RequestSession session) {
            calls.add("destroying");
        }

        @Override
        public void idChanged(RequestSession session, String oldId) {
            calls.add("idChanged " + oldId);
        }

        @Override
        public void attributeAdded(RequestSession session, String name, Object value) {
            calls.add("added " + name + "=" + value);
        }

        @Override
        public void attributeReplaced(RequestSession session, String name, Object oldValue, Object newValue) {
            calls.add("replaced " + name + "=" + oldValue + "->" + newValue);
        }

        @Override
        public void attributeRemoved(RequestSession session, String name, Object oldValue) {
            calls.add("removed " + name + "=" + oldValue);
        }
    }

    private ListenerCalls listenerCalls(Heard heard) {
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
        Heard heard = new Heard();
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
        Heard heard = new Heard();
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
        Heard heard = new Heard();
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
