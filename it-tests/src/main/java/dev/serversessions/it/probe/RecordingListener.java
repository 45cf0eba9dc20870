package dev.serversessions.it.probe;

import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.List;

/** Records every session event, so that tests can read them back through /httpsession/events. */
@WebListener
public class RecordingListener implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {
    private static final List<String> EVENTS = new ArrayList<>();

    static synchronized void record(String event) {
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
