package dev.serversessions.it.deployment;

import dev.serversessions.it.support.DeploysWars;
import dev.serversessions.it.support.HttpTarget;
import dev.serversessions.it.support.LibertyServer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * The three deployment contracts on one Open Liberty: {@link Archives#application} at
 * {@code /app} and {@link Archives#withoutCdi} at {@code /nocdi}, copied into {@code dropins}
 * as a user deploys, and {@code /redeploy} removed from and copied back into {@code dropins}.
 * The application gets the {@code beans.xml} docs/runtimes.md asks Liberty users for
 * ({@link LibertyServer#discoverAllBeans}); the WAR without CDI stays without one.
 */
class DeploymentLibertyIT extends DeploymentsOnOneServer implements ApplicationContract {
    @BeforeAll
    static void start() {
        DeploysWars server = start("liberty", LibertyServer::start);
        application = LibertyServer.discoverAllBeans(export(Archives.application("app")), dir.resolve("liberty").resolve("app.war"));
        server.deploy(application, ApplicationContract.NAME);
        server.deploy(export(Archives.withoutCdi(WarWithoutCdiContract.NAME)), WarWithoutCdiContract.NAME);
    }

    @Override
    public Path sessionDirectory() {
        return dir.resolve("sessions");
    }

    @Override
    public HttpTarget application() {
        return at(ApplicationContract.NAME);
    }

    /** Liberty's persistence feature is EclipseLink. */
    @Override
    public String jpaProvider() {
        return "eclipse";
    }

    @Override
    public boolean injectsServletsOutsideABeanArchive() {
        return true;
    }
}
