package dev.serversessions.it.deployment.app;

import dev.serversessions.api.ServerSessionScoped;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The application's own bean in the server session, used by a JAX-RS resource and a servlet. */
@ServerSessionScoped
public class Basket implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<String> items = new ArrayList<>();

    public void add(String item) {
        items.add(item);
    }

    public List<String> items() {
        return List.copyOf(items);
    }
}
