package dev.serversessions.it.probe;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.ServerSession;
import dev.serversessions.api.SessionBackend;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Endpoints that drive the request rules the tests check through HTTP: each commits its
 * response in a different way, or touches the session in a particular pattern.
 */
@WebServlet(urlPatterns = "/probe/*", asyncSupported = true)
public class ProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    ServerSession session;

    @Inject
    SessionBackend backend;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String probe = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
        String name = request.getParameter("name");
        String value = request.getParameter("value");
        switch (probe) {
            case "untouched" -> text(response, "untouched");
            case "read" -> text(response, String.valueOf(session.get(name)));
            case "expiry" -> text(response, String.valueOf(session.expiryTime().toEpochMilli()));
            case "id" -> text(response, session.id() + " " + (session.isNew() ? "new" : "stored"));
            case "flush" -> {
                session.put(name, value);
                response.setContentType("text/plain");
                response.getWriter().write("flushed");
                response.flushBuffer();
                session.put("late", "after-commit"); // saved at the end, though the cookie has left
            }
            case "redirect" -> {
                session.put(name, value);
                response.sendRedirect(request.getContextPath() + "/probe/untouched");
            }
            case "error" -> {
                session.put(name, value);
                response.sendError(HttpServletResponse.SC_CONFLICT, "conflict on purpose");
            }
            case "content-length" -> {
                session.put(name, value);
                byte[] body = "exact".getBytes(StandardCharsets.UTF_8);
                response.setContentLength(body.length);
                response.getOutputStream().write(body); // the container commits when the length is reached
                response.getOutputStream().write(new byte[0]);
            }
            case "big" -> {
                session.put(name, value);
                OutputStream out = response.getOutputStream();
                byte[] chunk = new byte[1024];
                Arrays.fill(chunk, (byte) 'x');
                for (int i = 0; i < 200; i++) {
                    out.write(chunk); // overflows the response buffer: the container commits on its own
                }
            }
            case "async" -> {
                // The request-scoped bean is not active on the async thread; the HttpSession view is.
                jakarta.servlet.http.HttpSession httpSession = request.getSession();
                AsyncContext async = request.startAsync();
                async.start(() -> {
                    try {
                        Thread.sleep(50);
                        httpSession.setAttribute(name, value);
                        async.getResponse().setContentType("text/plain");
                        async.getResponse().getWriter().write("async");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    } finally {
                        async.complete();
                    }
                });
            }
            case "cart-add" -> {
                @SuppressWarnings("unchecked")
                List<String> cart = (List<String>) session.get("cart");
                if (cart == null) {
                    cart = new ArrayList<>();
                    session.put("cart", cart);
                }
                cart.add(request.getParameter("item")); // changed in place, never put again
                text(response, String.valueOf(cart));
            }
            case "slow-read" -> {
                Object seen = session.get(name);
                sleep(Long.parseLong(request.getParameter("millis")));
                text(response, String.valueOf(seen));
            }
            case "short-lived" -> {
                session.put(name, value);
                request.getSession().setMaxInactiveInterval(Integer.parseInt(request.getParameter("seconds")));
                text(response, "short-lived");
            }
            case "clear" -> {
                session.clear();
                text(response, "cleared");
            }
            case "corrupt" -> {
                // Undecodable bytes for attribute 'broken', written straight to the store.
                String id = session.id();
                backend.apply(id, new ChangeSet(Map.of("broken", new byte[] {1, 2, 3, 4, 5}), Set.of(),
                        Instant.now(), Instant.now().plusSeconds(600), false));
                text(response, "corrupted");
            }
            case "put-unserializable" -> {
                try {
                    session.put(name, new Object());
                    text(response, "accepted");
                } catch (IllegalArgumentException e) {
                    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
                    text(response, e.getMessage());
                }
            }
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND, "no probe " + probe);
        }
    }

    private static void text(HttpServletResponse response, String body) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(body);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
