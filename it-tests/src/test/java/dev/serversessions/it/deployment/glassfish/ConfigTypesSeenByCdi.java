package dev.serversessions.it.deployment.glassfish;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What an application in an annotated bean archive (no {@code beans.xml}, or
 * {@code bean-discovery-mode="annotated"}) needs on GlassFish 7.0.21 so that a servlet may have a
 * {@code String} injected with {@code @ConfigProperty}: one CDI bean with an injection point of
 * that type. GlassFish's MicroProfile Config (Helidon's CDI extension) adds a producer for each
 * type it sees at an injection point while CDI starts; in such an archive a servlet is not a bean,
 * its injection points are met only at its first request, and without this bean that request
 * fails with WELD-001408
 * ({@code DeploymentGlassFishIT#aConfigPropertyOnlyInAServletFailsOnGlassFishWithoutTheLibrary}).
 */
@ApplicationScoped
public class ConfigTypesSeenByCdi {
    @Inject
    @ConfigProperty(name = "app.greeting")
    String greeting;
}
