package dev.serversessions.it.probe;

import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSession;
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
 * application's own leak, and the heap measurement would see it. Events of a session that has
 * expired (its last access plus its inactivity limit lies in the past: the sweep announces it)
 * start with {@code "expired: "}, so that a test can tell them from those of its own requests:
 * sessions other tests let expire are announced whenever the sweep finds them.
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

    private static void record(HttpSession session, String event) {
        int max = session.getMaxInactiveInterval();
        boolean expired = max > 0 && session.getLastAccessedTime() + max * 1000L <= System.currentTimeMillis();
        record(expired ? "expired: " + event : event);
    }

    @Override
    public void sessionCreated(HttpSessionEvent se) {
        record("created");
    }

    /**
     * On an expired session (told by the library's sweep, off any request) it also records
     * whether the application's naming context answered, as it does in the container's own
     * expiry: {@code "expired: java:comp <marker>"} when {@code java:comp/BeanManager} was found.
     */
    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        HttpSession session = se.getSession();
        Object marker = session.getAttribute("marker");
        record(session, "destroyed " + marker);
        int max = session.getMaxInactiveInterval();
        if (max > 0 && session.getLastAccessedTime() + max * 1000L <= System.currentTimeMillis()) {
            try {
                if (new javax.naming.InitialContext().lookup("java:comp/BeanManager") != null) {
                    record("expired: java:comp " + marker);
                }
            } catch (javax.naming.NamingException | RuntimeException e) {
                record("expired: no java:comp (" + e + ")");
            }
        }
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
        record(event.getSession(), "removed " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeReplaced(HttpSessionBindingEvent event) {
        record("replaced " + event.getName() + "=" + event.getValue());
    }
}
