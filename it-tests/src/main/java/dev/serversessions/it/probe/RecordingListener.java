package dev.serversessions.it.probe;

import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Records session events, so that tests can read them back through /httpsession/events. Only
 * the latest events are kept: under the soak's load an unbounded list would be the test
 * application's own leak, and the heap measurement would see it.
 */
@WebListener
public class RecordingListener implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {
    private static final List<String> EVENTS = new ArrayList<>();

    private static final int KEEP = 10_000;

    static synchronized void record(String event) {
        if (EVENTS.size() >= KEEP) {
            EVENTS.subList(0, KEEP / 2).clear();
        }
        EVENTS.add(event);
    }

    static synchronized List<String> drain() {
        List<String> events = new ArrayList<>(EVENTS);
        EVENTS.clear();
        return events;
    }

    @Override
    public void sessionCreated(HttpSessionEvent se) {
        record("created");
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        record("destroyed " + se.getSession().getAttribute("marker"));
    }

    @Override
    public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
        record("idChanged " + !oldSessionId.equals(event.getSession().getId()));
    }

    @Override
    public void attributeAdded(HttpSessionBindingEvent event) {
        record("added " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeRemoved(HttpSessionBindingEvent event) {
        record("removed " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeReplaced(HttpSessionBindingEvent event) {
        record("replaced " + event.getName() + "=" + event.getValue());
    }
}
