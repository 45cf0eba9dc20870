package dev.serversessions.it.probe;

import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.io.Serializable;

/**
 * An application's {@code @SessionScoped} bean with an injection point (the {@code BeanManager},
 * as MyFaces' own scope holders have): the container's session keeps it, as it keeps every
 * application bean with injection points, where the server session keeps MyFaces' holders.
 * {@code GET /beans/injecting} counts in it.
 */
@SessionScoped
public class InjectingCounter implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    BeanManager beans;
    private int count;

    public int next() {
        return ++count;
    }
}
