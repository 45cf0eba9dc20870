package dev.serversessions.it.deployment;

import dev.serversessions.it.support.DeploysWars;
import dev.serversessions.it.support.GlassFishServer;
import org.junit.jupiter.api.BeforeAll;

/**
 * Two of the three deployment contracts on one GlassFish: {@link Archives#withoutCdi} at
 * {@code /nocdi} deployed with {@code asadmin deploy}, and {@link Archives#application} at
 * {@code /redeploy} undeployed and deployed again with asadmin.
 *
 * <p>{@link ApplicationContract} does not run here yet: deployed at {@code /app}, the
 * application's {@code @Inject @ConfigProperty} fails at the first request ({@code WELD-001408:
 * Unsatisfied dependencies for type String with qualifiers @ConfigProperty}) and its own
 * {@code ConfigSource} does not reach the library (the session cookie keeps its default name),
 * with or without a {@code microprofile-config.properties} and a {@code beans.xml} in the WAR.
 * Not understood yet; docs/runtimes.md lists it as open.
 */
class DeploymentGlassFishIT extends DeploymentsOnOneServer {
    @BeforeAll
    static void start() {
        DeploysWars server = start("glassfish", GlassFishServer::start);
        application = export(Archives.application(RedeployContract.NAME));
        server.deploy(export(Archives.withoutCdi(WarWithoutCdiContract.NAME)), WarWithoutCdiContract.NAME);
    }
}
