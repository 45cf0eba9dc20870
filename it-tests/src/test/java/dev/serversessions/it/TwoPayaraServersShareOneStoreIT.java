package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.PayaraMicro;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Two Payara Micro instances on different ports sharing one filesystem session directory (a
 * shared volume, in production; a network store such as Redis works the same way).
 */
class TwoPayaraServersShareOneStoreIT extends SharedStoreContract {
    private static PayaraMicro a;
    private static PayaraMicro b;

    @BeforeAll
    static void start() {
        Map<String, String> env = Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", FileSystemSessionContract.newSessionDirectory().toString());
        a = PayaraMicro.start("shared-a", env);
        b = PayaraMicro.start("shared-b", env);
    }

    @AfterAll
    static void stop() {
        for (AppServer server : new AppServer[] {a, b}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    protected AppServer a() {
        return a;
    }

    @Override
    protected AppServer b() {
        return b;
    }
}
