package dev.serversessions.example;

import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/session-events}: {@code {"destroyed": ["t1", ...]}}, the attribute {@code tag}
 * of each session whose {@code sessionDestroyed} ran on this server since it started, in the
 * order seen; sessions without a tag are not listed. A plain Servlet listener, no import of the
 * library: it hears of invalidations and of expiries alike.
 */
@WebServlet("/api/session-events")
public class SessionEventsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Enough for any test or demo; the oldest half goes when it is full, so it never grows without bound. */
    private static final int KEEP = 10_000;
    private static final List<String> DESTROYED = new ArrayList<>();

    @WebListener
    public static class TagRecorder implements HttpSessionListener {
        @Override
        public void sessionDestroyed(HttpSessionEvent event) {
            Object tag = event.getSession().getAttribute("tag");
            if (tag != null) {
                synchronized (DESTROYED) {
                    if (DESTROYED.size() >= KEEP) {
                        DESTROYED.subList(0, KEEP / 2).clear();
                    }
                    DESTROYED.add(String.valueOf(tag));
                }
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonArrayBuilder tags = Json.BUILDERS.createArrayBuilder();
        synchronized (DESTROYED) {
            DESTROYED.forEach(tags::add);
        }
        byte[] body = Json.BUILDERS.createObjectBuilder().add("destroyed", tags).build().toString()
                .getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
