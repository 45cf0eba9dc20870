package dev.serversessions.it.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.HttpTarget;
import java.net.URI;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC §1: a session "survives restarts, redeploys": the application is undeployed and
 * deployed again (on Payara Micro, whose Arquillian adapter runs one process per deployment,
 * that is a new process) and the browser's session is still there.
 */
@ExtendWith(ArquillianExtension.class)
abstract class RedeployContract {
    static final String NAME = "redeploy";

    @ArquillianResource
    Deployer deployer;

    /** The HTTP port the container serves deployments on. */
    protected abstract int port();

    @Test
    void sessionsSurviveARedeployOfTheApplication() {
        HttpTarget app = path -> URI.create("http://127.0.0.1:" + port() + "/" + NAME + path);
        Browser browser = new Browser(app, ApplicationContract.COOKIE);
        deployer.deploy(NAME);
        boolean deployed = true;
        try {
            assertEquals(204, browser.put("/rest/session/cart", "3 items").status());

            deployer.undeploy(NAME);
            deployed = false;
            deployer.deploy(NAME);
            deployed = true;

            assertEquals("3 items", browser.get("/rest/session/cart").body());
        } finally {
            if (deployed) {
                deployer.undeploy(NAME);
            }
        }
    }
}
