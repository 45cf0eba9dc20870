package dev.serversessions.it.probe;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * {@code PUT /beans/slot/{n}} sets the value of {@code @ServerSessionScoped} bean number n
 * (0..49) to the request body; {@code GET /beans/slots} answers all fifty values, comma separated;
 * {@code POST /beans/visit-async} starts async and dispatches to the example's {@code /api/visits},
 * whose plain {@code @SessionScoped} bean is then used in the async dispatch; {@code GET
 * /beans/injecting} counts in {@link InjectingCounter}, a {@code @SessionScoped} bean with an
 * injection point.
 */
@WebServlet(urlPatterns = "/beans/*", asyncSupported = true)
public class BeanProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    @Any
    Instance<Slots.Slot> slots;

    @Inject
    InjectingCounter injecting;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/visit-async".equals(request.getPathInfo())) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "POST /beans/visit-async");
            return;
        }
        request.startAsync().dispatch("/api/visits");
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = String.valueOf(request.getPathInfo());
        if (!path.matches("/slot/\\d{1,2}") || Integer.parseInt(path.substring(6)) >= Slots.ALL.size()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "PUT /beans/slot/{0..49}");
            return;
        }
        String value = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        slots.select(Slots.ALL.get(Integer.parseInt(path.substring(6)))).get().value(value);
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if ("/injecting".equals(request.getPathInfo())) {
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write(String.valueOf(injecting.next()));
            return;
        }
        if (!"/slots".equals(request.getPathInfo())) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "GET /beans/slots or /beans/injecting");
            return;
        }
        StringJoiner values = new StringJoiner(",");
        for (Class<? extends Slots.Slot> slot : Slots.ALL) {
            values.add(slots.select(slot).get().value());
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(values.toString());
    }
}
