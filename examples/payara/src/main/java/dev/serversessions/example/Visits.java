package dev.serversessions.example;

import jakarta.enterprise.context.SessionScoped;
import java.io.Serializable;

/**
 * A plain CDI {@code @SessionScoped} bean, written as for any Jakarta EE server: nothing of the
 * library here. With the library in the WAR it lives in the server session all the same
 * (docs/servlet-and-cdi.md, Session-scoped beans), so the count survives a restart and follows the visitor to
 * another server.
 */
@SessionScoped
public class Visits implements Serializable {
    private static final long serialVersionUID = 1L;

    private int count;

    public int next() {
        return ++count;
    }
}
