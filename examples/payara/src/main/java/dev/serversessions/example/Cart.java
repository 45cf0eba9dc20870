package dev.serversessions.example;

import dev.serversessions.api.ServerSessionScoped;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The visitor's cart: a bean that lives in the server session, so it survives a restart and
 * follows the visitor to another server. Plain fields, changed in place: the library saves the
 * bean when its bytes changed.
 */
@ServerSessionScoped
public class Cart implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> items = new ArrayList<>();

    public void add(String item) {
        items.add(item);
    }

    public List<String> items() {
        return List.copyOf(items);
    }
}
