package ${package};

import dev.serversessions.api.ServerSessionScoped;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A bean kept in the server session as one attribute of its own. */
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
