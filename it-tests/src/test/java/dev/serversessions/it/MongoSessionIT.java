package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §4 and MongoDB's own view of it, in Payara Micro, plus a second node deployed during an outage. */
class MongoSessionIT extends MongoSessionContract implements SessionScopedBeansContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start);
    }

    @Override
    public AppServer beanServer() {
        return server();
    }

    /**
     * A second node deploys while MongoDB is down (no hang, no failure), answers 503 to what
     * needs the store, and once MongoDB is back serves the sessions the first node wrote.
     */
    @Test
    void aNodeDeployedWhileMongoIsDownServesSharedSessionsOnceItReturns() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/cart", "3 items");
        mongo.stop();
        AppServer second = null;
        try {
            try {
                second = PayaraMicro.start("mongodb-second", env(mongo));
                assertEquals(503, browser.on(second).get("/api/session").status());
            } finally {
                mongo.restart();
            }
            Browser sameUser = browser.on(second);
            assertEquals("3 items", attribute(sameUser, "cart"));
            assertEquals(204, sameUser.put("/api/session/paid", "yes").status());
            assertEquals("yes", attribute(browser, "paid"), "the first node sees the second node's write");
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }
}
