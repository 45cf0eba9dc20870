package dev.serversessions.it.deployment.app;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A JAX-RS resource with a {@code @ServerSessionScoped} bean injected: {@code GET /rest/basket}, {@code PUT /rest/basket/{item}}. */
@Path("basket")
@RequestScoped
public class BasketResource {
    @Inject
    Basket basket;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String items() {
        return basket.items().toString();
    }

    @PUT
    @Path("{item}")
    public void add(@PathParam("item") String item) {
        basket.add(item);
    }
}
