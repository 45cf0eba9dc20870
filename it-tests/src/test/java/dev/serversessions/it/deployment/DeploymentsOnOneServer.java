package dev.serversessions.it.deployment;

import dev.serversessions.it.support.DeploysWars;
import dev.serversessions.it.support.HttpTarget;
import dev.serversessions.it.support.RuntimeServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;

/**
 * Deployment contracts on one running runtime that deploys WARs as its users do: the WAR
 * without CDI at {@code /nocdi} and {@code /redeploy} undeployed and deployed again. A thin
 * subclass names the runtime and deploys what it adds.
 */
abstract class DeploymentsOnOneServer implements WarWithoutCdiContract, RedeployContract {
    private static DeploysWars server;
    /** The WAR {@link #deployRedeployable()} deploys at {@code /redeploy}. */
    protected static Path application;
    /** Where the test's WARs and the session directory ({@code sessions}) are. */
    protected static Path dir;

    /** Starts the runtime ({@code launcher}) on a filesystem store of its own. */
    protected static DeploysWars start(String runtime, BiFunction<String, Map<String, String>, ? extends DeploysWars> launcher) {
        dir = RuntimeServer.workDir().resolve("deployment-" + runtime + "-" + System.nanoTime());
        server = launcher.apply("deployment", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", dir.resolve("sessions").toString()));
        return server;
    }

    /** Writes {@code archive} into {@link #dir}. */
    static Path export(WebArchive archive) {
        Path war = dir.resolve(archive.getName());
        dir.toFile().mkdirs();
        archive.as(ZipExporter.class).exportTo(war.toFile(), true);
        return war;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The server the class started: its log. */
    protected static DeploysWars server() {
        return server;
    }

    protected static HttpTarget at(String contextRoot) {
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
