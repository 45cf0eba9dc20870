package dev.serversessions.it.probe;

import dev.serversessions.api.ServerSession;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.LocalDate;

/**
 * The application's own classes in a json-format session: {@code PUT /json/cart} stores a
 * {@link JsonCart}, {@code POST /json/cart/add} changes the bound cart in place, {@code GET
 * /json/cart} binds it, {@code GET /json/generic?name=} shows the generic structure, and
 * {@code PUT /json/refused/{what}} tries values JSON-B cannot read back (422 with the reason).
 */
@WebServlet("/json/*")
public class JsonObjectsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    ServerSession session;

    /** An object JSON-B cannot write: it refers to itself. */
    public static class Loop {
        public Loop next = this;
    }

    /** An object JSON-B cannot read back: no no-argument constructor, no @JsonbCreator. */
    public static class NoDefaultConstructor {
        private final String name;

        public NoDefaultConstructor(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getMethod() + " " + (request.getPathInfo() == null ? "" : request.getPathInfo());
        response.setContentType("text/plain;charset=UTF-8");
        switch (path) {
            case "PUT /cart" -> {
                JsonCart cart = new JsonCart();
                cart.getItems().add(new JsonItem(request.getParameter("sku"), Integer.parseInt(request.getParameter("quantity"))));
                cart.setDelivery(LocalDate.parse(request.getParameter("delivery")));
                cart.setWrapping(Wrapping.valueOf(request.getParameter("wrapping")));
                session.put("cart", cart);
                response.getWriter().write(cart.describe());
            }
            case "POST /cart/add" -> {
                JsonCart cart = session.get("cart", JsonCart.class);
                cart.getItems().add(new JsonItem(request.getParameter("sku"), Integer.parseInt(request.getParameter("quantity"))));
                response.getWriter().write(cart.describe());
            }
            case "GET /cart" -> {
                JsonCart cart = session.get("cart", JsonCart.class);
                response.getWriter().write(cart == null ? "none" : cart.describe());
            }
            case "PUT /item" -> {
                session.put("item", new JsonItem(request.getParameter("sku"), Integer.parseInt(request.getParameter("quantity"))));
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            }
            case "GET /item" -> response.getWriter().write(String.valueOf(session.get("item", JsonItem.class)));
            case "GET /generic" -> {
                Object value = session.get(request.getParameter("name"));
                response.getWriter().write((value == null ? "null" : value.getClass().getSimpleName().contains("Map") ? "map " : "other ")
                        + value);
            }
            case "PUT /refused/loop", "PUT /refused/constructor" -> {
                try {
                    session.put("refused", path.endsWith("loop") ? new Loop() : new NoDefaultConstructor("ann"));
                    response.getWriter().write("stored");
                } catch (IllegalArgumentException e) {
                    response.setStatus(422);
                    response.getWriter().write(e.getMessage());
                }
            }
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
