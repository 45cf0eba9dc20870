package dev.serversessions.example;

import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code PUT /api/cart/{item}} adds an item, {@code GET /api/cart} answers the items as a JSON
 * array: both through the {@link Cart} bean, which lives in the server session.
 */
@WebServlet("/api/cart/*")
public class CartServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    Cart cart;

    /** The one failure the cart has of its own: a store configured for JSON cannot hold a bean. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        try {
            super.service(request, response);
        } catch (IllegalStateException e) {
            if (e.getMessage() == null || !e.getMessage().contains("SESSION_SERIALIZATION_FORMAT")) {
                throw e;
            }
            log("cart unavailable: " + e.getMessage());
            response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    "the cart is a session-scoped bean and needs SESSION_SERIALIZATION_FORMAT=java");
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (item(request) != null) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "GET /api/cart");
            return;
        }
        JsonArrayBuilder items = Json.BUILDERS.createArrayBuilder();
        cart.items().forEach(items::add);
        byte[] body = items.build().toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String item = item(request);
        if (item == null || item.isBlank()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "PUT /api/cart/{item}");
            return;
        }
        cart.add(item);
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private static String item(HttpServletRequest request) {
        String path = request.getPathInfo();
        return path == null || path.equals("/") ? null : path.substring(1);
    }
}
