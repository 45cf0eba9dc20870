package dev.serversessions.internal.session;

import java.util.ArrayList;
import java.util.List;

/** For the tests of the request rules: a listener that writes down what it hears, in order, invalidations included. */
final class HeardEvents implements SessionEvents {
    final List<String> calls = new ArrayList<>();

    /** What {@code session}'s listeners hear from now on. */
    static HeardEvents of(RequestSession session) {
        HeardEvents heard = new HeardEvents();
        session.listenWith(heard);
        return heard;
    }

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
