package dev.serversessions.it.probe;

import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.io.Serializable;

/** A value that wants to know when it is bound to and unbound from a session. */
public record BoundValue(String label) implements HttpSessionBindingListener, Serializable {
    @Override
    public void valueBound(HttpSessionBindingEvent event) {
        RecordingListener.record("bound " + label);
    }

    @Override
    public void valueUnbound(HttpSessionBindingEvent event) {
        RecordingListener.record("unbound " + label);
    }

    @Override
    public String toString() {
        return label;
    }
}
