package dev.serversessions.it.flow;

import jakarta.faces.flow.FlowScoped;
import jakarta.inject.Named;
import java.io.Serializable;

/** A count that lives as long as the flow {@code counting}: MyFaces keeps it in its flow holder. */
@Named
@FlowScoped("counting")
public class FlowCounter implements Serializable {
    private static final long serialVersionUID = 1L;
    private int count;

    public int getCount() {
        return count;
    }

    /** The button's action: one more, and the same page again (still in the flow). */
    public String increment() {
        count++;
        return null;
    }
}
