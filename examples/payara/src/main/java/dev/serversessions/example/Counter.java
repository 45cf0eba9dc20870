package dev.serversessions.example;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;
import java.io.Serializable;

/**
 * A plain Faces {@code @ViewScoped} bean, written as for any Jakarta EE server: nothing of the
 * library here. {@code /faces/counter.xhtml} shows its count; each postback adds one.
 */
@Named
@ViewScoped
public class Counter implements Serializable {
    private static final long serialVersionUID = 1L;

    private int count;

    public int getCount() {
        return count;
    }

    public void increment() {
        count++;
    }
}
