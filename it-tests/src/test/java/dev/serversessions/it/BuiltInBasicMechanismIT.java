package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link BuiltInBasicMechanismContract} on Payara Micro (A) and WildFly (B). */
class BuiltInBasicMechanismIT extends BuiltInBasicMechanismContract {
    private static PayaraMicro payara;
    private static WildFlyServer wildFly;

    @BeforeAll
    static void start() {
        Path war = war();
        Map<String, String> env = env();
        payara = PayaraMicro.start("builtin-basic-payara", env, war);
        wildFly = WildFlyServer.start("builtin-basic-wildfly", env, war);
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
