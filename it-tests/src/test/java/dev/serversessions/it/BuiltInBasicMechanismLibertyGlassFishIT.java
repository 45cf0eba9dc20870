package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.LibertyServer;
import dev.serversessions.it.support.GlassFishServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link BuiltInBasicMechanismContract} on Open Liberty (A) and GlassFish (B). */
class BuiltInBasicMechanismLibertyGlassFishIT extends BuiltInBasicMechanismContract {
    private static LibertyServer liberty;
    private static GlassFishServer glassFish;

    @BeforeAll
    static void start() {
        Path war = war();
        Map<String, String> env = env();
        liberty = LibertyServer.start("builtin-basic-liberty", env, war);
        glassFish = GlassFishServer.start("builtin-basic-glassfish", env, war);
    }

    @AfterAll
    static void stop() {
        for (AppServer server : new AppServer[] {liberty, glassFish}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    protected AppServer a() {
        return liberty;
    }

    @Override
    protected AppServer b() {
        return glassFish;
    }
}
