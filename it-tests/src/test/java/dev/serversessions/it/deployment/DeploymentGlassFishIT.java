package dev.serversessions.it.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.deployment.app.AppConfigSource;
import dev.serversessions.it.deployment.glassfish.ConfigOnlyServlet;
import dev.serversessions.it.deployment.glassfish.ConfigTypesSeenByCdi;
import dev.serversessions.it.support.DeploysWars;
import dev.serversessions.it.support.GlassFishServer;
import dev.serversessions.it.support.HttpTarget;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three deployment contracts on one GlassFish, deployed with {@code asadmin deploy}:
 * {@link Archives#withoutCdi} at {@code /nocdi}, {@link Archives#application} at {@code /app},
 * and again at {@code /redeploy} undeployed and deployed again.
 *
 * <p>The application at {@code /app} carries one more class on GlassFish,
 * {@link ConfigTypesSeenByCdi}: GlassFish 7.0.21 cannot inject a {@code @ConfigProperty} into a
 * servlet of an annotated bean archive unless a CDI bean has an injection point of the same
 * type, with or without this library
 * ({@link #aConfigPropertyOnlyInAServletFailsOnGlassFishWithoutTheLibrary}).
 */
class DeploymentGlassFishIT extends DeploymentsOnOneServer implements ApplicationContract {
    @BeforeAll
    static void start() {
        DeploysWars server = start("glassfish", GlassFishServer::start);
        application = export(Archives.application(RedeployContract.NAME));
        server.deploy(export(Archives.withoutCdi(WarWithoutCdiContract.NAME)), WarWithoutCdiContract.NAME);
        server.deploy(export(Archives.application(ApplicationContract.NAME).addClass(ConfigTypesSeenByCdi.class)),
                ApplicationContract.NAME);
        server.deploy(export(ShrinkWrap.create(WebArchive.class, "configonly.war").addClass(ConfigOnlyServlet.class)
                .addClass(AppConfigSource.class).addAsServiceProvider(ConfigSource.class, AppConfigSource.class)
                // an annotated bean archive, as an application without beans.xml is: CDI injects the
                // servlet, whose class is not a bean (with bean-discovery-mode="all" it would be one,
                // and GlassFish would see its injection point in time: that works)
                .addAsWebInfResource(new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\""
                        + " bean-discovery-mode=\"annotated\"/>"), "beans.xml")),
                "configonly");
    }

    /**
     * The evidence that GlassFish, not the library, refuses a {@code @ConfigProperty} seen only in a
     * servlet: an annotated bean archive without this library, one servlet with
     * {@code @Inject @ConfigProperty String}, its own config source. (Payara and WildFly inject it;
     * so does GlassFish once a CDI bean has such an injection point, as {@code /app} shows.)
     */
    @Test
    void aConfigPropertyOnlyInAServletFailsOnGlassFishWithoutTheLibrary() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(at("configonly").url("/greeting")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(500, response.statusCode(), response.body());
        assertTrue(response.body().contains("WELD-001408"), response.body());
    }

    /**
     * {@code /app} has no {@code @SessionScoped} bean of its own (GlassFish's, Mojarra's websocket
     * channels and Soteria's OpenID context, stay with the container): Weld's session context is
     * left with the container's request instead of being moved on every request for nothing, and
     * the contract's tests ({@code ServerSession}, a {@code @ServerSessionScoped} bean shared by a
     * resource and a servlet) pass without that move.
     */
    @Test
    void withNoSessionScopedBeanToStoreWeldsSessionContextIsLeftAlone() {
        // the server also runs the test WAR at its root, whose beans do move (its own line)
        java.util.List<String> said = server().log().lines()
                .filter(l -> l.contains("No @SessionScoped bean can be kept in the server session")).toList();
        assertFalse(said.isEmpty(), server().log());
        for (String line : said) {
            assertFalse(line.contains("dev.serversessions."), "only the runtime's beans stay: " + line);
        }
    }

    @Override
    public HttpTarget application() {
        return at(ApplicationContract.NAME);
    }

    @Override
    public String jpaProvider() {
        return "eclipse";
    }

    @Override
    public Path sessionDirectory() {
        return dir.resolve("sessions");
    }

    @Override
    public boolean injectsServletsOutsideABeanArchive() {
        return true;
    }
}
