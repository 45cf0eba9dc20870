package dev.serversessions.it.flow;

import jakarta.faces.lifecycle.ClientWindowScoped;
import jakarta.inject.Named;
import java.io.Serializable;

/** A count of the browser window ({@code jfwid}): MyFaces keeps it in its client window holder. */
@Named
@ClientWindowScoped
public class WindowCounter implements Serializable {
    private static final long serialVersionUID = 1L;
    private int count;

    public int getCount() {
        return count;
    }

    /** The button's action listener. */
    public void increment() {
        count++;
    }
}
