package dev.serversessions.it.probe;

import jakarta.enterprise.context.SessionScoped;
import java.io.Serializable;

/**
 * A plain {@code @SessionScoped} bean: where the runtime keeps it (its own session or the
 * store) is what the tests check, because the README tells users which scope to choose.
 */
@SessionScoped
public class ContainerSessionCounter implements Serializable {
    private static final long serialVersionUID = 1L;
    private int count;

    public int increment() {
        return ++count;
    }
}
