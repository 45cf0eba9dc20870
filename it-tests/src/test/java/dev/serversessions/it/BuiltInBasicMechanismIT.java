package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link BuiltInBasicMechanismContract} on Payara Micro (A) and WildFly (B). */
class BuiltInBasicMechanismIT extends BuiltInBasicMechanismContract {
    @BeforeAll
    static void start() {
        Path war = war();
        startPair((name, env) -> PayaraMicro.start(name, env, war), (name, env) -> WildFlyServer.start(name, env, war),
                "builtin-basic", env(), null);
    }

    /**
     * This WAR has no {@code @SessionScoped} bean (Payara has only its own, which stay with the
     * container; WildFly none): Weld's session context is not moved on each request, for nothing.
     * The logins of the contract's tests live in the server session without it.
     */
    @Test
    void withNoSessionScopedBeanToStoreWeldsSessionContextIsLeftAlone() {
        for (AppServer server : List.of(a(), b())) {
            assertFalse(server.log().contains("@SessionScoped beans live in the server session"), server.log());
        }
        assertTrue(a().log().contains("No @SessionScoped bean can be kept in the server session"), a().log());
    }
}
