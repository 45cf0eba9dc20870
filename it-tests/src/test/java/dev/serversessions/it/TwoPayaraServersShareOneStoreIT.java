package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * Two Payara Micro instances on different ports sharing one filesystem session directory (a
 * shared volume, in production; a network store such as Redis works the same way).
 */
class TwoPayaraServersShareOneStoreIT extends SharedFileSystemContract {
    @BeforeAll
    static void start() {
        startOnFiles(PayaraMicro::start, PayaraMicro::start, "shared", Map.of());
    }
}
