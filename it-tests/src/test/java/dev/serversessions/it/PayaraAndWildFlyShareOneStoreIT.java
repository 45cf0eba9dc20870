package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * Payara Micro and WildFly serving the same application from one filesystem session directory:
 * sessions (cookie, ids, stored bytes) do not depend on the runtime that wrote them.
 */
class PayaraAndWildFlyShareOneStoreIT extends SharedFileSystemContract {
    @BeforeAll
    static void start() {
        startOnFiles(PayaraMicro::start, WildFlyServer::start, "payara-wildfly-files",
                Map.of("SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test"));
    }
}
