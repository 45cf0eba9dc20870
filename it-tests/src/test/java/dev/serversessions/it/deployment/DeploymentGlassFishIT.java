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
 * The three deployment contracts on one GlassFish: {@link Archives#application} at
 * {@code /app} and {@link Archives#withoutCdi} at {@code /nocdi} deployed with
 * {@code asadmin deploy}, {@code /redeploy} undeployed and deployed again with asadmin.
 */
class DeploymentGlassFishIT implements ApplicationContract, WarWithoutCdiContract, RedeployContract {
    private static GlassFishServer server;
    private static Path application;

    @BeforeAll
    static void start() {
        Path dir = PayaraMicro.workDir().resolve("deployment-glassfish-" + System.nanoTime());
        server = GlassFishServer.start("deployment", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", dir.resolve("sessions").toString()));
        application = export(withMicroProfileConfig(Archives.application("app")), dir);
        server.deploy(application, ApplicationContract.NAME);
        server.deploy(export(Archives.withoutCdi(WarWithoutCdiContract.NAME), dir), WarWithoutCdiContract.NAME);
    }

    /**
     * What docs/runtimes.md asks of GlassFish users whose application configures itself or the
     * sessions through MicroProfile Config beyond environment variables: a
     * {@code META-INF/microprofile-config.properties}, even an empty one. GlassFish starts its
     * MicroProfile Config container only for archives its {@code ConfigSniffer} picks, and that
     * file is what it looks for; without it the application's own {@code ConfigSource} is not
     * seen (the session cookie keeps its default name) and {@code @Inject @ConfigProperty} fails
     * with {@code WELD-001408: Unsatisfied dependencies for type String with qualifiers @ConfigProperty}.
     */
    static WebArchive withMicroProfileConfig(WebArchive archive) {
        return archive.addAsResource(new org.jboss.shrinkwrap.api.asset.StringAsset(""), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(new org.jboss.shrinkwrap.api.asset.StringAsset(
                        "<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\" bean-discovery-mode=\"annotated\"/>"), "beans.xml");
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
    public HttpTarget application() {
        return at(ApplicationContract.NAME);
    }

    /** GlassFish's JPA provider is EclipseLink. */
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
}
