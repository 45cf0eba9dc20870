package dev.serversessions.it.probe;

import java.io.Serializable;

/**
 * A class whose static initializer always fails, as a class changed since a value was stored
 * may: the tests write an instance of it straight into the store. Nothing in the application
 * uses it, so only a decode initializes it.
 */
public final class BrokenOnLoad implements Serializable {
    private static final long serialVersionUID = 1L;

    static {
        if (!Boolean.getBoolean("never.set.by.anyone")) {
            throw new IllegalStateException("BrokenOnLoad cannot be initialized");
        }
    }

    private BrokenOnLoad() {
    }
}
