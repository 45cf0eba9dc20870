package ${package};

import jakarta.enterprise.context.SessionScoped;
import java.io.Serializable;

/** A plain CDI session-scoped bean: with server sessions it lives in the store too. */
@SessionScoped
public class Visits implements Serializable {

    private static final long serialVersionUID = 1L;

    private int count;

    public int increment() {
        return ++count;
    }
}
