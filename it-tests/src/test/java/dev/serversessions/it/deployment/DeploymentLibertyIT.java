package dev.serversessions.it.deployment;

import dev.serversessions.it.support.HttpTarget;
import dev.serversessions.it.support.LibertyServer;
import dev.serversessions.it.support.PayaraMicro;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The three deployment contracts on one Open Liberty: {@link Archives#application} at
 * {@code /app} and {@link Archives#withoutCdi} at {@code /nocdi}, copied into {@code dropins}
 * as a user deploys, and {@code /redeploy} removed from and copied back into {@code dropins}.
 * The application gets the {@code beans.xml} docs/runtimes.md asks Liberty users for
 * ({@link LibertyServer#discoverAllBeans}); the WAR without CDI stays without one.
 */
class DeploymentLibertyIT implements ApplicationContract, WarWithoutCdiContract, RedeployContract {
    private static LibertyServer server;
    private static Path application;
    private static Path sessions;

    @BeforeAll
    static void start() {
        Path dir = PayaraMicro.workDir().resolve("deployment-liberty-" + System.nanoTime());
        sessions = dir.resolve("sessions");
        server = LibertyServer.start("deployment", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", sessions.toString()));
        application = LibertyServer.discoverAllBeans(export(Archives.application("app"), dir), dir.resolve("liberty").resolve("app.war"));
        server.deploy(application, ApplicationContract.NAME);
        server.deploy(export(Archives.withoutCdi(WarWithoutCdiContract.NAME), dir), WarWithoutCdiContract.NAME);
    }

    static Path export(WebArchive archive, Path dir) {
        Path war = dir.resolve(archive.getName());
        dir.toFile().mkdirs();
        archive.as(ZipExporter.class).exportTo(war.toFile(), true);
        return war;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpTarget at(String contextRoot) {
        return path -> URI.create(server.url("/" + contextRoot + path).toString());
    }

    @Override
    public Path sessionDirectory() {
        return sessions;
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
    public HttpTarget withoutCdi() {
        return at(WarWithoutCdiContract.NAME);
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void deployRedeployable() {
        server.deploy(application, RedeployContract.NAME);
    }

    @Override
    public void undeployRedeployable() {
        server.undeploy(RedeployContract.NAME);
    }

    @Override
    public boolean injectsServletsOutsideABeanArchive() {
        return true;
    }
}
