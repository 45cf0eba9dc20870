package dev.serversessions.it.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.HttpTarget;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * SPEC §1: a session "survives restarts, redeploys": the application is undeployed and
 * deployed again (on Payara Micro, whose Arquillian adapter runs one process per deployment,
 * that is a new process) and the browser's session is still there.
 */
interface RedeployContract {
    String NAME = "redeploy";

    /** The HTTP port the container serves deployments on. */
    int port();

    /** Deploys {@link Archives#application} at {@code /redeploy} and waits until it is up. */
    void deployRedeployable();

    /** Undeploys what {@link #deployRedeployable} deployed. */
    void undeployRedeployable();

    @Test
    default void sessionsSurviveARedeployOfTheApplication() {
        HttpTarget app = path -> URI.create("http://127.0.0.1:" + port() + "/" + RedeployContract.NAME + path);
        Browser browser = new Browser(app, ApplicationContract.COOKIE);
        deployRedeployable();
        boolean deployed = true;
        try {
            assertEquals(204, browser.put("/rest/session/cart", "3 items").status());

            undeployRedeployable();
            deployed = false;
            deployRedeployable();
            deployed = true;

            assertEquals("3 items", browser.get("/rest/session/cart").body());
        } finally {
            if (deployed) {
                undeployRedeployable();
            }
        }
    }
}
