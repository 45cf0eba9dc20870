package dev.serversessions.it.deployment;

import dev.serversessions.it.support.HttpTarget;
import dev.serversessions.it.support.GlassFishServer;
import dev.serversessions.it.support.PayaraMicro;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
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
class DeploymentGlassFishIT implements WarWithoutCdiContract, RedeployContract {
    private static GlassFishServer server;
    private static Path application;

    @BeforeAll
    static void start() {
        Path dir = PayaraMicro.workDir().resolve("deployment-glassfish-" + System.nanoTime());
        server = GlassFishServer.start("deployment", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", dir.resolve("sessions").toString()));
        application = export(Archives.application(RedeployContract.NAME), dir);
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
}
