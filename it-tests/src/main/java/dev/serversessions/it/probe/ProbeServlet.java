package dev.serversessions.it.probe;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.ServerSession;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.session.SessionIds;
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
            case "read" -> {
                // several names are read in the order given, in one request
                List<String> seen = new ArrayList<>();
                for (String each : request.getParameterValues("name")) {
                    seen.add(String.valueOf(session.get(each)));
                }
                text(response, String.join(" ", seen));
            }
            case "put" -> {
                session.put(name, value);
                text(response, "put");
            }
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
            case "async-increment" -> {
                // Reads and writes the counter on another thread, after the dispatch returned: with
                // SESSION_LOCKING the lock is held until complete() has saved.
                jakarta.servlet.http.HttpSession httpSession = request.getSession();
                AsyncContext async = request.startAsync();
                async.start(() -> {
                    try {
                        Object counter = httpSession.getAttribute("counter");
                        int next = counter instanceof Integer n ? n + 1 : 1;
                        Thread.sleep(20);
                        httpSession.setAttribute("counter", next);
                        async.getResponse().setContentType("text/plain");
                        async.getResponse().getWriter().write(String.valueOf(next));
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
                // Undecodable bytes for attribute 'broken', written straight to the store, which
                // keys the session by its private id, never by the id the cookie carries.
                String id = SessionIds.privateId(session.id());
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
            case "hold" -> {
                // Loads the session, waits until the test releases it, then does its part of a race.
                String latch = request.getParameter("latch");
                Object seen = session.get(name);
                try {
                    if (!RequestHolds.holdAfterLoad(latch)) {
                        throw new IllegalStateException("never released: " + latch);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                String then = String.valueOf(request.getParameter("then"));
                switch (then) {
                    case "put" -> session.put(request.getParameter("put"), value);
                    case "regenerate" -> session.regenerate();
                    case "invalidate" -> session.invalidate();
                    default -> { } // read only
                }
                text(response, String.valueOf(seen));
            }
            case "wait-then-read" -> {
                // Waits before it touches the session (the login hook has read the caller by then),
                // then reads it and says who it ran as.
                try {
                    if (!RequestHolds.holdAfterLoad(request.getParameter("latch"))) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                text(response, request.getRemoteUser() + " " + session.get(name));
            }
            case "async-stall" -> {
                // Loads the session (its lock, with SESSION_LOCKING), starts async and then does
                // nothing until the test completes it through async-finish: a request that stopped
                // making progress, whose async context never completes on its own.
                jakarta.servlet.http.HttpSession httpSession = request.getSession();
                Object seen = httpSession.getAttribute(name);
                AsyncContext async = request.startAsync();
                async.setTimeout(300_000);
                RequestHolds.stall(request.getParameter("latch"), async, httpSession, String.valueOf(seen));
            }
            case "async-finish" -> {
                // The stalled request comes back: writes its session (if name is given) and completes.
                RequestHolds.Stalled stalled = RequestHolds.resume(request.getParameter("latch"));
                if (stalled == null) {
                    text(response, "none");
                    return;
                }
                if (name != null) {
                    stalled.session().setAttribute(name, Integer.valueOf(value));
                }
                stalled.async().getResponse().setContentType("text/plain;charset=UTF-8");
                stalled.async().getResponse().getWriter().write("stalled saw " + stalled.seen());
                stalled.async().complete();
                text(response, "completed");
            }
            case "await-held" -> {
                try {
                    text(response, String.valueOf(RequestHolds.awaitLoaded(request.getParameter("latch"))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            case "release" -> {
                RequestHolds.release(request.getParameter("latch"));
                text(response, "released");
            }
            case "put-counted" -> {
                session.put(name, new CountedValue(Integer.parseInt(request.getParameter("size"))));
                text(response, "stored");
            }
            case "stream" -> {
                // reads a big value, then streams far more than the response buffer line by line
                CountedValue cart = session.get(name, CountedValue.class);
                CountedValue.SERIALIZATIONS.set(0);
                response.setContentType("text/plain;charset=UTF-8");
                java.io.PrintWriter out = response.getWriter();
                int lines = Integer.parseInt(request.getParameter("lines"));
                for (int i = 0; i < lines; i++) {
                    out.println("line " + i + " of a cart of " + cart.size());
                }
            }
            case "serializations" -> text(response, String.valueOf(CountedValue.SERIALIZATIONS.get()));
            case "deserializations" -> text(response, String.valueOf(CountedValue.DESERIALIZATIONS.get()));
            case "reset-counts" -> {
                CountedValue.SERIALIZATIONS.set(0);
                CountedValue.DESERIALIZATIONS.set(0);
                text(response, "reset");
            }
            case "stored-bytes" -> {
                // the attribute's bytes as the store holds them, read past the session (no slide)
                byte[] stored = backend.load(SessionIds.privateId(session.id())).map(s -> s.attributes().get(name)).orElse(null);
                text(response, stored == null ? "absent" : java.util.HexFormat.of().formatHex(stored));
            }
            case "permanent" -> {
                session.setPermanent(Boolean.parseBoolean(value));
                text(response, String.valueOf(session.isPermanent()));
            }
            case "send-error-500" -> {
                session.put(name, value);
                response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "failed on purpose");
            }
            case "async-context-complete" -> {
                // completes through request.getAsyncContext(), not the context startAsync returned
                jakarta.servlet.http.HttpSession httpSession = request.getSession();
                request.startAsync();
                new Thread(() -> {
                    sleep(50);
                    httpSession.setAttribute(name, value);
                    try {
                        request.getAsyncContext().getResponse().setContentType("text/plain");
                        request.getAsyncContext().getResponse().getWriter().write("completed");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } finally {
                        request.getAsyncContext().complete();
                    }
                }).start();
            }
            case "async-timeout" -> {
                // changes the session, then never completes: the container times the request out
                jakarta.servlet.http.HttpSession httpSession = request.getSession();
                AsyncContext async = request.startAsync();
                async.setTimeout(Long.parseLong(request.getParameter("millis")));
                httpSession.setAttribute(name, value);
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
