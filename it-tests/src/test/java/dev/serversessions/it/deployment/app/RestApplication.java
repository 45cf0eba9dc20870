package dev.serversessions.it.deployment.app;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** JAX-RS under {@code /rest}. */
@ApplicationPath("rest")
public class RestApplication extends Application {
}
