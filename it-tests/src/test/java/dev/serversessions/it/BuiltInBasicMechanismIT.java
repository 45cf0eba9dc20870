package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/** {@link BuiltInBasicMechanismContract} on Payara Micro (A) and WildFly (B). */
class BuiltInBasicMechanismIT extends BuiltInBasicMechanismContract {
    @BeforeAll
    static void start() {
        Path war = war();
        startPair((name, env) -> PayaraMicro.start(name, env, war), (name, env) -> WildFlyServer.start(name, env, war),
                "builtin-basic", env(), null);
    }
}
