package ${package}.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JAX-RS resources answer under {@code /api}. */
@ApplicationPath("/api")
public class RestApplication extends Application {
}
