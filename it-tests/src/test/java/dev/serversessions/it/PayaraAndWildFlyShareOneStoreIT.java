package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Payara Micro and WildFly serving the same application from one filesystem session directory:
 * sessions (cookie, ids, stored bytes) do not depend on the runtime that wrote them.
 */
class PayaraAndWildFlyShareOneStoreIT extends SharedStoreContract {
    private static PayaraMicro payara;
    private static WildFlyServer wildFly;

    @BeforeAll
    static void start() {
        Map<String, String> env = Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", FileSystemSessionContract.newSessionDirectory().toString(),
                "SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test");
        payara = PayaraMicro.start("mixed-payara", env);
        wildFly = WildFlyServer.start("mixed-wildfly", env);
    }

    @AfterAll
    static void stop() {
        for (AppServer server : new AppServer[] {payara, wildFly}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    protected AppServer a() {
        return payara;
    }

    @Override
    protected AppServer b() {
        return wildFly;
    }
}
