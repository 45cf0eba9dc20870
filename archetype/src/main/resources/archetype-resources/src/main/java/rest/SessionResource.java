package ${package}.rest;

import ${package}.Cart;
import ${package}.Visits;
import dev.serversessions.api.ServerSession;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * <pre>
 * PUT  /api/session/{name}  (text body)  204, the attribute is in the server session
 * GET  /api/session/{name}               200 with its value, 404 if absent
 * POST /api/visits                       200, the count of the session's visits (Visits)
 * PUT  /api/cart/{item}                  204, the item is in the cart (Cart)
 * GET  /api/cart                         200, the cart's items, one a line
 * </pre>
 */
@Path("/")
@Produces(MediaType.TEXT_PLAIN)
public class SessionResource {

    @Inject
    ServerSession session;

    @Inject
    Visits visits;

    @Inject
    Cart cart;

    @PUT
    @Path("session/{name}")
    public void put(@PathParam("name") String name, String value) {
        session.put(name, value);
    }

    @GET
    @Path("session/{name}")
    public Response get(@PathParam("name") String name) {
        Object value = session.get(name);
        return value == null ? Response.status(Response.Status.NOT_FOUND).build() : Response.ok(String.valueOf(value)).build();
    }

    @POST
    @Path("visits")
    public String visit() {
        return String.valueOf(visits.increment());
    }

    @PUT
    @Path("cart/{item}")
    public void addToCart(@PathParam("item") String item) {
        cart.add(item);
    }

    @GET
    @Path("cart")
    public String cart() {
        return String.join("\n", cart.items());
    }
}
